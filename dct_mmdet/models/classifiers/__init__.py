from .dct_image_classifier import DCTImageClassifier

__all__ = ['DCTImageClassifier']
