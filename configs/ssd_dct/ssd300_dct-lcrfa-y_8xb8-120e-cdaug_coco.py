# The parent config with the compressed-domain SSD augmentation: mmdet's
# draws and boxes without decoding; the device resamples the file's own
# coefficients and re-quantises them at quality 75 (ssd300_pipelines.py).
_base_ = './ssd300_dct-lcrfa-y_8xb8-120e_coco.py'
train_dataloader = dict(dataset=dict(dataset=_base_.coco_train_lazy))
model = dict(data_preprocessor=dict(requantize=75))
