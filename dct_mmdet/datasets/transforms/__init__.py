from .formatting import PackClsInputs, PackDCTClsInputs, PackDCTInputs
from .loading import JPEGToDCT, LoadDCTFromFile
from .resize import ResizeShortEdge

__all__ = [
    'JPEGToDCT', 'LoadDCTFromFile', 'PackClsInputs', 'PackDCTClsInputs',
    'PackDCTInputs',
    'ResizeShortEdge'
]
