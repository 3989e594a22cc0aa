"""dct_mmdet: object detection straight from JPEG DCT coefficients, as
MMDetection 3.x plugins. Importing the package registers every module into
mmdet's registries and applies the fixes of ``dct_mmdet.utils.compat``."""
from .version import __version__
from .utils.compat import apply_upstream_fixes, check_mmcv_ops

check_mmcv_ops()
apply_upstream_fixes()

from . import datasets, engine, evaluation, models  # noqa: E402,F401

__all__ = ['__version__']
