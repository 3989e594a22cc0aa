from .formatting import PackClsInputs, PackDCTClsInputs, PackDCTInputs
from .loading import DCTTestInput, JPEGToDCT, LoadDCTFromFile
from .resize import ResizeShortEdge

__all__ = [
    'DCTTestInput', 'JPEGToDCT', 'LoadDCTFromFile', 'PackClsInputs',
    'PackDCTClsInputs', 'PackDCTInputs', 'ResizeShortEdge'
]
