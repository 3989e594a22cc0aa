from .rock_neck import ROCKNeck
from .ssd_extras_neck import SSDExtrasNeck

__all__ = ['ROCKNeck', 'SSDExtrasNeck']
