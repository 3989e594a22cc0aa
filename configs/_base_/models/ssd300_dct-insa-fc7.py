# The INSA seed's "identical extras" SSD (`cb5_only`, `y_cb4_cbcr_cb5`,
# `up_sampling`, `deconv`) on correct SSD300 grids: head 0 on the 38x38
# Y/stage-3 tap (L2Norm 20; the seed fed it the raw Y input), stage 5 at
# stride 1 -> pool5/fc6/fc7 (19x19x1024; the seed's stride 2 gave 10x10),
# then conv6-conv9 with conv7 at stride 2 (the seed's was 1): grids
# 38/19/10/5/3/1 and 8732 anchors, where the seed's [38,10,5,5,3,1] grids
# with SSD300 steps left two levels covering only the top-left 160 px.
_base_ = './ssd300_dct-fc7.py'
model = dict(
    backbone=dict(
        # As the INSA classification runs whose checkpoints it loads
        # (dct-resnet-insa_in1k.py): Keras batch norms, stride on the 3x3.
        style='pytorch',
        norm_cfg=dict(type='BN', momentum=0.01, eps=1e-3),
        arch='y_cb4_cbcr_cb5', out_indices=(1, 3), strides=(1, 1, 2, 1)),
    neck=dict(in_channels=(512, 2048)))
