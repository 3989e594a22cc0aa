from .dct_imagenet import DCTImageNet
from .transforms import (JPEGToDCT, LoadDCTFromFile, PackDCTClsInputs,
                         PackDCTInputs, ResizeShortEdge)

__all__ = [
    'DCTImageNet', 'JPEGToDCT', 'LoadDCTFromFile', 'PackDCTClsInputs',
    'PackDCTInputs', 'ResizeShortEdge'
]
