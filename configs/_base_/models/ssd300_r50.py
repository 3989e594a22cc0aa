# RGB baseline: MMDetection's SSD300 on torchvision's ImageNet ResNet-50
# tapped like jpeg_deep's SSD300-ResNet50: res3d (38x38x512) and stage 5 at
# stride 1 (19x19x2048), with torchvision's normalisation.
_base_ = 'mmdet::_base_/models/ssd300.py'
model = dict(
    data_preprocessor=dict(std=[58.395, 57.12, 57.375]),
    backbone=dict(
        _delete_=True,
        type='ResNet',
        depth=50,
        out_indices=(1, 3),
        strides=(1, 2, 2, 1),
        norm_cfg=dict(type='BN', requires_grad=True),
        norm_eval=False,
        style='pytorch',
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet50')),
    neck=dict(
        in_channels=(512, 2048),
        out_channels=(512, 2048, 512, 256, 256, 256)),
    bbox_head=dict(in_channels=(512, 2048, 512, 256, 256, 256)))
