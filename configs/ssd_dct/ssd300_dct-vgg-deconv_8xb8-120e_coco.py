# SSD300 on jpeg_deep_vgg_dct_deconv (jpeg_deep, Deguerre et al., ICPR 2020), its
# ImageNet classification checkpoint as backbone init (fc6/fc7 start
# random; jpeg_deep subsampled its FC-4096 weights into them).
# Published COCO mAP@[.5:.95]: 13.5.
_base_ = './ssd300_dct-vgg_8xb8-120e_coco.py'
model = dict(
    backbone=dict(
        arch='jpeg_deep_vgg_dct_deconv',
        init_cfg=dict(
            checkpoint='work_dirs/dct-vgg_jpeg-deep-vgg-dct-deconv_8xb32-90e_in1k/epoch_90.pth')))
