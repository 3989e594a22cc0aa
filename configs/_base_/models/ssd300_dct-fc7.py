# SSD300 whose extras start with a pool5 (3x3/1) -> fc6 (dilation 6) -> fc7
# block (SSDExtrasNeck, 19x19x1024) on the backbone's 19x19 tap, L2Norm(20)
# on its 38x38 one, then the standard extras: 8732 anchors. The derived
# bases set the taps' in_channels.
_base_ = './ssd300_dct-pretrained.py'
model = dict(
    neck=dict(
        _delete_=True,
        type='SSDExtrasNeck',
        fc7_channels=1024,
        out_channels=(512, 1024, 512, 256, 256, 256),
        level_strides=(2, 2, 1, 1),
        level_paddings=(1, 1, 0, 0),
        l2_norm_levels=(0, )),
    bbox_head=dict(in_channels=(512, 1024, 512, 256, 256, 256)))
