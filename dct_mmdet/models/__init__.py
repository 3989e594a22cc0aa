from .backbones import DCTResNet
from .data_preprocessors import DCTDataPreprocessor

__all__ = ['DCTDataPreprocessor', 'DCTResNet']
