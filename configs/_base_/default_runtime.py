# MMDetection's runtime, with dct_mmdet's modules registered and one more
# default hook.
_base_ = 'mmdet::_base_/default_runtime.py'
custom_imports = dict(imports=['dct_mmdet'], allow_failed_imports=False)
default_hooks = dict(
    # Counts the images that on_error='skip' dropped, in the log.
    skipped_images=dict(type='SkippedImagesHook'))
