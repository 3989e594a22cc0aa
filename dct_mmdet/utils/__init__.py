from .compat import apply_upstream_fixes, check_mmcv_ops
from .setup_env import register_all_modules

__all__ = ['apply_upstream_fixes', 'check_mmcv_ops', 'register_all_modules']
