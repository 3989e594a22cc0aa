# vggD_dct: the INSA Rouen seed; ImageNet with the insa protocol. The published VGG heads
# are FC-4096 x2; this classifier pools globally before one FC.
_base_ = [
    '../_base_/models/dct-resnet_in1k.py',
    '../_base_/datasets/imagenet_dct_insa.py',
    '../_base_/schedules/imagenet_sgd-nesterov_90e.py',
    '../_base_/default_runtime.py'
]
model = dict(backbone=dict(_delete_=True, type='DCTVGG', arch='vggD_dct'))
optim_wrapper = dict(optimizer=dict(lr=0.01))
