# SSD300 on jpeg_deep's VGG-DCT (Deguerre et al. 2020): block4_conv3
# (38x38x512, L2Norm 20) and block5 -> pool5 (3x3/1) -> fc6 (dilation 6)
# -> fc7 (19x19x1024), then the standard SSD300 extras: 8732 anchors.
_base_ = './ssd300_dct-fc7.py'
model = dict(
    backbone=dict(
        _delete_=True,
        type='DCTVGG',
        arch='jpeg_deep_vgg_dct',
        out_indices=(0, 1),
        final_pool=False,
        init_cfg=_base_.model.backbone.init_cfg),
    neck=dict(in_channels=(512, 512)))
