# ImageNet classification with a DCT ResNet: backbone -> GAP -> FC-1000.
model = dict(
    type='DCTImageClassifier',
    data_preprocessor=dict(type='DCTDataPreprocessor'),
    backbone=dict(type='DCTResNet', arch='uber_late_concat_rfa_thinner'),
    num_classes=1000)
