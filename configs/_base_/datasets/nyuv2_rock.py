# NYUv2 for ROCK (tools/dataset_converters/nyuv2.py output), rock-pytorch's
# augmentation: aspect-preserving SSD crop, flip (normals x negated),
# resize to 480 x 640, torchvision-style colour jitter; aux targets at the
# stride-16 grid (30 x 40). Train 795 / test 654 images.
dataset_type = 'NYUv2Dataset'
data_root = 'data/nyuv2/'
# The model's input_size, (H, W) = (480, 640), as Resize's (W, H); a
# private (`__`) name, not to clash with rock-ssd_r50-d16.py's.
__scale = (640, 480)
backend_args = None

train_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(type='LoadROCKAnnotations', with_bbox=True),
    dict(type='ROCKRandomCrop'),
    dict(type='ROCKRandomFlip', prob=0.5),
    dict(type='Resize', scale=__scale, keep_ratio=False),
    dict(type='ROCKColorJitter'),
    dict(type='ROCKAuxTargets', stride=16),
    dict(type='PackROCKInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(type='Resize', scale=__scale, keep_ratio=False),
    dict(type='LoadROCKAnnotations', with_bbox=True),
    dict(type='ROCKAuxTargets', stride=16),
    dict(
        type='PackROCKInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                   'scale_factor', 'scene_label'))
]
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='annotations/train.json',
        pipeline=train_pipeline,
        backend_args=backend_args))
# The same loader on the test split, in order, every image.
val_dataloader = dict(
    train_dataloader,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        train_dataloader['dataset'],
        ann_file='annotations/test.json',
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader

# COCO AP@[.5:.95] and AP@.5 at 100 detections (proposal_nums: mmdet's
# default would use 1000), per-class table, and the aux-task metrics.
val_evaluator = dict(
    type='ROCKMetric',
    ann_file=data_root + 'annotations/test.json',
    metric='bbox',
    classwise=True,
    proposal_nums=(1, 10, 100),
    backend_args=backend_args)
test_evaluator = val_evaluator
