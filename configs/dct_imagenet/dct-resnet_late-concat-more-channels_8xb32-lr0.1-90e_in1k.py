# INSA Rouen seed, experiment 6: experiment 5 with lr 0.1, weight decay 1e-4.
_base_ = './dct-resnet_late-concat-more-channels_8xb32-90e_in1k.py'
optim_wrapper = dict(optimizer=dict(lr=0.1, weight_decay=1e-4))
