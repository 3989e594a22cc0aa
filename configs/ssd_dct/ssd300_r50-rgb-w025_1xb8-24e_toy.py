# RGB twin of ssd300_dct-lcrfa-thinner-w025_1xb8-24e_toy.py (same neck,
# head, schedule and seed) for speed and accuracy comparisons: SSD300 on a
# quarter-width ResNet-50 (the seed's `resnet_rgb` preset) tapped at 38x38
# (stage 2) and 19x19 (stage 4 at stride 1), fed with pixels.
_base_ = './ssd300_dct-lcrfa-thinner-w025_1xb8-24e_toy.py'
channels = (128, 512, 128, 64, 64, 64)
model = dict(
    data_preprocessor=dict(
        _delete_=True,
        type='DetDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_size_divisor=1),
    backbone=dict(
        arch='resnet_rgb', out_indices=(1, 3), strides=(1, 2, 2, 1)),
    neck=dict(in_channels=channels[:2], out_channels=channels),
    bbox_head=dict(in_channels=channels))
# The DCT toy set's pipelines as pixels: training's without JPEGToDCT and
# PackDCTInputs, and the base's RGB test pipeline.
train_pipeline = _base_.train_pipeline[:-2] + [dict(type='PackDetInputs')]
test_pipeline = _base_.rgb_test_pipeline
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
