from .backbones import DCTVGG, DCTResNet
from .classifiers import DCTImageClassifier
from .data_preprocessors import DCTDataPreprocessor

__all__ = ['DCTDataPreprocessor', 'DCTImageClassifier', 'DCTResNet', 'DCTVGG']
