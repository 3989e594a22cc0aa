from .dct_data_preprocessor import DCTDataPreprocessor

__all__ = ['DCTDataPreprocessor']
