# INSA Rouen seed, experiment 2: its RGB ResNet-50 baseline from scratch
# (Keras stride placement).
_base_ = './resnet50_rgb_8xb32-90e_in1k.py'
model = dict(backbone=dict(style='caffe', rgb_pretrained=None))
