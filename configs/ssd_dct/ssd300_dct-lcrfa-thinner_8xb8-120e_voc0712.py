_base_ = [
    '../_base_/models/ssd300_dct-lcrfa-thinner.py',
    '../_base_/datasets/voc0712_dct.py',
    '../_base_/schedules/sgd_ssd-voc-24e.py', '../_base_/default_runtime.py'
]
model = dict(
    bbox_head=dict(
        num_classes=20,
        anchor_generator=dict(basesize_ratio_range=(0.2, 0.9))))
