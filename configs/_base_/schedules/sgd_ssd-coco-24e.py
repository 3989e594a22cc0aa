# MMDetection's SSD300 COCO schedule: 24 epochs over a 5x repeated train2017
# (the "120e" of the model zoo), SGD 2e-3 for a total batch of 64.
_base_ = './sgd_ssd-voc-24e.py'
optim_wrapper = dict(optimizer=dict(lr=2e-3))
