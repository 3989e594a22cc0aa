# ROCK (rock-pytorch): torchvision ResNet-50 with a dilated last stage
# (2048 x 30 x 40 at 480 x 640), the ROCK block with scene/depth/normals,
# 5 SSD extra layers and rectangular priors (7228), 19 NYUv2 classes.
# The baseline SSD is the same with `neck.aux_tasks=()`.
model = dict(
    type='ROCKDetector',
    data_preprocessor=dict(
        type='DetDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_size_divisor=1),
    backbone=dict(
        type='ROCKResNet',
        depth=50,
        # Frozen BN statistics, trainable affine parameters (rock-pytorch).
        norm_cfg=dict(type='BN', requires_grad=True),
        norm_eval=True,
        style='pytorch',
        # torchvision's IMAGENET1K_V1 weights, by URL: `torchvision://`
        # would need torchvision installed.
        init_cfg=dict(
            type='Pretrained',
            checkpoint='https://download.pytorch.org/models/'
            'resnet50-0676ba61.pth')),
    neck=dict(
        type='ROCKNeck',
        in_channels=2048,
        aux_tasks=('scene', 'depth', 'normals'),
        num_scenes=27),
    bbox_head=dict(
        type='ROCKSSDHead',
        num_classes=19,
        in_channels=(2048, 1024, 512, 256, 256, 256),
        loc_weight=6.0,
        per_image_norm=True,
        anchor_generator=dict(
            type='ROCKPriorGenerator', img_size=(480, 640)),  # (H, W)
        bbox_coder=dict(
            type='DeltaXYWHBBoxCoder',
            clip_border=False,
            target_means=[.0, .0, .0, .0],
            target_stds=[0.1, 0.1, 0.2, 0.2])),
    loss_scene=dict(type='CrossEntropyLoss', loss_weight=3.0),
    loss_depth=dict(type='ROCKDepthLoss', loss_weight=3.0),
    loss_normals=dict(type='ROCKNormalsLoss', loss_weight=30.0),
    train_cfg=dict(
        # Positives IoU >= 0.5 (and each box's best prior), background
        # < 0.4, the band between ignored.
        assigner=dict(
            type='MaxIoUAssigner',
            pos_iou_thr=0.5,
            neg_iou_thr=0.4,
            min_pos_iou=0.,
            ignore_iof_thr=-1,
            gt_max_assign_all=False),
        sampler=dict(type='PseudoSampler'),
        smoothl1_beta=1.,
        allowed_border=-1,
        pos_weight=-1,
        neg_pos_ratio=3,
        debug=False),
    # rock-pytorch's evaluation: score > 0.05, NMS 0.3, 100 per image.
    test_cfg=dict(
        nms_pre=10000,
        nms=dict(type='nms', iou_threshold=0.3),
        min_bbox_size=0,
        score_thr=0.05,
        max_per_img=100))
