from .dct_imagenet import DCTImageNet
from .transforms import (DCTTestInput, JPEGToDCT, JPEGToDCTUpscaled,
                         LoadDCTFromFile, PackClsInputs, PackDCTClsInputs,
                         PackDCTInputs, ResizeShortEdge)

__all__ = [
    'DCTImageNet', 'DCTTestInput', 'JPEGToDCT', 'JPEGToDCTUpscaled',
    'LoadDCTFromFile', 'PackClsInputs', 'PackDCTClsInputs', 'PackDCTInputs',
    'ResizeShortEdge'
]
from .nyuv2 import NYUV2_CLASSES, NYUV2_SCENES, NYUv2Dataset  # noqa: E402

__all__ += ['NYUV2_CLASSES', 'NYUV2_SCENES', 'NYUv2Dataset']
