# SSD300 on jpeg_deep_vgg_dct_y (jpeg_deep, Deguerre et al., ICPR 2020), its
# ImageNet classification checkpoint as backbone init, and fc6/fc7 from its
# FC-4096 layers, subsampled as jpeg_deep's classification2ssd.py.
# Published COCO mAP@[.5:.95]: 14.4.
_base_ = './ssd300_dct-vgg_8xb8-120e_coco.py'
classification = 'work_dirs/dct-vgg_jpeg-deep-vgg-dct-y_8xb32-90e_in1k/epoch_90.pth'
model = dict(
    backbone=dict(
        arch='jpeg_deep_vgg_dct_y',
        init_cfg=dict(checkpoint=classification)),
    neck=dict(fc_init_checkpoint=classification))
