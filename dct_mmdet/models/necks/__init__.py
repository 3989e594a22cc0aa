from .ssd_extras_neck import SSDExtrasNeck

__all__ = ['SSDExtrasNeck']
from .rock_neck import ROCKNeck  # noqa: E402

__all__ += ['ROCKNeck']
