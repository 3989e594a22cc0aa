# Pascal VOC07 trainval -> VOC07 test, pixels (voc0712_rgb.py).
_base_ = './voc0712_rgb.py'
train_dataloader = dict(
    dataset=dict(dataset=dict(datasets=[_base_.voc07_trainval])))
