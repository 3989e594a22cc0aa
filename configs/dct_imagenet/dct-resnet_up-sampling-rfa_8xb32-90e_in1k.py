# INSA Rouen seed, experiment 7: up_sampling_rfa with ImageNet RGB weights in
# res3b-res5c; insa protocol.
_base_ = [
    '../_base_/models/dct-resnet-insa_in1k.py',
    '../_base_/datasets/imagenet_dct_insa.py',
    '../_base_/schedules/imagenet_sgd-nesterov_90e.py',
    '../_base_/default_runtime.py'
]
model = dict(backbone=dict(arch='up_sampling_rfa'))
optim_wrapper = dict(optimizer=dict(lr=0.01))
