from .draw import draw_detections

__all__ = ['draw_detections']
