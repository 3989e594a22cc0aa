# The INSA Rouen seed's --archi ssd_custom SSD (ssd300_dct-insa-custom.py),
# its ImageNet classification checkpoint as backbone init.
# Trained on VOC07 train + VOC12 train (the seed's split), tested on
# VOC07 test. Published mAP (all-point): 63.0 on VOC07 test; 59.2 on VOC12
# val, ssd300_dct-insa-custom_8xb8-120e_voc0712-train_voc12-val.py.
_base_ = [
    '../_base_/models/ssd300_dct-insa-custom.py',
    '../_base_/datasets/voc0712-train_dct.py',
    '../_base_/schedules/sgd_ssd-voc-24e.py', '../_base_/default_runtime.py'
]
model = dict(
    bbox_head=dict(
        num_classes=20,
        anchor_generator=dict(basesize_ratio_range=(0.2, 0.9))))
