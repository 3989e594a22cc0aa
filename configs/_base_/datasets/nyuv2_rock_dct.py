# NYUv2 for ROCK on DCT inputs: rock-pytorch's augmentation on the lossless
# images, then the published DCT protocol (JPEG quality 75, 4:2:0, read as
# coefficients). The test pipeline resizes the lossless rgb/ image and
# re-encodes it with the same encoder (PIL, 4:2:0) as the converter's jpeg/
# copies, so the network sees exactly the coefficients of those files when
# (1) the images are already 640 x 480, as NYUv2's are (the Resize is then
# the identity), and (2) the converter ran at its default --jpeg-quality 75,
# the quality below (tests/test_rock/test_rock_dct_jpeg_copies.py).
_base_ = './nyuv2_rock.py'
__scale = (640, 480)  # (W, H), as nyuv2_rock.py's
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadROCKAnnotations', with_bbox=True),
    dict(type='ROCKRandomCrop'),
    dict(type='ROCKRandomFlip', prob=0.5),
    dict(type='Resize', scale=__scale, keep_ratio=False),
    dict(type='ROCKColorJitter'),
    dict(type='ROCKAuxTargets', stride=16),
    dict(type='JPEGToDCT', quality=75, subsampling='4:2:0'),
    dict(type='PackROCKDCTInputs')
]
# Test protocol: 'reencode' as above, or 'resample' (the jpeg/ copies' own
# coefficients resized on the device, no decode; image_format='jpg'), e.g.
# --cfg-options test_dataloader.dataset.pipeline.0.protocol=resample
test_pipeline = [
    dict(
        type='DCTTestInput',
        protocol='reencode',
        scale=__scale,
        quality=75,
        subsampling='4:2:0'),
    dict(type='LoadROCKAnnotations', with_bbox=True),
    dict(type='ROCKAuxTargets', stride=16),
    dict(
        type='PackROCKDCTInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                   'scale_factor', 'scene_label'))
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
