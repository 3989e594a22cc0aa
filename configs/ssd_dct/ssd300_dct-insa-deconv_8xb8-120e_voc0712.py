# The INSA Rouen seed's --archi deconv SSD (ssd300_dct-insa-fc7.py),
# its ImageNet classification checkpoint as backbone init.
# Published VOC07 test mAP (all-point): 52.7 trained on VOC07 train + VOC12 train.
_base_ = [
    '../_base_/models/ssd300_dct-insa-fc7.py',
    '../_base_/datasets/voc0712_dct.py',
    '../_base_/schedules/sgd_ssd-voc-24e.py', '../_base_/default_runtime.py'
]
model = dict(
    backbone=dict(
        arch='deconv',
        out_indices=(2, 4),
        strides=(1, 1, 1, 2, 1),
        init_cfg=dict(
            type='Pretrained',
            prefix='backbone.',
            checkpoint='work_dirs/dct-resnet_deconv_8xb32-90e_in1k/epoch_90.pth')),
    neck=dict(
        in_channels=(512, 2048),
        out_channels=(512, 1024, 512, 256, 256, 256)),
    bbox_head=dict(
        num_classes=20,
        in_channels=(512, 1024, 512, 256, 256, 256),
        anchor_generator=dict(basesize_ratio_range=(0.2, 0.9))))
