# ssd300_dct-lcrfa-thinner-y_8xb8-120e_voc0712.py trained on VOC07 trainval
# only.
_base_ = './ssd300_dct-lcrfa-thinner-y_8xb8-120e_voc0712.py'
train_dataloader = dict(
    dataset=dict(dataset=dict(datasets=[_base_.voc07_trainval])))
