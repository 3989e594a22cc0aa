# RGB baseline: MMDetection's SSD300 (Caffe VGG16 with pool5/fc6/fc7,
# ImageNet weights) with the same neck extras and head as the DCT models.
_base_ = './ssd300_dct-resnet.py'
model = dict(
    data_preprocessor=dict(
        _delete_=True,
        type='DetDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[1, 1, 1],
        bgr_to_rgb=True,
        pad_size_divisor=1),
    backbone=dict(
        _delete_=True,
        type='SSDVGG',
        depth=16,
        with_last_pool=False,
        ceil_mode=True,
        out_indices=(3, 4),
        out_feature_indices=(22, 34),
        init_cfg=dict(
            type='Pretrained', checkpoint='open-mmlab://vgg16_caffe')),
    neck=dict(in_channels=(512, 1024), out_channels=(512, 1024, 512, 256, 256,
                                                     256)),
    bbox_head=dict(in_channels=(512, 1024, 512, 256, 256, 256)))
