# The model of configs/ssd_dct/ssd300_dct-vgg_*: ssd300_dct-vgg-fc7.py
# (jpeg_deep_vgg_dct) with its backbone and, as jpeg_deep's
# classification2ssd.py, its fc6/fc7 from the ImageNet run.
_base_ = './ssd300_dct-vgg-fc7.py'
__imagenet = 'dct-vgg_jpeg-deep-vgg-dct_8xb32-90e_in1k'
classification = f'work_dirs/{__imagenet}/epoch_90.pth'
model = dict(
    backbone=dict(init_cfg=dict(checkpoint=classification)),
    neck=dict(fc_init_checkpoint=classification))
