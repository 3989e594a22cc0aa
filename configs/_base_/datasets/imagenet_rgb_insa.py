# The INSA seed's RGB baseline: the same crops as imagenet_dct_insa.py, fed
# as pixels (no re-encode).
_base_ = './imagenet_dct_insa.py'
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeShortEdge', scale=224),
    dict(type='RandomCrop', crop_size=(224, 224)),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PhotoMetricDistortion', hue_delta=0),
    dict(type='PackClsInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='PackClsInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
