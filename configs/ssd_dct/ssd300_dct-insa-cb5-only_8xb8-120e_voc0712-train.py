# The INSA Rouen seed's --archi cb5_only SSD (ssd300_dct-insa-fc7.py),
# its ImageNet classification checkpoint as backbone init.
# Trained on VOC07 train + VOC12 train (the seed's split), tested on
# VOC07 test. Published mAP (all-point): 47.7 on VOC07 test; 47.4 on VOC12
# val, ssd300_dct-insa-cb5-only_8xb8-120e_voc0712-train_voc12-val.py.
_base_ = [
    '../_base_/models/ssd300_dct-insa-fc7.py',
    '../_base_/datasets/voc0712-train_dct.py',
    '../_base_/schedules/sgd_ssd-voc-24e.py', '../_base_/default_runtime.py'
]
__imagenet = 'dct-resnet_cb5-only_8xb32-90e_in1k'
model = dict(
    backbone=dict(
        arch='cb5_only',
        init_cfg=dict(checkpoint=f'work_dirs/{__imagenet}/epoch_90.pth')),
    # Its Y path ends 768 wide (the others' 512).
    neck=dict(
        in_channels=(768, 2048),
        out_channels=(768, 1024, 512, 256, 256, 256)),
    bbox_head=dict(
        num_classes=20,
        in_channels=(768, 1024, 512, 256, 256, 256),
        anchor_generator=dict(basesize_ratio_range=(0.2, 0.9))))
