# SSD300 on jpeg_deep_vgg_dct_deconv (jpeg_deep, Deguerre et al., ICPR 2020), its
# ImageNet classification checkpoint as backbone init (fc6/fc7 start
# random; jpeg_deep subsampled its FC-4096 weights into them).
# Published VOC07 test mAP (all-point): 38.4 trained on 07, 53.5 on "07+12".
_base_ = [
    '../_base_/models/ssd300_dct-vgg.py',
    '../_base_/datasets/voc0712_dct.py',
    '../_base_/schedules/sgd_ssd-voc-24e.py', '../_base_/default_runtime.py'
]
model = dict(
    backbone=dict(
        arch='jpeg_deep_vgg_dct_deconv',
        init_cfg=dict(
            type='Pretrained',
            prefix='backbone.',
            checkpoint='work_dirs/dct-vgg_jpeg-deep-vgg-dct-deconv_8xb32-90e_in1k/epoch_90.pth')),
    bbox_head=dict(
        num_classes=20,
        anchor_generator=dict(basesize_ratio_range=(0.2, 0.9))))
