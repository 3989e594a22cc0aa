# The embedded toy set of tools/misc/make_toy_dataset.py (COCO format),
# through the published protocol: resize/flip in pixels, re-encode, read DCT;
# SSD300's test pipelines (ssd300_test_pipelines.py).
_base_ = './ssd300_test_pipelines.py'
dataset_type = 'CocoDataset'
data_root = 'data/toy/'
metainfo = dict(classes=('circle', 'square', 'triangle'))
# The input side (private: see ssd300_test_pipelines.py).
__size = 300

train_pipeline = [
    dict(type='LoadImageFromFile', backend_args=_base_.backend_args),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', scale=(__size, __size), keep_ratio=False),
    dict(type='RandomFlip', prob=0.5),
    dict(type='JPEGToDCT', quality=75, subsampling='4:2:0'),
    dict(type='PackDCTInputs')
]
# The same draws without decoding (the *-cdaug_toy config): the file's own
# coefficients, resized and flipped on the model's device.
cdaug_train_pipeline = [
    dict(type='LoadDCTFromFile', lazy=True, backend_args=_base_.backend_args),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='LazyResize', scale=(__size, __size), keep_ratio=False),
    dict(type='LazyRandomFlip', prob=0.5),
    dict(type='PackDCTInputs')
]
# Workers restart (and are re-seeded) every epoch, so that a resumed run
# continues exactly as an uninterrupted one.
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    batch_sampler=dict(type='AspectRatioBatchSampler'),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        metainfo=metainfo,
        ann_file='annotations/train.json',
        data_prefix=dict(img='train/'),
        filter_cfg=dict(filter_empty_gt=True),
        pipeline=train_pipeline,
        backend_args=_base_.backend_args))
val_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        metainfo=metainfo,
        ann_file='annotations/val.json',
        data_prefix=dict(img='val/'),
        test_mode=True,
        pipeline=_base_.test_pipeline,
        backend_args=_base_.backend_args))
test_dataloader = val_dataloader

val_evaluator = dict(
    type='CocoMetric',
    ann_file=data_root + 'annotations/val.json',
    metric='bbox',
    proposal_nums=(1, 10, 100),
    backend_args=_base_.backend_args)
test_evaluator = val_evaluator
