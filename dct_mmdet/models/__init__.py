from .backbones import DCTVGG, DCTResNet
from .classifiers import DCTImageClassifier
from .data_preprocessors import DCTDataPreprocessor
from .necks import SSDExtrasNeck

__all__ = [
    'DCTDataPreprocessor', 'DCTImageClassifier', 'DCTResNet', 'DCTVGG',
    'SSDExtrasNeck'
]
