from .mmcv_ops import check_mmcv_ops
from .setup_env import register_all_modules
from .upstream_fixes import apply_upstream_fixes

__all__ = ['apply_upstream_fixes', 'check_mmcv_ops', 'register_all_modules']
