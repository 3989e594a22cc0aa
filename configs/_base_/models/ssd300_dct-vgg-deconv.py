# The model of configs/ssd_dct/ssd300_dct-vgg-deconv_*: ssd300_dct-vgg.py on
# the jpeg_deep_vgg_dct_deconv network, backbone and fc6/fc7 from its ImageNet
# run.
_base_ = './ssd300_dct-vgg.py'
__imagenet = 'dct-vgg_jpeg-deep-vgg-dct-deconv_8xb32-90e_in1k'
classification = f'work_dirs/{__imagenet}/epoch_90.pth'
model = dict(
    backbone=dict(
        arch='jpeg_deep_vgg_dct_deconv',
        init_cfg=dict(checkpoint=classification)),
    neck=dict(fc_init_checkpoint=classification))
