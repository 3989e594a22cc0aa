from .accuracy import DCTAccuracy
from .rock_metric import ROCKMetric
from .voc_metric import VOCAllModesMetric

__all__ = ['DCTAccuracy', 'ROCKMetric', 'VOCAllModesMetric']
