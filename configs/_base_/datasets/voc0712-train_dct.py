# The INSA Rouen seed's VOC split (its --p07p12): train on VOC07 train +
# VOC12 train (not trainval), test on VOC07 test; DCT pipelines as
# voc0712_dct.py.
_base_ = './voc0712_dct.py'
train_dataloader = dict(
    dataset=dict(
        dataset=dict(datasets=[_base_.voc07_train, _base_.voc12_train])))
