from .formatting import PackClsInputs, PackDCTClsInputs, PackDCTInputs
from .lazy_geometry import (LazyExpand, LazyMinIoURandomCrop, LazyRandomFlip,
                            LazyResize)
from .dct_test_input import DCTTestInput
from .loading import JPEGToDCT, JPEGToDCTUpscaled, LoadDCTFromFile
from .materialize_image import MaterializeImage
from .photometric import DCTPhotoMetricDistortion
from .quantization import RandomRequantize
from .resize import ResizeShortEdge
from .rock_formatting import PackROCKDCTInputs, PackROCKInputs
from .rock_transforms import (LoadROCKAnnotations, ROCKAuxTargets,
                              ROCKColorJitter, ROCKRandomCrop, ROCKRandomFlip)

__all__ = [
    'DCTPhotoMetricDistortion', 'DCTTestInput', 'JPEGToDCT',
    'JPEGToDCTUpscaled', 'LazyExpand', 'LazyMinIoURandomCrop',
    'LazyRandomFlip', 'LazyResize', 'LoadDCTFromFile', 'LoadROCKAnnotations',
    'MaterializeImage', 'PackClsInputs', 'PackDCTClsInputs', 'PackDCTInputs',
    'PackROCKDCTInputs', 'PackROCKInputs', 'RandomRequantize',
    'ResizeShortEdge', 'ROCKAuxTargets', 'ROCKColorJitter', 'ROCKRandomCrop',
    'ROCKRandomFlip'
]
