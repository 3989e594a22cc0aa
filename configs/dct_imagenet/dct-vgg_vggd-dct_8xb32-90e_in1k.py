# vggD_dct: the INSA Rouen seed; ImageNet with the insa protocol.
_base_ = [
    '../_base_/models/dct-vgg_in1k.py',
    '../_base_/datasets/imagenet_dct_insa.py',
    '../_base_/schedules/imagenet_sgd-nesterov_90e.py',
    '../_base_/default_runtime.py'
]
model = dict(backbone=dict(arch='vggD_dct'))
optim_wrapper = dict(optimizer=dict(lr=0.01))
