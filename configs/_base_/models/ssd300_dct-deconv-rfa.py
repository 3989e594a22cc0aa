# The model of configs/ssd_dct/ssd300_dct-deconv-rfa_*: SSD300 on the
# jpeg_deep_deconv_rfa DCT ResNet (taps 512 and 2048 wide), from its
# ImageNet run.
_base_ = './ssd300_dct-pretrained.py'
__imagenet = 'dct-resnet_jpeg-deep-deconv-rfa_8xb32-90e_in1k'
model = dict(
    backbone=dict(
        arch='jpeg_deep_deconv_rfa',
        out_indices=(1, 3),
        strides=(1, 1, 2, 1),
        init_cfg=dict(checkpoint=f'work_dirs/{__imagenet}/epoch_90.pth')),
    neck=dict(
        in_channels=(512, 2048),
        out_channels=(512, 2048, 512, 256, 256, 256)),
    bbox_head=dict(in_channels=(512, 2048, 512, 256, 256, 256)))
