# RGB baseline, same schedule: MMDetection's SSD300 VGG16 (jpeg_deep's
# retrained SSD300; MMDetection's model zoo: 76.5 11-point mAP on 07+12,
# 25.5 box AP on COCO).
# Published COCO mAP@[.5:.95]: 24.5.
_base_ = [
    'mmdet::_base_/models/ssd300.py',
    '../_base_/datasets/coco_rgb.py',
    '../_base_/schedules/sgd_ssd-coco-24e.py', '../_base_/default_runtime.py'
]
