from .metrics import DCTAccuracy, VOCAllModesMetric

__all__ = ['DCTAccuracy', 'VOCAllModesMetric']
