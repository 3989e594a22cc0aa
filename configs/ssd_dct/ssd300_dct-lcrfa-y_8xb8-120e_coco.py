# SSD300 on the jpeg_deep_lc_rfa_y DCT ResNet (jpeg_deep, Deguerre et al.,
# ICPR 2020), its ImageNet classification checkpoint as backbone init.
# Published COCO mAP@[.5:.95]: 25.2.
_base_ = [
    '../_base_/models/ssd300_dct-lcrfa-y.py', '../_base_/datasets/coco_dct.py',
    '../_base_/schedules/sgd_ssd-coco-24e.py', '../_base_/default_runtime.py'
]
