# SSD300 on the jpeg_deep_lc_rfa_thinner DCT ResNet (jpeg_deep, Deguerre et al.,
# ICPR 2020), its ImageNet classification checkpoint as backbone init.
# Published COCO mAP@[.5:.95]: 25.4.
_base_ = [
    '../_base_/models/ssd300_dct-resnet.py',
    '../_base_/datasets/coco_dct.py',
    '../_base_/schedules/sgd_ssd-coco-24e.py', '../_base_/default_runtime.py'
]
model = dict(
    backbone=dict(
        arch='jpeg_deep_lc_rfa_thinner',
        init_cfg=dict(
            type='Pretrained',
            prefix='backbone.',
            checkpoint='work_dirs/dct-resnet_jpeg-deep-lc-rfa-thinner_8xb32-90e_in1k/epoch_90.pth')))
