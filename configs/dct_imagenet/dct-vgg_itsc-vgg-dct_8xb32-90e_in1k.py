# itsc_vgg_dct: Deguerre et al., ITSC 2019 (4:4:4 input, the 8x8/8 block
# stem), ImageNet with 4:4:4 re-encodes and the Keras batch-norm defaults of
# the ITSC code (PyTorch momentum 0.01, eps 1e-3). Its checkpoint starts the
# ssd300_dct-itsc-vgg detectors.
_base_ = [
    '../_base_/models/dct-vgg_in1k.py',
    '../_base_/datasets/imagenet_dct-444_itsc.py',
    '../_base_/schedules/imagenet_sgd-nesterov_90e.py',
    '../_base_/default_runtime.py'
]
model = dict(
    data_preprocessor=dict(chroma_subsampling='4:4:4'),
    backbone=dict(
        arch='itsc_vgg_dct',
        norm_cfg=dict(type='BN', momentum=0.01, eps=1e-3)))
