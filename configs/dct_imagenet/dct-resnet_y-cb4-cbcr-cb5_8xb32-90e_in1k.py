# INSA Rouen seed, experiment 9: y_cb4_cbcr_cb5 with ImageNet RGB weights in
# res5; insa protocol.
_base_ = [
    '../_base_/models/dct-resnet-insa_in1k.py',
    '../_base_/datasets/imagenet_dct_insa.py',
    '../_base_/schedules/imagenet_sgd-nesterov_90e.py',
    '../_base_/default_runtime.py'
]
model = dict(backbone=dict(arch='y_cb4_cbcr_cb5'))
optim_wrapper = dict(optimizer=dict(lr=0.01))
