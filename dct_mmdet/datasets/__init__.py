from .dct_imagenet import DCTImageNet
from .transforms import (JPEGToDCT, LoadDCTFromFile, PackClsInputs,
                         PackDCTClsInputs, PackDCTInputs, ResizeShortEdge)

__all__ = [
    'DCTImageNet', 'JPEGToDCT', 'LoadDCTFromFile', 'PackClsInputs',
    'PackDCTClsInputs', 'PackDCTInputs', 'ResizeShortEdge'
]
