# ROCK (rock-pytorch): MMDetection's SSD300 with torchvision's ResNet-50,
# its last stage dilated (2048 x 30 x 40 at 480 x 640), the ROCK block with
# scene/depth/normals, 5 SSD extra layers and rectangular priors (7228),
# 19 NYUv2 classes. The baseline SSD is the same with `neck.aux_tasks=()`.
_base_ = 'mmdet::_base_/models/ssd300.py'
input_size = (480, 640)  # (H, W)
model = dict(
    type='ROCKDetector',
    data_preprocessor=dict(std=[58.395, 57.12, 57.375]),
    backbone=dict(
        _delete_=True,
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
        _delete_=True,
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
            _delete_=True, type='ROCKPriorGenerator', img_size=input_size),
        bbox_coder=dict(clip_border=False)),
    loss_scene=dict(type='CrossEntropyLoss', loss_weight=3.0),
    loss_depth=dict(type='ROCKDepthLoss', loss_weight=3.0),
    loss_normals=dict(type='ROCKNormalsLoss', loss_weight=30.0),
    # SSD300's assignment but for the background: positives IoU >= 0.5
    # (and each box's best prior), background < 0.4, the band between
    # ignored.
    train_cfg=dict(assigner=dict(neg_iou_thr=0.4)),
    # rock-pytorch's evaluation: score > 0.05, NMS 0.3, 100 per image.
    test_cfg=dict(
        nms_pre=10000,
        nms=dict(iou_threshold=0.3),
        score_thr=0.05,
        max_per_img=100))
