# ImageNet through DCTNet's protocol (Xu et al. 2020): shorter side 512,
# 448 crop (random for training, centre for validation; DCTNet trains on
# random-resized crops), flip, then its upscaled input: Y from the crop
# and Cb/Cr from the crop upsampled 2x, both encoded at quality 100 (4:2:0)
# -- 56x56 blocks per component, read with
# DCTDataPreprocessor(chroma_subsampling='4:4:4').
_base_ = './imagenet_dct_insa.py'
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeShortEdge', scale=512),
    dict(type='RandomCrop', crop_size=(448, 448)),
    dict(type='RandomFlip', prob=0.5),
    dict(type='JPEGToDCTUpscaled', luma_upscale=1, quality=100),
    dict(type='PackDCTClsInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeShortEdge', scale=512),
    dict(type='CenterCrop', crop_size=448),
    dict(type='JPEGToDCTUpscaled', luma_upscale=1, quality=100),
    dict(type='PackDCTClsInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
