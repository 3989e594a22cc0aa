# SSD300 on the jpeg_deep_lc_rfa_thinner DCT ResNet (jpeg_deep, Deguerre et al.,
# ICPR 2020), its ImageNet classification checkpoint as backbone init.
# Published VOC07 test mAP (all-point): 58.5 trained on 07, 67.5 on "07+12".
_base_ = [
    '../_base_/models/ssd300_dct-resnet.py',
    '../_base_/datasets/voc0712_dct.py',
    '../_base_/schedules/sgd_ssd-voc-24e.py', '../_base_/default_runtime.py'
]
model = dict(
    backbone=dict(
        arch='jpeg_deep_lc_rfa_thinner',
        init_cfg=dict(
            type='Pretrained',
            prefix='backbone.',
            checkpoint='work_dirs/dct-resnet_jpeg-deep-lc-rfa-thinner_8xb32-90e_in1k/epoch_90.pth')),
    bbox_head=dict(
        num_classes=20,
        anchor_generator=dict(basesize_ratio_range=(0.2, 0.9))))
