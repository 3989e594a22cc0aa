from .formatting import PackDCTClsInputs, PackDCTInputs
from .loading import JPEGToDCT, LoadDCTFromFile
from .resize import ResizeShortEdge

__all__ = [
    'JPEGToDCT', 'LoadDCTFromFile', 'PackDCTClsInputs', 'PackDCTInputs',
    'ResizeShortEdge'
]
