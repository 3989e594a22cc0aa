# SSD300 on a DCT ResNet as jpeg_deep's SSD-ResNet (Deguerre et al. 2020):
# taps at the Y stage-3 output (38x38) and at stage 5 kept at stride 1
# (19x19x2048), L2Norm(20) on the first, then the standard SSD300 extras
# (10/5/3/1): 8732 anchors. The other SSD300 model bases derive from this
# one, which also holds the shared head, training and test settings.
model = dict(
    type='SingleStageDetector',
    data_preprocessor=dict(type='DCTDataPreprocessor'),
    backbone=dict(
        type='DCTResNet',
        arch='jpeg_deep_lc_rfa_thinner',
        out_indices=(1, 4),
        strides=(1, 1, 2, 1, 1)),
    neck=dict(
        type='SSDNeck',
        in_channels=(384, 2048),
        out_channels=(384, 2048, 512, 256, 256, 256),
        level_strides=(2, 2, 1, 1),
        level_paddings=(1, 1, 0, 0),
        l2_norm_scale=20),
    bbox_head=dict(
        type='SSDHead',
        in_channels=(384, 2048, 512, 256, 256, 256),
        num_classes=80,
        anchor_generator=dict(
            type='SSDAnchorGenerator',
            scale_major=False,
            input_size=300,
            basesize_ratio_range=(0.15, 0.9),
            strides=[8, 16, 32, 64, 100, 300],
            ratios=[[2], [2, 3], [2, 3], [2, 3], [2], [2]]),
        bbox_coder=dict(
            type='DeltaXYWHBBoxCoder',
            target_means=[.0, .0, .0, .0],
            target_stds=[0.1, 0.1, 0.2, 0.2])),
    train_cfg=dict(
        assigner=dict(
            type='MaxIoUAssigner',
            pos_iou_thr=0.5,
            neg_iou_thr=0.5,
            min_pos_iou=0.,
            ignore_iof_thr=-1,
            gt_max_assign_all=False),
        sampler=dict(type='PseudoSampler'),
        smoothl1_beta=1.,
        allowed_border=-1,
        pos_weight=-1,
        neg_pos_ratio=3,
        debug=False),
    test_cfg=dict(
        nms_pre=1000,
        nms=dict(type='nms', iou_threshold=0.45),
        min_bbox_size=0,
        score_thr=0.02,
        max_per_img=200))
