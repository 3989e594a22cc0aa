from .dct_imagenet import DCTImageNet
from .transforms import (DCTTestInput, JPEGToDCT, JPEGToDCTUpscaled,
                         LoadDCTFromFile, PackClsInputs, PackDCTClsInputs,
                         PackDCTInputs, ResizeShortEdge)

__all__ = [
    'DCTImageNet', 'DCTTestInput', 'JPEGToDCT', 'JPEGToDCTUpscaled',
    'LoadDCTFromFile', 'PackClsInputs', 'PackDCTClsInputs', 'PackDCTInputs',
    'ResizeShortEdge'
]
