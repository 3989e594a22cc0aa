from .ssd_extras_neck import SSDExtrasNeck

__all__ = ['SSDExtrasNeck']
