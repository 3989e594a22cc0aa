"""Encode pixels to JPEG bytes (the re-encode step of the published
protocol: augment in RGB, re-encode, read the coefficients)."""
import io

import numpy as np
from PIL import Image

# PIL's `subsampling` codes.
SUBSAMPLINGS = {'4:4:4': 0, '4:2:2': 1, '4:2:0': 2}


def encode_jpeg(image: np.ndarray,
                quality: int = 75,
                subsampling: str = '4:2:0',
                channel_order: str = 'rgb') -> bytes:
    """Encode an ``(H, W, 3)`` (or ``(H, W)`` grayscale) uint8 image.

    Args:
        image: the pixels.
        quality: libjpeg quality, 1-100 (the published detection protocol
            uses 75).
        subsampling: chroma subsampling, one of ``SUBSAMPLINGS``.
        channel_order: 'rgb', or 'bgr' for OpenCV/mmcv images.
    """
    if not 1 <= quality <= 100:
        raise ValueError(f'quality must be in 1..100, got {quality}')
    if subsampling not in SUBSAMPLINGS:
        raise ValueError(f'subsampling must be one of {list(SUBSAMPLINGS)}, '
                         f'got {subsampling!r}')
    if channel_order not in ('rgb', 'bgr'):
        raise ValueError(
            f"channel_order must be 'rgb' or 'bgr', got {channel_order!r}")
    if image.dtype != np.uint8:
        raise TypeError(f'expected a uint8 image, got {image.dtype}')
    if image.ndim == 3 and image.shape[2] == 3:
        if channel_order == 'bgr':
            image = image[..., ::-1]
    elif image.ndim != 2:
        raise ValueError(
            f'expected an (H, W, 3) or (H, W) image, got {image.shape}')
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(image)).save(
        buffer,
        format='JPEG',
        quality=quality,
        subsampling=SUBSAMPLINGS[subsampling])
    return buffer.getvalue()
