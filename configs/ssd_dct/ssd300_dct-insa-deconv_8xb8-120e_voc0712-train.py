# The INSA Rouen seed's --archi deconv SSD (ssd300_dct-insa-fc7.py),
# its ImageNet classification checkpoint as backbone init.
# Trained on VOC07 train + VOC12 train (the seed's split), tested on
# VOC07 test. Published mAP (all-point): 52.7 on VOC07 test; 51.5 on VOC12
# val, ssd300_dct-insa-deconv_8xb8-120e_voc0712-train_voc12-val.py.
_base_ = './ssd300_dct-insa-up-sampling-rfa_8xb8-120e_voc0712-train.py'
__imagenet = 'dct-resnet_deconv_8xb32-90e_in1k'
model = dict(
    backbone=dict(
        arch='deconv',
        init_cfg=dict(checkpoint=f'work_dirs/{__imagenet}/epoch_90.pth')))
