# The model of configs/ssd_dct/ssd300_dct-lcrfa_*: SSD300 on the
# jpeg_deep_lc_rfa DCT ResNet (a 512-wide Y stage 3), from its ImageNet run.
_base_ = './ssd300_dct-pretrained.py'
__imagenet = 'dct-resnet_jpeg-deep-lc-rfa_8xb32-90e_in1k'
model = dict(
    backbone=dict(
        arch='jpeg_deep_lc_rfa',
        init_cfg=dict(checkpoint=f'work_dirs/{__imagenet}/epoch_90.pth')),
    neck=dict(
        in_channels=(512, 2048),
        out_channels=(512, 2048, 512, 256, 256, 256)),
    bbox_head=dict(in_channels=(512, 2048, 512, 256, 256, 256)))
