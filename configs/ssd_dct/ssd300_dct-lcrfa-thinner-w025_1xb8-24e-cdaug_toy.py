# The `make demo` model trained without decoding: the same resize and flip
# draws on the file's own coefficients (toy_shapes_dct.py
# cdaug_train_pipeline), resampled on the model's device and re-quantised
# at quality 75 as the published protocol's re-encode; same schedule and
# seed. Its test pipeline is the base's (re-encode; protocol=resample
# tests without decoding too).
_base_ = './ssd300_dct-lcrfa-thinner-w025_1xb8-24e_toy.py'
train_dataloader = dict(dataset=dict(pipeline=_base_.cdaug_train_pipeline))
model = dict(data_preprocessor=dict(requantize=75))
