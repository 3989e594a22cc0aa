from .rock_detector import ROCKDetector

__all__ = ['ROCKDetector']
