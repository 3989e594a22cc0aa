# INSA Rouen seed, experiment 3: its RGB ResNet-50 baseline (resnet_rgb) on
# pixels, from ImageNet RGB weights; insa protocol.
_base_ = [
    '../_base_/models/dct-resnet-insa_in1k.py',
    '../_base_/datasets/imagenet_rgb_insa.py',
    '../_base_/schedules/imagenet_sgd-nesterov_90e.py',
    '../_base_/default_runtime.py'
]
model = dict(
    data_preprocessor=dict(
        _delete_=True,
        type='ImgDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True),
    backbone=dict(arch='resnet_rgb'))
optim_wrapper = dict(optimizer=dict(lr=0.01))
