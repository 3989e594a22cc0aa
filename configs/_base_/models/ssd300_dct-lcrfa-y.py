# The model of configs/ssd_dct/ssd300_dct-lcrfa-y_*: ssd300_dct-lcrfa.py on
# the jpeg_deep_lc_rfa_y DCT ResNet, from its ImageNet run.
_base_ = './ssd300_dct-lcrfa.py'
__imagenet = 'dct-resnet_jpeg-deep-lc-rfa-y_8xb32-90e_in1k'
model = dict(
    backbone=dict(
        arch='jpeg_deep_lc_rfa_y',
        init_cfg=dict(checkpoint=f'work_dirs/{__imagenet}/epoch_90.pth')))
