from .draw import draw_depth, draw_detections, draw_normals

__all__ = ['draw_depth', 'draw_detections', 'draw_normals']
