# The INSA Rouen seed's --archi up_sampling (which built up_sampling_rfa)
# SSD (ssd300_dct-insa-fc7.py), its ImageNet classification checkpoint as
# backbone init.
# Trained on VOC07 train + VOC12 train (the seed's split), tested on
# VOC07 test. Published mAP (all-point): 51.9 on VOC07 test; 51.2 on VOC12
# val, ssd300_dct-insa-up-sampling-rfa_8xb8-120e_voc0712-train_voc12-val.py.
_base_ = [
    '../_base_/models/ssd300_dct-insa-fc7.py',
    '../_base_/datasets/voc0712-train_dct.py',
    '../_base_/schedules/sgd_ssd-voc-24e.py', '../_base_/default_runtime.py'
]
__imagenet = 'dct-resnet_up-sampling-rfa_8xb32-90e_in1k'
model = dict(
    backbone=dict(
        arch='up_sampling_rfa',
        out_indices=(2, 4),
        strides=(1, 1, 1, 2, 1),
        init_cfg=dict(checkpoint=f'work_dirs/{__imagenet}/epoch_90.pth')),
    bbox_head=dict(
        num_classes=20,
        anchor_generator=dict(basesize_ratio_range=(0.2, 0.9))))
