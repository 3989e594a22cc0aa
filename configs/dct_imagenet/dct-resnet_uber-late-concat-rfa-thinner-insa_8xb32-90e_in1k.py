# INSA Rouen seed, experiment 1: Late-Concat-RFA-Thinner at Gueguen et al.'s
# widths (Y 768 + CbCr 256 into res4b; experiment 4's 384/128 surgery came
# later) from scratch (Keras stride placement), with the seed's protocol and
# lr 0.01.
_base_ = './dct-resnet_late-concat-rfa-thinner_8xb32-90e_in1k.py'
model = dict(
    backbone=dict(
        arch='uber_late_concat_rfa_thinner',
        style='caffe',
        rgb_pretrained=None))
