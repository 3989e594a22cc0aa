# SSD300-DCT of Deguerre et al., ITSC 2019 (the "official" first VGG-DCT):
# 4:4:4 coefficients, a 1x1 block stem to 196 channels, VGG16 from conv4_1,
# pool5/fc6/fc7 and the SSD300 extras. The backbone starts from the
# ImageNet checkpoint of configs/dct_imagenet/dct-vgg_itsc-vgg-dct (the
# paper's classifier reached 42.0 / 66.9), with its Keras batch norms.
# Published VOC07 test mAP (all-point): 39.2 trained on 07, 47.8 on "07+12".
_base_ = [
    '../_base_/models/ssd300_dct-vgg-fc7.py',
    '../_base_/datasets/voc0712_dct-444.py',
    '../_base_/schedules/sgd_ssd-voc-24e.py', '../_base_/default_runtime.py'
]
__imagenet = 'dct-vgg_itsc-vgg-dct_8xb32-90e_in1k'
model = dict(
    data_preprocessor=dict(chroma_subsampling='4:4:4'),
    backbone=dict(
        arch='itsc_vgg_dct',
        norm_cfg=dict(type='BN', momentum=0.01, eps=1e-3),
        init_cfg=dict(checkpoint=f'work_dirs/{__imagenet}/epoch_90.pth')),
    bbox_head=dict(
        num_classes=20,
        anchor_generator=dict(basesize_ratio_range=(0.2, 0.9))))
