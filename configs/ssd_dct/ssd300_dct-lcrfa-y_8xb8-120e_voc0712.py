# SSD300 on the jpeg_deep_lc_rfa_y DCT ResNet (jpeg_deep, Deguerre et al.,
# ICPR 2020), its ImageNet classification checkpoint as backbone init.
# Published VOC07 test mAP (all-point): 62.1 trained on 07, 71.0 on "07+12".
_base_ = [
    '../_base_/models/ssd300_dct-lcrfa-y.py',
    '../_base_/datasets/voc0712_dct.py',
    '../_base_/schedules/sgd_ssd-voc-24e.py', '../_base_/default_runtime.py'
]
model = dict(
    bbox_head=dict(
        num_classes=20,
        anchor_generator=dict(basesize_ratio_range=(0.2, 0.9))))
