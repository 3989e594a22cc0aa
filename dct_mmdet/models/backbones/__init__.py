from .dct_resnet import DCTResNet

__all__ = ['DCTResNet']
