# SSD300 data pipelines shared by the VOC and COCO bases: MMDetection's SSD
# augmentation in pixels, then (DCT) an in-memory JPEG re-encode at quality
# 75, 4:2:0, read as DCT -- the published protocol -- or (RGB baselines)
# the image itself. cdaug_train_pipeline and rgb_lazy_train_pipeline draw
# the same augmentation without decoding (DCT: the file's own coefficients,
# resampled on the model's device) or with one warp of the decoded image (RGB).
_base_ = './ssd300_test_pipelines.py'
# SSD300's input side (private: see ssd300_test_pipelines.py).
__size = 300

# MMDetection's SSD300 augmentation: its geometric steps (in pixels, or as
# the Lazy* counterparts that draw the same and move no pixel) and its
# photometric distortion.
ssd_geometry = [
    dict(
        type='Expand',
        mean=[123.675, 116.28, 103.53],
        to_rgb=True,
        ratio_range=(1, 4)),
    dict(
        type='MinIoURandomCrop',
        min_ious=(0.1, 0.3, 0.5, 0.7, 0.9),
        min_crop_size=0.3),
    dict(type='Resize', scale=(__size, __size), keep_ratio=False),
    dict(type='RandomFlip', prob=0.5)
]
lazy_ssd_geometry = [
    dict(step, type='Lazy' + step['type']) for step in ssd_geometry
]
photometric = dict(
    brightness_delta=32,
    contrast_range=(0.5, 1.5),
    saturation_range=(0.5, 1.5),
    hue_delta=18)

pixel_train_pipeline = [
    dict(type='LoadImageFromFile', backend_args=_base_.backend_args),
    dict(type='LoadAnnotations', with_bbox=True),
    *ssd_geometry,
    dict(type='PhotoMetricDistortion', **photometric)
]

train_pipeline = pixel_train_pipeline + [
    dict(type='JPEGToDCT', quality=75, subsampling='4:2:0'),
    dict(type='PackDCTInputs')
]
rgb_train_pipeline = pixel_train_pipeline + [dict(type='PackDetInputs')]

# The compressed-domain SSD augmentation (cdaug): the same random draws and
# bit-identical boxes as pixel_train_pipeline, but no pixel is decoded:
# the file's own quantised levels + tables + one geometry (EXIF turn,
# Expand canvas, crop, resize, flip) and the photometric draw go to the
# model, whose DCTDataPreprocessor resamples them on its device (configs
# set its requantize=75 to put the input on the published protocol's
# quality-75 lattice).
cdaug_train_pipeline = [
    dict(type='LoadDCTFromFile', lazy=True, backend_args=_base_.backend_args),
    dict(type='LoadAnnotations', with_bbox=True),
    *lazy_ssd_geometry,
    dict(type='DCTPhotoMetricDistortion', **photometric),
    dict(type='PackDCTInputs')
]
# Its RGB twin for the baselines: the same lazy draws, then one cv2
# warpAffine of the decoded image (MaterializeImage) instead of Expand's
# canvas, the crop and the resize.
rgb_lazy_train_pipeline = [
    dict(type='LoadImageFromFile', backend_args=_base_.backend_args),
    dict(type='LoadAnnotations', with_bbox=True),
    *lazy_ssd_geometry,
    dict(type='MaterializeImage'),
    dict(type='PhotoMetricDistortion', **photometric),
    dict(type='PackDetInputs')
]
