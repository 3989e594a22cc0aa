# voc0712_dct.py with full-resolution chroma, the ITSC 2019 protocol: the
# augmented image is re-encoded 4:4:4 (PIL quality 75, subsampling 0) and
# Cb/Cr are read on their own grid, the luma grid (chroma='native').
_base_ = './voc0712_dct.py'
dct_444 = dict(quality=75, subsampling='4:4:4', chroma='native')
train_pipeline = _base_.pixel_train_pipeline + [
    dict(type='JPEGToDCT', **dct_444),
    dict(type='PackDCTInputs')
]
test_pipeline = [
    dict(
        type='DCTTestInput',
        protocol='reencode',
        scale=_base_.test_pipeline[0].scale,
        **dct_444),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDCTInputs', meta_keys=_base_.test_meta_keys)
]
voc07_trainval = dict(_base_.voc07_trainval, pipeline=train_pipeline)
voc12_trainval = dict(_base_.voc12_trainval, pipeline=train_pipeline)
voc07_train = dict(_base_.voc07_train, pipeline=train_pipeline)
voc12_train = dict(_base_.voc12_train, pipeline=train_pipeline)
voc07_test = dict(_base_.voc07_test, pipeline=test_pipeline)
voc12_val = dict(_base_.voc12_val, pipeline=test_pipeline)
train_dataloader = dict(
    dataset=dict(dataset=dict(datasets=[voc07_trainval, voc12_trainval])))
val_dataloader = dict(dataset=voc07_test)
test_dataloader = val_dataloader
