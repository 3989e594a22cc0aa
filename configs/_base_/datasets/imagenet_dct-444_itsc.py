# ImageNet for Deguerre et al.'s ITSC 2019 VGG-DCT: jpeg_deep's crops (the
# same authors; the ITSC paper's own ImageNet augmentation is not in our
# reference), re-encoded 4:4:4 by PIL at quality 75 with Cb/Cr read on the
# luma grid, as the ITSC detection pipeline (voc0712_dct-444.py).
_base_ = './imagenet_dct_jpeg-deep.py'
dct_444 = dict(
    type='JPEGToDCT', quality=75, subsampling='4:4:4', chroma='native')
train_pipeline = _base_.train_pipeline[:-2] + [
    dct_444, dict(type='PackDCTClsInputs')
]
test_pipeline = _base_.test_pipeline[:-2] + [
    dct_444, dict(type='PackDCTClsInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
