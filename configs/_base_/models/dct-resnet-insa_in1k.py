# The INSA Rouen seed's classifiers (experiments 3-10): the DCT ResNet
# classifier with torchvision's ImageNet ResNet-50 weights copied into every
# block whose shapes match (res3b-res5c for the late-concat presets, res5 for
# cb5_only, ...; the load is logged), as the seed loaded Keras weights by name.
_base_ = './dct-resnet_in1k.py'
model = dict(
    backbone=dict(
        rgb_pretrained='https://download.pytorch.org/models/'
        'resnet50-0676ba61.pth'))
