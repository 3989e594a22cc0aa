# The `make demo` model: SSD300 on a quarter-width LC-RFA-Thinner DCT ResNet
# (Gueguen et al.'s widths, no L2Norm), trained from scratch on the embedded
# toy set on CPU.
_base_ = [
    '../_base_/models/ssd300_dct-resnet.py',
    '../_base_/datasets/toy_shapes_dct.py', '../_base_/default_runtime.py'
]
channels = (96, 512, 128, 64, 64, 64)
model = dict(
    backbone=dict(arch='uber_late_concat_rfa_thinner', widen_factor=0.25),
    neck=dict(
        in_channels=channels[:2], out_channels=channels, l2_norm_scale=None),
    bbox_head=dict(
        num_classes=3,
        in_channels=channels,
        anchor_generator=dict(basesize_ratio_range=(0.2, 0.9))))

max_epochs = 24
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=8)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=2e-3, weight_decay=0.05),
    clip_grad=dict(max_norm=35, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0, end=100),
    dict(
        type='CosineAnnealingLR',
        begin=0,
        end=max_epochs,
        by_epoch=True,
        eta_min=1e-5)
]
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=4, max_keep_ckpts=2, save_last=True))
# Fixed seed so that `make demo` gives the same figures on every run.
randomness = dict(seed=0)
