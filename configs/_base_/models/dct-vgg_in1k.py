# ImageNet classification with a DCT VGG and VGG's classifier: flatten the
# 7x7x512 block-5 output, FC-4096 -> FC-4096 (ReLU, dropout 0.5) -> FC-1000.
_base_ = './dct-resnet_in1k.py'
model = dict(
    backbone=dict(_delete_=True, type='DCTVGG', arch='jpeg_deep_vgg_dct'),
    pool_size=7,
    hidden_channels=(4096, 4096),
    dropout=0.5)
