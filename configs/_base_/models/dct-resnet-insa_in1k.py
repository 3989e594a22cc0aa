# The INSA Rouen seed's classifiers (experiments 3-10): the DCT ResNet
# classifier with torchvision's ImageNet ResNet-50 weights copied into every
# block whose shapes match (res3b-res5c for the late-concat presets, res5 for
# cb5_only, ...; the load is logged), as the seed loaded Keras weights by name.
# style='pytorch': those weights were trained with the stride on the 3x3
# conv (the seed's Keras blocks, and a from-scratch run, stride the 1x1).
# Batch norms with the Keras defaults the seed trained with (momentum 0.99
# = PyTorch's 0.01, eps 1e-3).
_base_ = './dct-resnet_in1k.py'
model = dict(
    backbone=dict(
        style='pytorch',
        norm_cfg=dict(type='BN', momentum=0.01, eps=1e-3),
        rgb_pretrained='https://download.pytorch.org/models/'
        'resnet50-0676ba61.pth'))
