from .hooks import SkippedImagesHook

__all__ = ['SkippedImagesHook']
