from .skipped_images_hook import SkippedImagesHook

__all__ = ['SkippedImagesHook']
