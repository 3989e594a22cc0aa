"""Encode pixels to JPEG bytes (the re-encode step of the published
protocol: augment in RGB, re-encode, read the coefficients)."""
import io

import numpy as np

# PIL's `subsampling` codes.
SUBSAMPLINGS = {'4:4:4': 0, '4:2:2': 1, '4:2:0': 2}
# The encoders the sources used: PIL (INSA seed, detection papers) and
# OpenCV's cv2.imencode (jpeg_deep's ImageNet pipeline). The opencv-python
# and Pillow wheels both bundle libjpeg-turbo with the same defaults and
# write the same bytes today; the choice keeps a protocol exact when either
# is linked to another libjpeg.
ENCODERS = ('pil', 'cv2')


def _encode_pil(image: np.ndarray, quality: int, subsampling: str) -> bytes:
    from PIL import Image  # only when encoding: the codec imports numpy only
    buffer = io.BytesIO()
    Image.fromarray(image).save(
        buffer,
        format='JPEG',
        quality=quality,
        subsampling=SUBSAMPLINGS[subsampling])
    return buffer.getvalue()


def _encode_cv2(image: np.ndarray, quality: int, subsampling: str) -> bytes:
    """``image``: BGR (or grayscale), as OpenCV takes it."""
    import cv2
    sampling = getattr(cv2, 'IMWRITE_JPEG_SAMPLING_FACTOR_' +
                       subsampling.replace(':', ''))
    ok, data = cv2.imencode('.jpg', image, [
        cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_SAMPLING_FACTOR,
        sampling
    ])
    if not ok:
        raise RuntimeError(f'cv2.imencode failed on a {image.shape} image')
    return data.tobytes()


def encode_jpeg(image: np.ndarray,
                quality: int = 75,
                subsampling: str = '4:2:0',
                channel_order: str = 'rgb',
                encoder: str = 'pil') -> bytes:
    """Encode an ``(H, W, 3)`` (or ``(H, W)`` grayscale) uint8 image.

    Args:
        image: the pixels.
        quality: libjpeg quality, 1-100 (the published detection protocol
            uses 75).
        subsampling: chroma subsampling, one of ``SUBSAMPLINGS``.
        channel_order: 'rgb', or 'bgr' for OpenCV/mmcv images.
        encoder: 'pil' (default) or 'cv2' (``cv2.imencode``), as the
            protocol being reproduced did.
    """
    if not 1 <= quality <= 100:
        raise ValueError(f'quality must be in 1..100, got {quality}')
    if subsampling not in SUBSAMPLINGS:
        raise ValueError(f'subsampling must be one of {list(SUBSAMPLINGS)}, '
                         f'got {subsampling!r}')
    if channel_order not in ('rgb', 'bgr'):
        raise ValueError(
            f"channel_order must be 'rgb' or 'bgr', got {channel_order!r}")
    if encoder not in ENCODERS:
        raise ValueError(
            f'encoder must be one of {list(ENCODERS)}, got {encoder!r}')
    if image.dtype != np.uint8:
        raise TypeError(f'expected a uint8 image, got {image.dtype}')
    if image.ndim == 3 and image.shape[2] == 3:
        # One flip at most, into the order the encoder takes.
        if channel_order != ('bgr' if encoder == 'cv2' else 'rgb'):
            image = image[..., ::-1]
    elif image.ndim != 2:
        raise ValueError(
            f'expected an (H, W, 3) or (H, W) image, got {image.shape}')
    encode = _encode_cv2 if encoder == 'cv2' else _encode_pil
    return encode(np.ascontiguousarray(image), quality, subsampling)
