from .accuracy import DCTAccuracy
from .voc_metric import VOCAllModesMetric

__all__ = ['DCTAccuracy', 'VOCAllModesMetric']
