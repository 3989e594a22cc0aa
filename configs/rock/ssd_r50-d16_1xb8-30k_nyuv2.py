# Baseline SSD (rock-pytorch --no_rock): the same network without the ROCK
# block and its losses (published 18.5 AP, 35.3 AP50).
_base_ = './rock_r50-d16_1xb8-30k_nyuv2.py'
model = dict(neck=dict(aux_tasks=()))
