from .transforms import JPEGToDCT, LoadDCTFromFile, PackDCTInputs

__all__ = ['JPEGToDCT', 'LoadDCTFromFile', 'PackDCTInputs']
