from .metrics import DCTAccuracy

__all__ = ['DCTAccuracy']
