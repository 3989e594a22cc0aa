# SSD300 on jpeg_deep_vgg_dct_y (jpeg_deep, Deguerre et al., ICPR 2020), its
# ImageNet classification checkpoint as backbone init, and fc6/fc7 from its
# FC-4096 layers, subsampled as jpeg_deep's classification2ssd.py.
# Published COCO mAP@[.5:.95]: 14.4.
_base_ = [
    '../_base_/models/ssd300_dct-vgg-y.py', '../_base_/datasets/coco_dct.py',
    '../_base_/schedules/sgd_ssd-coco-24e.py', '../_base_/default_runtime.py'
]
