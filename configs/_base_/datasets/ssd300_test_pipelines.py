# The 300 x 300 test pipelines shared by ssd300_pipelines.py and
# toy_shapes_dct.py: DCT input (test_pipeline) and its pixel twin for the
# RGB models (rgb_test_pipeline).
# The input side; private (`__`) so that it does not clash with the model
# bases' `input_size` (mmdet's ssd300.py), which mmengine forbids.
__size = 300
backend_args = None
test_meta_keys = ('img_id', 'img_path', 'ori_shape', 'img_shape',
                  'scale_factor')
# Test protocol: 'reencode' (the papers': decode, resize to 300, re-encode
# q75, read), 'direct' (the original file's own coefficients, no decode, at
# the stored size) or 'resample' (those coefficients resized to 300 on the
# model's device, no decode), e.g.
# --cfg-options test_dataloader.dataset.pipeline.0.protocol=resample
test_pipeline = [
    dict(
        type='DCTTestInput',
        protocol='reencode',
        scale=(__size, __size),
        quality=75,
        subsampling='4:2:0',
        backend_args=backend_args),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDCTInputs', meta_keys=test_meta_keys)
]
rgb_test_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(type='Resize', scale=(__size, __size), keep_ratio=False),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs', meta_keys=test_meta_keys)
]
