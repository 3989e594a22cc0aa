from .accuracy import DCTAccuracy

__all__ = ['DCTAccuracy']
