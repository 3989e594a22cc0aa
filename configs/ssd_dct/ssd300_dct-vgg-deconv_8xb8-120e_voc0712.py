# SSD300 on jpeg_deep_vgg_dct_deconv (jpeg_deep, Deguerre et al., ICPR
# 2020), its ImageNet classification checkpoint as backbone init, and
# fc6/fc7 from its FC-4096 layers, subsampled as jpeg_deep's
# classification2ssd.py.
# Published VOC07 test mAP (all-point): 38.4 trained on 07, 53.5 on "07+12".
_base_ = [
    '../_base_/models/ssd300_dct-vgg-deconv.py',
    '../_base_/datasets/voc0712_dct.py',
    '../_base_/schedules/sgd_ssd-voc-24e.py', '../_base_/default_runtime.py'
]
model = dict(
    bbox_head=dict(
        num_classes=20,
        anchor_generator=dict(basesize_ratio_range=(0.2, 0.9))))
