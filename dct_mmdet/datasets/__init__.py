from .dct_imagenet import DCTImageNet
from .nyuv2 import NYUV2_CLASSES, NYUV2_SCENES, NYUv2Dataset
from .transforms import (DCTTestInput, JPEGToDCT, JPEGToDCTUpscaled,
                         LoadDCTFromFile, LoadROCKAnnotations, PackClsInputs,
                         PackDCTClsInputs, PackDCTInputs, PackROCKDCTInputs,
                         PackROCKInputs, ResizeShortEdge, ROCKAuxTargets,
                         ROCKColorJitter, ROCKRandomCrop, ROCKRandomFlip)

__all__ = [
    'DCTImageNet', 'DCTTestInput', 'JPEGToDCT', 'JPEGToDCTUpscaled',
    'LoadDCTFromFile', 'LoadROCKAnnotations', 'NYUV2_CLASSES',
    'NYUV2_SCENES', 'NYUv2Dataset', 'PackClsInputs', 'PackDCTClsInputs',
    'PackDCTInputs', 'PackROCKDCTInputs', 'PackROCKInputs', 'ROCKAuxTargets',
    'ROCKColorJitter', 'ROCKRandomCrop', 'ROCKRandomFlip', 'ResizeShortEdge'
]
