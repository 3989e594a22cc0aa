from .metrics import DCTAccuracy, ROCKMetric, VOCAllModesMetric

__all__ = ['DCTAccuracy', 'ROCKMetric', 'VOCAllModesMetric']
