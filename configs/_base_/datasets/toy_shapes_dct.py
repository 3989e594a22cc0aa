# The embedded toy set of tools/misc/make_toy_dataset.py (COCO format),
# through the published protocol: resize/flip in pixels, re-encode, read DCT.
dataset_type = 'CocoDataset'
data_root = 'data/toy/'
metainfo = dict(classes=('circle', 'square', 'triangle'))
input_size = 300
backend_args = None

train_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='Resize', scale=(input_size, input_size), keep_ratio=False),
    dict(type='RandomFlip', prob=0.5),
    dict(type='JPEGToDCT', quality=75, subsampling='4:2:0'),
    dict(type='PackDCTInputs')
]
# The same draws without decoding (the *-cdaug_toy config): the file's own
# coefficients, resized and flipped on the model's device.
cdaug_train_pipeline = [
    dict(type='LoadDCTFromFile', lazy=True, backend_args=backend_args),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='LazyResize', scale=(input_size, input_size), keep_ratio=False),
    dict(type='LazyRandomFlip', prob=0.5),
    dict(type='PackDCTInputs')
]
test_meta_keys = ('img_id', 'img_path', 'ori_shape', 'img_shape',
                  'scale_factor')
# Test protocol: 'reencode' (decode, resize, re-encode q75, read: as
# training's input), 'direct' or 'resample' (the file's own coefficients,
# resized on the model's device), e.g.
# --cfg-options test_dataloader.dataset.pipeline.0.protocol=resample
test_pipeline = [
    dict(
        type='DCTTestInput',
        protocol='reencode',
        scale=(input_size, input_size),
        quality=75,
        subsampling='4:2:0',
        backend_args=backend_args),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDCTInputs', meta_keys=test_meta_keys)
]
# The same images as pixels, for the RGB twin.
rgb_test_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(type='Resize', scale=(input_size, input_size), keep_ratio=False),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs', meta_keys=test_meta_keys)
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
        backend_args=backend_args))
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
        pipeline=test_pipeline,
        backend_args=backend_args))
test_dataloader = val_dataloader

val_evaluator = dict(
    type='CocoMetric',
    ann_file=data_root + 'annotations/val.json',
    metric='bbox',
    proposal_nums=(1, 10, 100),
    backend_args=backend_args)
test_evaluator = val_evaluator
