from .backbones import DCTVGG, DCTResNet, ROCKResNet
from .classifiers import DCTImageClassifier
from .data_preprocessors import DCTDataPreprocessor
from .dense_heads import ROCKSSDHead
from .detectors import ROCKDetector
from .losses import AllPriorsConfLoss, ROCKDepthLoss, ROCKNormalsLoss
from .necks import ROCKNeck, SSDExtrasNeck
from .task_modules import ROCKPriorGenerator

__all__ = [
    'AllPriorsConfLoss', 'DCTDataPreprocessor', 'DCTImageClassifier',
    'DCTResNet', 'DCTVGG', 'ROCKDepthLoss', 'ROCKDetector', 'ROCKNeck',
    'ROCKNormalsLoss', 'ROCKPriorGenerator', 'ROCKResNet', 'ROCKSSDHead',
    'SSDExtrasNeck'
]
