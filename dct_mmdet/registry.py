"""dct_mmdet registers into MMDetection's own registries (scope ``mmdet``),
so configs use its modules exactly like mmdet's.

A config inherited with ``_base_ = 'dct_mmdet::...'`` has its modules tagged
``_scope_='dct_mmdet'``: for those, each mmdet registry gets an empty child
of scope ``dct_mmdet``, whose lookups fall through to mmdet's registry.
"""
import mmdet.registry as mmdet_registry
from mmdet.registry import (DATASETS, HOOKS, METRICS, MODELS, TASK_UTILS,
                            TRANSFORMS)
from mmengine.registry import Registry

for _registry in vars(mmdet_registry).values():
    if isinstance(_registry, Registry) and \
            'dct_mmdet' not in _registry.children:
        Registry(_registry.name, parent=_registry, scope='dct_mmdet')

__all__ = [
    'DATASETS', 'HOOKS', 'METRICS', 'MODELS', 'TASK_UTILS', 'TRANSFORMS'
]
