# Ablation: ROCK with the normals task only.
_base_ = './rock_r50-d16_1xb8-30k_nyuv2.py'
model = dict(neck=dict(aux_tasks=('normals', )))
