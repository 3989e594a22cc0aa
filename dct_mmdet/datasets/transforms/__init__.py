from .formatting import PackDCTInputs
from .loading import JPEGToDCT, LoadDCTFromFile

__all__ = ['JPEGToDCT', 'LoadDCTFromFile', 'PackDCTInputs']
