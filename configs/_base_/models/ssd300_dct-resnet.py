# SSD300 on a DCT ResNet as jpeg_deep's SSD-ResNet (Deguerre et al. 2020):
# MMDetection's SSD300 (its neck extras, head, anchors, training and test
# settings) with taps at the Y stage-3 output (38x38) and at stage 5 kept at
# stride 1 (19x19x2048), L2Norm(20) on the first, then the standard SSD300
# extras (10/5/3/1): 8732 anchors. The other DCT SSD300 model bases derive
# from this one; it has no backbone init (ssd300_dct-pretrained.py adds it).
_base_ = 'mmdet::_base_/models/ssd300.py'
model = dict(
    data_preprocessor=dict(_delete_=True, type='DCTDataPreprocessor'),
    backbone=dict(
        _delete_=True,
        type='DCTResNet',
        arch='jpeg_deep_lc_rfa_thinner',
        out_indices=(1, 4),
        strides=(1, 1, 2, 1, 1)),
    neck=dict(
        in_channels=(384, 2048),
        out_channels=(384, 2048, 512, 256, 256, 256)),
    bbox_head=dict(in_channels=(384, 2048, 512, 256, 256, 256)))
