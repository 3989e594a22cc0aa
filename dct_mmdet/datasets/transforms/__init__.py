from .formatting import PackClsInputs, PackDCTClsInputs, PackDCTInputs
from .loading import (DCTTestInput, JPEGToDCT, JPEGToDCTUpscaled,
                      LoadDCTFromFile)
from .resize import ResizeShortEdge

__all__ = [
    'DCTTestInput', 'JPEGToDCT', 'JPEGToDCTUpscaled', 'LoadDCTFromFile',
    'PackClsInputs', 'PackDCTClsInputs', 'PackDCTInputs', 'ResizeShortEdge'
]
