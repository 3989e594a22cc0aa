"""The RGB materialiser of the lazy pipeline: the loaded image resampled once
through the sample's ``geometry`` (see :mod:`.lazy_geometry`; the DCT one is
``DCTDataPreprocessor`` on the device)."""
from typing import Optional, Sequence, Tuple

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from dct_codec.geometry import Geometry, window_pixels
from dct_mmdet.registry import TRANSFORMS


@TRANSFORMS.register_module()
class MaterializeImage(BaseTransform):
    """Produce ``img`` from the loaded image and the sample's ``geometry``:
    the RGB materialiser of the lazy pipeline (the DCT one is
    ``DCTDataPreprocessor`` on the device). See :func:`materialize_image`.

    Put it after the Lazy* transforms and before anything that reads pixels
    (``PhotoMetricDistortion``, ``PackDetInputs``). ``geometry`` is consumed
    (removed), so later lazy transforms start from the new image.

    Required Keys:

    - img
    - geometry (optional: without it ``img`` is left as it is)

    Modified Keys:

    - img

    Removed Keys:

    - geometry

    Args:
        method (str): 'warp' (default): one ``cv2.warpAffine``, whose cost
            follows the output size (within 1/32 px of mmdet's pixels);
            'resize': mmdet's own ``cv2.resize`` on the window, bit-identical
            to mmdet's Expand -> MinIoURandomCrop -> Resize -> RandomFlip,
            at the cost of a window-sized buffer when it reaches into the
            fill.
        channel_order (str): 'bgr' (mmcv's default) or 'rgb': the order of
            ``img``'s channels, into which the RGB fill is written.
    """

    def __init__(self, method: str = 'warp', channel_order: str = 'bgr'):
        if method not in METHODS:
            raise ValueError(f'method must be one of {METHODS}, got '
                             f'{method!r}')
        if channel_order not in ('bgr', 'rgb'):
            raise ValueError(f"channel_order must be 'bgr' or 'rgb', got "
                             f'{channel_order!r}')
        self.method = method
        self.channel_order = channel_order

    def transform(self, results: dict) -> dict:
        geometry = results.pop('geometry', None)
        if geometry is not None:
            results['img'] = materialize_image(results['img'], geometry,
                                               self.method, self.channel_order)
        return results

    def __repr__(self):
        return (f"{type(self).__name__}(method='{self.method}', "
                f"channel_order='{self.channel_order}')")


METHODS = ('warp', 'resize')


def materialize_image(img: np.ndarray,
                      geometry: Geometry,
                      method: str = 'warp',
                      channel_order: str = 'bgr') -> np.ndarray:
    """``geometry``'s output image from its source image ``img`` (HWC or
    HW, any dtype OpenCV resamples), in ``img``'s dtype.

    The semantics are the geometry's (see :mod:`dct_codec.geometry`): fill
    outside the source, bilinear taps clamped into the window. Two ways:

    * 'warp': one ``cv2.warpAffine`` (INTER_LINEAR) from a view of the
      source pixels inside the window, with a constant border of the fill
      (or a replicated one, the clamp). Its cost follows the output size,
      whatever the Expand ratio. OpenCV rounds its positions to 1/32 px and
      its weights to 15 bits where ``cv2.resize`` uses exact positions and
      11-bit weights: a grey level here and there (57 dB or more against
      mmdet's SSD chain on the tests' photos).
    * 'resize': the lazy transforms' geometry is a ``cv2.resize`` of the
      window (filled outside the source) followed by integer crops, flips
      and turns, so this builds the window (a view, or ``copyMakeBorder``
      with the fill), resizes it and slices: the same uint8 operations on
      the same pixels as mmdet's transforms, so the same bytes, at the cost
      of building a window up to 16 times the image (Expand ratio 4).
      Raises ValueError for a geometry of no such form.
    """
    if method not in METHODS:
        raise ValueError(f'method must be one of {METHODS}, got {method!r}')
    if img.shape[:2] != geometry.src_size:
        raise ValueError(f'the geometry expects a {geometry.src_size} '
                         f'source, the image is {img.shape[:2]}')
    fill = geometry.fill
    if fill is not None:
        if img.ndim == 3 and channel_order == 'bgr':
            fill = fill[::-1]
        fill = np.asarray(fill if img.ndim == 3 else fill[0]).astype(
            img.dtype).tolist()
    if method == 'warp':
        return _warp(img, geometry, fill)
    return _resize_window(img, geometry, fill)


def _warp(img: np.ndarray, geometry: Geometry, fill) -> np.ndarray:
    """``materialize_image(method='warp')``."""
    src_h, src_w = img.shape[:2]
    out_h, out_w = geometry.out_size
    window = (0, 0, src_w - 1, src_h - 1)  # taps clamp at the source edges
    if geometry.window is not None:
        x_pixels = window_pixels(*geometry.window[0::2])
        y_pixels = window_pixels(*geometry.window[1::2])
        window = (x_pixels[0], y_pixels[0], x_pixels[1], y_pixels[1])
    x0, y0 = max(window[0], 0), max(window[1], 0)
    x1, y1 = min(window[2], src_w - 1), min(window[3], src_h - 1)
    if x0 > x1 or y0 > y1:  # the window lies in the fill only
        return np.full((out_h, out_w) + img.shape[2:], fill, img.dtype)
    region = img[y0:y1 + 1, x0:x1 + 1]
    a, b, c, d, e, f = geometry.matrix
    # Output pixel index -> region pixel index (centres at i + 0.5).
    matrix = np.array([[a, b, c + (a + b - 1) / 2 - x0],
                       [d, e, f + (d + e - 1) / 2 - y0]])
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    if fill is None:  # the window lies in the source: clamp = replicate
        return cv2.warpAffine(region,
                              matrix, (out_w, out_h),
                              flags=flags,
                              borderMode=cv2.BORDER_REPLICATE)
    if geometry.window is not None:
        # Past the source is the fill, but a window edge inside the source
        # clamps: one replicated pixel there where taps reach past it
        # (upscaling only).
        top, bottom = window[1] >= 0, window[3] < src_h
        left, right = window[0] >= 0, window[2] < src_w
        reach = _reach(matrix, out_w, out_h, region)
        pads = [
            int(r and i) for r, i in zip(reach, (top, bottom, left, right))
        ]
        if any(pads):
            region = cv2.copyMakeBorder(region, *pads, cv2.BORDER_REPLICATE)
            matrix[:, 2] += (pads[2], pads[0])
    return cv2.warpAffine(region,
                          matrix, (out_w, out_h),
                          flags=flags,
                          borderMode=cv2.BORDER_CONSTANT,
                          borderValue=fill)


def _reach(matrix: np.ndarray, out_w: int, out_h: int,
           region: np.ndarray) -> Tuple[bool, bool, bool, bool]:
    """Whether the taps of an output reach past the region's top, bottom,
    left and right edges (``copyMakeBorder``'s order)."""
    corners = np.array([[0, 0, 1], [out_w - 1, out_h - 1, 1]]) @ matrix.T
    low, high = corners.min(axis=0), corners.max(axis=0)
    last_x, last_y = region.shape[1] - 1, region.shape[0] - 1
    return low[1] < 0, high[1] > last_y, low[0] < 0, high[0] > last_x


def _resize_window(img: np.ndarray, geometry: Geometry, fill) -> np.ndarray:
    """``materialize_image(method='resize')``."""
    a, b, c, d, e, f = geometry.matrix
    window = geometry.window
    if geometry.transposed:  # read the transposed source
        img = np.swapaxes(img, 0, 1)
        a, c, e, f = d, f, b, c
        if window is not None:
            window = (window[1], window[0], window[3], window[2])
    src_h, src_w = img.shape[:2]
    out_h, out_w = geometry.out_size
    x_pixels, x_size, x_start, x_step = _axis_plan(a, c, out_w, src_w, window
                                                   and window[0::2], fill)
    y_pixels, y_size, y_start, y_step = _axis_plan(e, f, out_h, src_h, window
                                                   and window[1::2], fill)
    region = _window_region(img, x_pixels, y_pixels, fill)
    if (y_size, x_size) != region.shape[:2]:
        region = cv2.resize(region, (x_size, y_size),
                            interpolation=cv2.INTER_LINEAR)
    out = region[_span(y_start, y_step, out_h), _span(x_start, x_step, out_w)]
    if x_step > 0 and y_step > 0:
        return np.ascontiguousarray(out)
    # cv2.flip codes: 1 mirrors x, 0 mirrors y, -1 both; it copies fast
    # where numpy's copy of a reversed view is slow.
    return cv2.flip(out, 1 if y_step > 0 else 0 if x_step > 0 else -1)


def _axis_plan(scale: float, offset: float, n_out: int, n_src: int,
               window: Optional[Sequence[float]], fill):
    """One axis of ``_resize_window``: the source pixels ``(first, last)``
    of the window, the size it is resized to, and where the output starts
    in the resized window and which way it runs."""
    step = 1 if scale > 0 else -1
    size = abs(scale)
    if window is None:
        if size != 1 and fill is not None:
            raise ValueError('a resample reading the fill without a clamp '
                             'window is not one of cv2.resize')
        # The output's own footprint, or the whole source to clamp at.
        lo, hi = sorted((offset, offset + scale * n_out))
        pixels = window_pixels(lo, hi) if size == 1 else (0, n_src - 1)
    else:
        pixels = window_pixels(*window)
    resized = (pixels[1] - pixels[0] + 1) / size
    start = (offset - pixels[0]) / size - (0 if step > 0 else 1)
    if abs(resized - round(resized)) > 1e-6 or \
            abs(start - round(start)) > 1e-6:
        raise ValueError(f'the geometry is not a resize of a window of its '
                         f'source (an axis of scale {scale}, offset '
                         f'{offset} over pixels {pixels})')
    resized, start = int(round(resized)), int(round(start))
    last = start + step * (n_out - 1)
    if min(start, last) < 0 or max(start, last) >= resized:
        raise ValueError('the geometry reads outside its clamp window')
    return pixels, resized, start, step


def _window_region(img: np.ndarray, x_pixels: Tuple[int, int],
                   y_pixels: Tuple[int, int], fill) -> np.ndarray:
    """The window's pixels: a view of the source where it lies inside,
    else padded with the fill (or the edge pixels when there is none)."""
    src_h, src_w = img.shape[:2]
    x0, x1 = x_pixels
    y0, y1 = y_pixels
    pads = (max(-y0, 0), max(y1 - src_h + 1,
                             0), max(-x0, 0), max(x1 - src_w + 1, 0))
    if not any(pads):
        return img[y0:y1 + 1, x0:x1 + 1]
    if x1 < 0 or y1 < 0 or x0 >= src_w or y0 >= src_h:  # in the fill only
        shape = (y1 - y0 + 1, x1 - x0 + 1) + img.shape[2:]
        return np.full(shape, fill, img.dtype)
    inner = img[max(y0, 0):min(y1 + 1, src_h), max(x0, 0):min(x1 + 1, src_w)]
    if fill is None:
        return cv2.copyMakeBorder(inner, *pads, cv2.BORDER_REPLICATE)
    return cv2.copyMakeBorder(inner, *pads, cv2.BORDER_CONSTANT, value=fill)


def _span(start: int, step: int, count: int) -> slice:
    """The ``count`` indices from ``start`` in direction ``step``, in
    increasing order (the caller flips)."""
    first = start if step > 0 else start - count + 1
    return slice(first, first + count)
