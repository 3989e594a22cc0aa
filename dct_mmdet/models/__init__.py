from .backbones import DCTVGG, DCTResNet
from .classifiers import DCTImageClassifier
from .data_preprocessors import DCTDataPreprocessor
from .necks import SSDExtrasNeck

__all__ = [
    'DCTDataPreprocessor', 'DCTImageClassifier', 'DCTResNet', 'DCTVGG',
    'SSDExtrasNeck'
]
from .backbones.rock_resnet import ROCKResNet  # noqa: E402
from .dense_heads import ROCKSSDHead  # noqa: E402
from .detectors import ROCKDetector  # noqa: E402
from .losses import (AllPriorsConfLoss, ROCKDepthLoss,  # noqa: E402
                     ROCKNormalsLoss)
from .necks import ROCKNeck  # noqa: E402
from .task_modules import ROCKPriorGenerator  # noqa: E402

__all__ += [
    'AllPriorsConfLoss', 'ROCKDepthLoss', 'ROCKDetector', 'ROCKNeck',
    'ROCKNormalsLoss', 'ROCKPriorGenerator', 'ROCKResNet', 'ROCKSSDHead'
]
