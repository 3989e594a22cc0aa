# ImageNet through jpeg_deep's protocol: shorter side 256, random 224 crop,
# flip; validation: shorter side 256, centre 224; re-encode with OpenCV
# (cv2.imencode) at quality 95, as jpeg_deep.
_base_ = './imagenet_dct_insa.py'
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeShortEdge', scale=256),
    dict(type='RandomCrop', crop_size=(224, 224)),
    dict(type='RandomFlip', prob=0.5),
    dict(type='JPEGToDCT', quality=95, encoder='cv2'),
    dict(type='PackDCTClsInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeShortEdge', scale=256),
    dict(type='CenterCrop', crop_size=224),
    dict(type='JPEGToDCT', quality=95, encoder='cv2'),
    dict(type='PackDCTClsInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = val_dataloader
