# RGB baseline for the DCT ResNets, same schedule: SSD300 on torchvision's
# ImageNet ResNet-50 (jpeg_deep's SSD300-ResNet50).
# Published COCO mAP@[.5:.95]: 26.8.
_base_ = [
    '../_base_/models/ssd300_r50.py',
    '../_base_/datasets/coco_rgb.py',
    '../_base_/schedules/sgd_ssd-coco-24e.py', '../_base_/default_runtime.py'
]
