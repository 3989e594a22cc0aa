# The INSA Rouen seed's `ssd_custom` (README experiment 1): the
# late_concat_rfa_thinner backbone (as ssd300_dct-insa-fc7.py's) tapped at
# Y conv4_3 (38x38x384), res3d (19x19x512) and res4f (10x10x1024), all
# three L2-normalised; res5c (5x5x2048) -> pool5/fc6/fc7 (5x5x1024); conv6
# (3x3x256, a 256-wide 1x1) and conv9 (1x1x256). Grids 38/19/10/5/3/1:
# 8732 anchors. The model of configs/ssd_dct/ssd300_dct-insa-custom_*,
# from the backbone's ImageNet run.
_base_ = './ssd300_dct-insa-fc7.py'
__imagenet = 'dct-resnet_late-concat-rfa-thinner_8xb32-90e_in1k'
model = dict(
    backbone=dict(
        arch='late_concat_rfa_thinner',
        out_indices=(1, 3, 4, 5),
        strides=None,
        init_cfg=dict(checkpoint=f'work_dirs/{__imagenet}/epoch_90.pth')),
    neck=dict(
        in_channels=(384, 512, 1024, 2048),
        out_channels=(384, 512, 1024, 1024, 256, 256),
        mid_channels=(256, 128),
        level_strides=(2, 1),
        level_paddings=(1, 0),
        l2_norm_levels=(0, 1, 2)),
    bbox_head=dict(in_channels=(384, 512, 1024, 1024, 256, 256)))
