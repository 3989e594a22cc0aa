from .accuracy import DCTAccuracy
from .voc_metric import VOCAllModesMetric

__all__ = ['DCTAccuracy', 'VOCAllModesMetric']
from .rock_metric import ROCKMetric  # noqa: E402

__all__ += ['ROCKMetric']
