# The parent config with the compressed-domain SSD augmentation: mmdet's
# draws and boxes without decoding; the device resamples the file's own
# coefficients and re-quantises them at quality 75 (ssd300_pipelines.py).
_base_ = './ssd300_dct-vgg_8xb8-120e_voc0712.py'
train_dataloader = dict(
    dataset=dict(
        dataset=dict(datasets=[
            _base_.voc07_trainval_lazy, _base_.voc12_trainval_lazy
        ])))
model = dict(data_preprocessor=dict(requantize=75))
