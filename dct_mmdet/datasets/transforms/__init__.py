from .formatting import PackClsInputs, PackDCTClsInputs, PackDCTInputs
from .loading import (DCTTestInput, JPEGToDCT, JPEGToDCTUpscaled,
                      LoadDCTFromFile)
from .resize import ResizeShortEdge
from .rock_formatting import PackROCKDCTInputs, PackROCKInputs
from .rock_transforms import (LoadROCKAnnotations, ROCKAuxTargets,
                              ROCKColorJitter, ROCKRandomCrop, ROCKRandomFlip)

__all__ = [
    'DCTTestInput', 'JPEGToDCT', 'JPEGToDCTUpscaled', 'LoadDCTFromFile',
    'LoadROCKAnnotations', 'PackClsInputs', 'PackDCTClsInputs',
    'PackDCTInputs', 'PackROCKDCTInputs', 'PackROCKInputs', 'ROCKAuxTargets',
    'ROCKColorJitter', 'ROCKRandomCrop', 'ROCKRandomFlip', 'ResizeShortEdge'
]
