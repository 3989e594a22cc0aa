# RGB baseline for the DCT ResNets, same schedule: SSD300 on torchvision's
# ImageNet ResNet-50 (jpeg_deep's SSD300-ResNet50).
# Published VOC07 test mAP (all-point): 61.3 trained on 07, 73.1 on "07+12".
_base_ = [
    '../_base_/models/ssd300_r50.py',
    '../_base_/datasets/voc0712_rgb.py',
    '../_base_/schedules/sgd_ssd-voc-24e.py', '../_base_/default_runtime.py'
]
model = dict(
    bbox_head=dict(
        num_classes=20,
        anchor_generator=dict(basesize_ratio_range=(0.2, 0.9))))
