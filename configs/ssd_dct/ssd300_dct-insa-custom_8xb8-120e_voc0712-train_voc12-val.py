# ssd300_dct-insa-custom_8xb8-120e_voc0712-train.py
# (same model, same training) tested on VOC2012 val, ImageSets/Main/val.txt.
# Published mAP (all-point): 59.2.
_base_ = './ssd300_dct-insa-custom_8xb8-120e_voc0712-train.py'
val_dataloader = dict(dataset=_base_.voc12_val)
test_dataloader = val_dataloader
