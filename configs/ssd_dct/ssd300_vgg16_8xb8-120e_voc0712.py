# RGB baseline, same schedule: MMDetection's SSD300 VGG16 (jpeg_deep's
# retrained SSD300; MMDetection's model zoo: 76.5 11-point mAP on 07+12,
# 25.5 box AP on COCO).
# Published VOC07 test mAP (all-point): 65.0 trained on 07, 74.0 on "07+12".
_base_ = [
    'mmdet::_base_/models/ssd300.py',
    '../_base_/datasets/voc0712_rgb.py',
    '../_base_/schedules/sgd_ssd-voc-24e.py', '../_base_/default_runtime.py'
]
model = dict(
    bbox_head=dict(
        num_classes=20,
        anchor_generator=dict(basesize_ratio_range=(0.2, 0.9))))
