from .dct_resnet import DCTResNet
from .dct_vgg import DCTVGG

__all__ = ['DCTResNet', 'DCTVGG']
