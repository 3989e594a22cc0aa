# ROCK on JPEG DCT coefficients: the INSA Late-Concat-RFA-Thinner DCT
# ResNet with its last two stages at stride 1 (2048 x 30 x 40 for a
# 480 x 640 image, like the dilated RGB ResNet), same ROCK/SSD/schedule.
_base_ = [
    '../_base_/models/rock-ssd_r50-d16.py',
    '../_base_/datasets/nyuv2_rock_dct.py', '../_base_/schedules/adam_30k.py',
    '../_base_/default_runtime.py'
]
model = dict(
    data_preprocessor=dict(_delete_=True, type='DCTDataPreprocessor'),
    backbone=dict(
        _delete_=True,
        type='DCTResNet',
        arch='late_concat_rfa_thinner',
        out_indices=(-1, ),
        strides=(1, 1, 2, 1, 1, 1),
        # The DCT input stages start from scratch: BN statistics must train.
        norm_eval=False,
        # ImageNet ResNet-50 weights into the matching stages (res3b-5c).
        rgb_pretrained='https://download.pytorch.org/models/'
        'resnet50-0676ba61.pth'))
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(by_epoch=False, interval=5000, max_keep_ckpts=3))
log_processor = dict(by_epoch=False)
