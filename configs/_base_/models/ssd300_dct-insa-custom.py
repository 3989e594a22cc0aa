# The INSA Rouen seed's `ssd_custom` (README experiment 1): the
# late_concat_rfa_thinner backbone tapped at Y conv4_3 (38x38x384), res3d
# (19x19x512) and res4f (10x10x1024), all three L2-normalised; res5c
# (5x5x2048) -> pool5/fc6/fc7 (5x5x1024); conv6 (3x3x256, a 256-wide 1x1)
# and conv9 (1x1x256). Grids 38/19/10/5/3/1: 8732 anchors.
_base_ = './ssd300_dct-resnet.py'
model = dict(
    backbone=dict(
        # As the INSA classification runs whose checkpoints it loads
        # (dct-resnet-insa_in1k.py): Keras batch norms, stride on the 3x3.
        style='pytorch',
        norm_cfg=dict(type='BN', momentum=0.01, eps=1e-3),
        arch='late_concat_rfa_thinner', out_indices=(1, 3, 4, 5),
        strides=None),
    neck=dict(
        _delete_=True,
        type='SSDExtrasNeck',
        in_channels=(384, 512, 1024, 2048),
        fc7_channels=1024,
        out_channels=(384, 512, 1024, 1024, 256, 256),
        mid_channels=(256, 128),
        level_strides=(2, 1),
        level_paddings=(1, 0),
        l2_norm_levels=(0, 1, 2)),
    bbox_head=dict(in_channels=(384, 512, 1024, 1024, 256, 256)))
