# Pascal VOC07 trainval -> VOC07 test, DCT protocol of voc0712_dct.py.
_base_ = './voc0712_dct.py'
train_dataloader = dict(
    dataset=dict(dataset=dict(datasets=[_base_.voc07_trainval])))
