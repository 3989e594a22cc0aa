# vggA_dct: the INSA Rouen seed; ImageNet with the insa protocol and the
# Keras batch-norm defaults the seed trained with (PyTorch momentum 0.01,
# eps 1e-3).
_base_ = [
    '../_base_/models/dct-vgg_in1k.py',
    '../_base_/datasets/imagenet_dct_insa.py',
    '../_base_/schedules/imagenet_sgd-nesterov_90e.py',
    '../_base_/default_runtime.py'
]
model = dict(
    backbone=dict(
        arch='vggA_dct', norm_cfg=dict(type='BN', momentum=0.01, eps=1e-3)))
optim_wrapper = dict(optimizer=dict(lr=0.01))
