# jpeg_deep_vgg_dct: jpeg_deep (Deguerre et al. 2020); ImageNet with the jpeg-deep protocol.
_base_ = [
    '../_base_/models/dct-vgg_in1k.py',
    '../_base_/datasets/imagenet_dct_jpeg-deep.py',
    '../_base_/schedules/imagenet_sgd-nesterov_90e.py',
    '../_base_/default_runtime.py'
]
model = dict(backbone=dict(arch='jpeg_deep_vgg_dct'))
