from .dct_resnet import DCTResNet
from .dct_vgg import DCTVGG
from .rock_resnet import ROCKResNet

__all__ = ['DCTResNet', 'DCTVGG', 'ROCKResNet']
