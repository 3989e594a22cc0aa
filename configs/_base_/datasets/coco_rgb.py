# The pixel twin of coco_dct.py for the RGB baselines.
_base_ = './coco_dct.py'
coco_train = dict(_base_.coco_train, pipeline=_base_.rgb_train_pipeline)
coco_train_lazy = dict(
    _base_.coco_train, pipeline=_base_.rgb_lazy_train_pipeline)
coco_val = dict(_base_.coco_val, pipeline=_base_.rgb_test_pipeline)
train_dataloader = dict(dataset=dict(dataset=coco_train))
val_dataloader = dict(dataset=coco_val)
test_dataloader = val_dataloader
