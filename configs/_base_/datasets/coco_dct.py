# COCO 2017 train -> val, DCT input (ssd300_pipelines.py), as MMDetection's
# SSD300 COCO: the train set repeated 5 times per epoch.
_base_ = './ssd300_pipelines.py'
dataset_type = 'CocoDataset'
data_root = 'data/coco/'

# What the splits share (a private name: not in the merged config).
__split = dict(
    type=dataset_type, data_root=data_root, backend_args=_base_.backend_args)
coco_train = dict(
    __split,
    ann_file='annotations/instances_train2017.json',
    data_prefix=dict(img='train2017/'),
    filter_cfg=dict(filter_empty_gt=True, min_size=32),
    pipeline=_base_.train_pipeline)
# The train set through the compressed-domain augmentation (*-cdaug_*).
coco_train_lazy = dict(coco_train, pipeline=_base_.cdaug_train_pipeline)
coco_val = dict(
    __split,
    ann_file='annotations/instances_val2017.json',
    data_prefix=dict(img='val2017/'),
    test_mode=True,
    pipeline=_base_.test_pipeline)

train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    # Workers restart (and are re-seeded) every epoch, so that --resume
    # continues exactly as an uninterrupted run with the same seed.
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    batch_sampler=None,
    dataset=dict(type='RepeatDataset', times=5, dataset=coco_train))
val_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=coco_val)
test_dataloader = val_dataloader

# COCO's own maxDets (1, 10, 100), not mmdet's default (100, 300, 1000).
val_evaluator = dict(
    type='CocoMetric',
    ann_file=data_root + 'annotations/instances_val2017.json',
    metric='bbox',
    classwise=True,
    proposal_nums=(1, 10, 100),
    backend_args=_base_.backend_args)
test_evaluator = val_evaluator
