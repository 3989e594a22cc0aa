# SSD300 on jpeg_deep's VGG-DCT (Deguerre et al. 2020): block4_conv3
# (38x38x512, L2Norm 20) and block5 -> pool5 (3x3/1) -> fc6 (dilation 6)
# -> fc7 (19x19x1024), then the standard SSD300 extras: 8732 anchors.
_base_ = './ssd300_dct-resnet.py'
model = dict(
    backbone=dict(
        _delete_=True,
        type='DCTVGG',
        arch='jpeg_deep_vgg_dct',
        out_indices=(0, 1),
        final_pool=False),
    neck=dict(
        _delete_=True,
        type='SSDExtrasNeck',
        in_channels=(512, 512),
        fc7_channels=1024,
        out_channels=(512, 1024, 512, 256, 256, 256),
        level_strides=(2, 2, 1, 1),
        level_paddings=(1, 1, 0, 0),
        l2_norm_levels=(0, )),
    bbox_head=dict(in_channels=(512, 1024, 512, 256, 256, 256)))
