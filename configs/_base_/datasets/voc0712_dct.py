# Pascal VOC 07+12 trainval -> VOC07 test, DCT input (ssd300_pipelines.py).
# The *_voc07 configs train on voc07_trainval alone, the *_voc0712-train
# ones on voc07_train + voc12_train (the INSA seed's --p07p12), the
# *_voc12-val ones test on voc12_val; voc0712_rgb.py and voc0712_dct-444.py
# reuse the split variables below.
_base_ = './ssd300_pipelines.py'
dataset_type = 'VOCDataset'
data_root = 'data/VOCdevkit/'

# What the splits share (a private name: not in the merged config).
__split = dict(
    type=dataset_type, data_root=data_root, backend_args=_base_.backend_args)
voc07_trainval = dict(
    __split,
    ann_file='VOC2007/ImageSets/Main/trainval.txt',
    data_prefix=dict(sub_data_root='VOC2007/'),
    filter_cfg=dict(filter_empty_gt=True, min_size=32),
    pipeline=_base_.train_pipeline)
voc12_trainval = dict(
    voc07_trainval,
    ann_file='VOC2012/ImageSets/Main/trainval.txt',
    data_prefix=dict(sub_data_root='VOC2012/'))
# The train halves of the trainval sets, with the same pipeline.
voc07_train = dict(voc07_trainval, ann_file='VOC2007/ImageSets/Main/train.txt')
voc12_train = dict(voc12_trainval, ann_file='VOC2012/ImageSets/Main/train.txt')
# The same train sets through the compressed-domain augmentation (the
# *-cdaug_* configs; voc0712_rgb.py's are its lazy RGB twin).
voc07_trainval_lazy = dict(
    voc07_trainval, pipeline=_base_.cdaug_train_pipeline)
voc12_trainval_lazy = dict(
    voc12_trainval, pipeline=_base_.cdaug_train_pipeline)
voc07_train_lazy = dict(
    voc07_train, pipeline=_base_.cdaug_train_pipeline)
voc12_train_lazy = dict(
    voc12_train, pipeline=_base_.cdaug_train_pipeline)
voc07_test = dict(
    __split,
    ann_file='VOC2007/ImageSets/Main/test.txt',
    data_prefix=dict(sub_data_root='VOC2007/'),
    test_mode=True,
    pipeline=_base_.test_pipeline)
# VOC2012 val (VOC2012's test annotations are not public), test pipeline.
voc12_val = dict(
    voc07_test,
    ann_file='VOC2012/ImageSets/Main/val.txt',
    data_prefix=dict(sub_data_root='VOC2012/'))

train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    # Workers restart (and are re-seeded) every epoch, so that --resume
    # continues exactly as an uninterrupted run with the same seed.
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    batch_sampler=None,
    dataset=dict(
        type='RepeatDataset',
        times=10,
        dataset=dict(
            type='ConcatDataset',
            ignore_keys=['dataset_type'],
            datasets=[voc07_trainval, voc12_trainval])))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=voc07_test)
test_dataloader = val_dataloader

# mAP@0.5 both as all-point AP (the published SSD-DCT tables; the headline
# mAP) and as VOC2007's 11-point AP (MMDetection's model zoo), with a
# per-class table in the log.
val_evaluator = dict(type='VOCAllModesMetric', eval_modes=('area', '11points'))
test_evaluator = val_evaluator
