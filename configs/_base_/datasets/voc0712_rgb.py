# The pixel twin of voc0712_dct.py for the RGB baselines: the same splits
# and augmentation, the image itself as input (MMDetection's SSD300 VOC).
_base_ = './voc0712_dct.py'
voc07_trainval = dict(
    _base_.voc07_trainval, pipeline=_base_.rgb_train_pipeline)
voc12_trainval = dict(
    _base_.voc12_trainval, pipeline=_base_.rgb_train_pipeline)
voc07_train = dict(_base_.voc07_train, pipeline=_base_.rgb_train_pipeline)
voc12_train = dict(_base_.voc12_train, pipeline=_base_.rgb_train_pipeline)
voc07_trainval_lazy = dict(
    _base_.voc07_trainval, pipeline=_base_.rgb_lazy_train_pipeline)
voc12_trainval_lazy = dict(
    _base_.voc12_trainval, pipeline=_base_.rgb_lazy_train_pipeline)
voc07_train_lazy = dict(
    _base_.voc07_train, pipeline=_base_.rgb_lazy_train_pipeline)
voc12_train_lazy = dict(
    _base_.voc12_train, pipeline=_base_.rgb_lazy_train_pipeline)
voc07_test = dict(_base_.voc07_test, pipeline=_base_.rgb_test_pipeline)
voc12_val = dict(_base_.voc12_val, pipeline=_base_.rgb_test_pipeline)
train_dataloader = dict(
    dataset=dict(dataset=dict(datasets=[voc07_trainval, voc12_trainval])))
val_dataloader = dict(dataset=voc07_test)
test_dataloader = val_dataloader
