"""dct_mmdet registers into MMDetection's own registries (scope ``mmdet``),
so configs use its modules exactly like mmdet's."""
from mmdet.registry import DATASETS, METRICS, MODELS, TASK_UTILS, TRANSFORMS

__all__ = ['DATASETS', 'METRICS', 'MODELS', 'TASK_UTILS', 'TRANSFORMS']
