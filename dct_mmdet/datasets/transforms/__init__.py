from .formatting import PackClsInputs, PackDCTClsInputs, PackDCTInputs
from .loading import (DCTTestInput, JPEGToDCT, JPEGToDCTUpscaled,
                      LoadDCTFromFile)
from .resize import ResizeShortEdge

__all__ = [
    'DCTTestInput', 'JPEGToDCT', 'JPEGToDCTUpscaled', 'LoadDCTFromFile',
    'PackClsInputs', 'PackDCTClsInputs', 'PackDCTInputs', 'ResizeShortEdge'
]
from .rock_formatting import PackROCKDCTInputs, PackROCKInputs  # noqa: E402
from .rock_transforms import (LoadROCKAnnotations, ROCKAuxTargets,  # noqa
                              ROCKColorJitter, ROCKRandomCrop, ROCKRandomFlip)

__all__ += [
    'LoadROCKAnnotations', 'PackROCKDCTInputs', 'PackROCKInputs',
    'ROCKAuxTargets', 'ROCKColorJitter', 'ROCKRandomCrop', 'ROCKRandomFlip'
]
