# SSD300 on the jpeg_deep_lc_rfa_thinner_y DCT ResNet (jpeg_deep, Deguerre et al.,
# ICPR 2020), its ImageNet classification checkpoint as backbone init.
# Published VOC07 test mAP (all-point): 60.6 trained on 07, 70.2 on "07+12".
_base_ = './ssd300_dct-lcrfa-thinner_8xb8-120e_voc0712.py'
model = dict(
    backbone=dict(
        arch='jpeg_deep_lc_rfa_thinner_y',
        init_cfg=dict(
            checkpoint='work_dirs/dct-resnet_jpeg-deep-lc-rfa-thinner-y_8xb32-90e_in1k/epoch_90.pth')))
