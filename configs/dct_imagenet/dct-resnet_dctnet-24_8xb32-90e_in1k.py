# dctnet_24: DCTNet (Xu et al. 2020) on its upscaled input (56x56 blocks
# per component from a 448 px crop), ImageNet with DCTNet's protocol.
_base_ = [
    '../_base_/models/dct-resnet_in1k.py',
    '../_base_/datasets/imagenet_dct_dctnet.py',
    '../_base_/schedules/imagenet_sgd-nesterov_90e.py',
    '../_base_/default_runtime.py'
]
model = dict(
    data_preprocessor=dict(chroma_subsampling='4:4:4'),
    backbone=dict(arch='dctnet_24'))
