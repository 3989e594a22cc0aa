# ssd300_dct-resnet.py with its backbone initialised, as in the sources,
# from the DCT ImageNet classification run of the same network: the
# classifier's `backbone.*` tensors. What derives from this base sets
# init_cfg's checkpoint to `work_dirs/<dct_imagenet config>/epoch_90.pth`,
# what `tools/train.py configs/dct_imagenet/<config>.py` writes, naming the
# config in a private `__imagenet` variable (mmengine keeps `__` names out
# of the merged config).
_base_ = './ssd300_dct-resnet.py'
model = dict(
    backbone=dict(init_cfg=dict(type='Pretrained', prefix='backbone.')))
