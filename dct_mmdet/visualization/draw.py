"""Boxes with class names and scores, depth maps and surface normals
drawn with OpenCV: no visualizer or backend to configure, for demos and
quick looks."""
import cv2
import numpy as np

PALETTE = [(0, 0, 255), (0, 200, 0), (255, 0, 0), (0, 200, 255),
           (255, 0, 255), (255, 255, 0)]


def draw_detections(image: np.ndarray, bboxes, labels, scores,
                    classes) -> np.ndarray:
    """A copy of the BGR ``image`` with each ``(x1, y1, x2, y2)`` box and
    its ``'<class> <score>'`` tag drawn, coloured by label."""
    canvas = image.copy()
    for box, label, score in zip(bboxes, labels, scores):
        x1, y1, x2, y2 = (int(round(float(v))) for v in box)
        colour = PALETTE[int(label) % len(PALETTE)]
        cv2.rectangle(canvas, (x1, y1), (x2, y2), colour, 2)
        text = f'{classes[int(label)]} {float(score):.2f}'
        (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, 0.5, 1)
        top = max(y1 - th - 4, 0)
        cv2.rectangle(canvas, (x1, top), (x1 + tw + 4, top + th + 4), colour,
                      -1)
        cv2.putText(canvas, text, (x1 + 2, top + th + 1),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1,
                    cv2.LINE_AA)
    return canvas


def draw_depth(depth: np.ndarray, size=None) -> np.ndarray:
    """A (H, W) depth map as a uint8 image normalised per image, near =
    bright; resized (nearest) to ``size = (width, height)`` if given."""
    depth = np.asarray(depth, np.float32)
    near_bright = 1 - depth / max(float(depth.max()), 1e-6)
    return _resize(np.rint(255 * near_bright).astype(np.uint8), size)


def draw_normals(normals: np.ndarray, size=None) -> np.ndarray:
    """(H, W, 3) unit surface normals (x, y, z) as a BGR uint8 image of
    (n + 1) / 2 in RGB; resized (nearest) to ``size = (width, height)`` if
    given."""
    rgb = np.rint((np.asarray(normals, np.float32) + 1) / 2 * 255)
    return _resize(np.clip(rgb, 0, 255).astype(np.uint8)[..., ::-1], size)


def _resize(image: np.ndarray, size) -> np.ndarray:
    if size is None:
        return np.ascontiguousarray(image)
    return cv2.resize(
        np.ascontiguousarray(image), tuple(int(v) for v in size),
        interpolation=cv2.INTER_NEAREST)
