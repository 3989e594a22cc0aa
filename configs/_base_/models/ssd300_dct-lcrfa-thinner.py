# The model of configs/ssd_dct/ssd300_dct-lcrfa-thinner_*: SSD300 on the
# jpeg_deep_lc_rfa_thinner DCT ResNet (ssd300_dct-resnet.py's), from its
# ImageNet run.
_base_ = './ssd300_dct-pretrained.py'
__imagenet = 'dct-resnet_jpeg-deep-lc-rfa-thinner_8xb32-90e_in1k'
model = dict(
    backbone=dict(
        init_cfg=dict(checkpoint=f'work_dirs/{__imagenet}/epoch_90.pth')))
