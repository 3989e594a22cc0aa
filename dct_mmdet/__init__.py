"""dct_mmdet: object detection straight from JPEG DCT coefficients, as
MMDetection 3.x plugins. Importing the package checks mmcv's compiled ops,
applies the fixes the installed upstream versions need
(``dct_mmdet.utils.upstream_fixes``), adds the hash-checked checkpoint URLs
and the ``dct_mmdet::`` config scope, and registers every module into
mmdet's registries."""
from .version import __version__
from .utils.checkpoint_urls import register_url_loader
from .utils.config_package import register_config_package
from .utils.mmcv_ops import check_mmcv_ops
from .utils.upstream_fixes import apply_upstream_fixes

check_mmcv_ops()
apply_upstream_fixes()
register_url_loader()
register_config_package()

from . import datasets, engine, evaluation, models  # noqa: E402,F401

__all__ = ['__version__']
