# RGB baseline: SSD300 on torchvision's ImageNet ResNet-50 tapped like
# jpeg_deep's SSD300-ResNet50: res3d (38x38x512) and stage 5 at stride 1
# (19x19x2048), the same neck and head as ssd300_dct-resnet.py.
_base_ = './ssd300_dct-resnet.py'
model = dict(
    data_preprocessor=dict(
        _delete_=True,
        type='DetDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_size_divisor=1),
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
    neck=dict(in_channels=(512, 2048), out_channels=(512, 2048, 512, 256, 256,
                                                     256)),
    bbox_head=dict(in_channels=(512, 2048, 512, 256, 256, 256)))
