"""Lossless operations on quantised block-DCT levels, bit for bit:
orientation (flips, transposes, EXIF turns), crops of whole MCUs, and the
crop of the MCUs a :class:`~.geometry.Geometry` reads.

They use canvas semantics: the image *is* the MCU canvas (the coded planes,
MCU padding included, ``8 * blocks`` pixels a side), so a flip mirrors the
canvas and moves the padding to the other edge. Boxes follow with
``geometry.orientation_geometry(orientation, canvas_h, canvas_w)`` and
``geometry.crop``.
"""
import math
from typing import Optional, Tuple

import numpy as np

from .blockdct import BLOCK
from .geometry import Geometry, window_pixels

# Luma (h, v) sampling factors (chroma at (1, 1)) of each subsampling.
LUMA_SAMPLING = {
    'gray': (1, 1),
    '4:4:4': (1, 1),
    '4:2:2': (2, 1),
    '4:4:0': (1, 2),
    '4:2:0': (2, 2),
    '4:1:1': (4, 1),
}
_TRANSPOSED = {'4:2:2': '4:4:0', '4:4:0': '4:2:2'}

_FREQ = np.arange(BLOCK * BLOCK)
_SIGN_U = np.where(_FREQ % BLOCK % 2, -1, 1).astype(np.int8)
_SIGN_V = np.where(_FREQ // BLOCK % 2, -1, 1).astype(np.int8)

Planes = Tuple[np.ndarray, Optional[np.ndarray], Optional[np.ndarray]]


def luma_sampling(subsampling: str) -> Tuple[int, int]:
    """The luma (h, v) sampling factors of ``subsampling``, checked."""
    if subsampling not in LUMA_SAMPLING:
        raise ValueError(f'subsampling must be one of {list(LUMA_SAMPLING)}'
                         f', got {subsampling!r}')
    return LUMA_SAMPLING[subsampling]


def flip_blocks(blocks: np.ndarray,
                direction: str = 'horizontal') -> np.ndarray:
    """Mirror a plane of blocks (levels or coefficients) about its canvas:
    ``X'[v, u] = (-1)^u X[v, u]`` with the block columns reversed
    ('horizontal'), ``(-1)^v`` and rows reversed ('vertical'), or both
    ('diagonal')."""
    if direction not in ('horizontal', 'vertical', 'diagonal'):
        raise ValueError(f'unknown flip direction {direction!r}')
    if direction != 'vertical':
        blocks = blocks[:, ::-1] * _SIGN_U
    if direction != 'horizontal':
        blocks = blocks[::-1] * _SIGN_V
    return blocks


def transpose_blocks(blocks: np.ndarray) -> np.ndarray:
    """Transpose a plane of blocks: the block grid and each block (u <-> v).
    Quantised levels need their quantisation table transposed too."""
    rows, cols = blocks.shape[:2]
    grid = blocks.reshape(rows, cols, BLOCK, BLOCK).transpose(1, 0, 3, 2)
    return grid.reshape(cols, rows, BLOCK * BLOCK)


def orient_blocks(blocks: np.ndarray, orientation: int) -> np.ndarray:
    """The upright plane of EXIF ``orientation`` (1-8) from the stored one,
    as cv2.imdecode turns it (transposes first for 5-8)."""
    if orientation not in range(1, 9):
        raise ValueError(f'EXIF orientation must be 1-8, got {orientation}')
    if orientation >= 5:
        blocks = transpose_blocks(blocks)
    flips = {2: 'horizontal', 3: 'diagonal', 4: 'vertical', 6: 'horizontal',
             7: 'diagonal', 8: 'vertical'}
    if orientation in flips:
        blocks = flip_blocks(blocks, flips[orientation])
    return np.ascontiguousarray(blocks)


def rotate_blocks(blocks: np.ndarray, quarter_turns: int) -> np.ndarray:
    """Rotate a plane of blocks clockwise by ``quarter_turns`` x 90
    degrees."""
    return orient_blocks(blocks, (1, 6, 3, 8)[quarter_turns % 4])


def orient_levels(y: np.ndarray, cb: Optional[np.ndarray],
                  cr: Optional[np.ndarray],
                  quant_tables: Optional[np.ndarray], subsampling: str,
                  orientation: int) -> Tuple:
    """Turn a whole image upright losslessly (EXIF ``orientation`` 1-8;
    2/4/3 are the horizontal/vertical flips and the 180 degree turn, 6/8 the
    clockwise/anticlockwise quarter turns, 5 the transpose).

    Canvas semantics: the canvas is the MCU grid (read with ``align=True``
    to keep libjpeg's own padding blocks; missing Y padding blocks are
    zero), and the output canvas is the input canvas turned. For 'gray' the
    canvas is ``y``'s grid as given (read it with ``align=False``), and
    ``cb``/``cr`` are ignored and come back as None.

    Returns:
        ``(y, cb, cr, quant_tables, subsampling)``: transposing orientations
        (5-8) transpose the quantisation tables and swap the sampling
        factors (4:2:2 <-> 4:4:0).
    """
    planes = _canvas_planes(y, cb, cr, subsampling)
    planes = tuple(None if p is None else orient_blocks(p, orientation)
                   for p in planes)
    if orientation >= 5:
        if subsampling not in _TRANSPOSED and LUMA_SAMPLING[subsampling] != \
                LUMA_SAMPLING[subsampling][::-1]:
            raise ValueError(f'{subsampling} has no transposed layout')
        subsampling = _TRANSPOSED.get(subsampling, subsampling)
        if quant_tables is not None:
            quant_tables = np.asarray(quant_tables).reshape(
                -1, BLOCK, BLOCK).transpose(0, 2, 1).reshape(-1, BLOCK * BLOCK)
    return planes + (quant_tables, subsampling)


def crop_levels(y: np.ndarray, cb: Optional[np.ndarray],
                cr: Optional[np.ndarray], subsampling: str, top: int,
                left: int, height: int, width: int) -> Planes:
    """Crop whole MCUs out of the canvas (views, unless Y lacked padding
    blocks): ``top``,
    ``left``, ``height`` and ``width`` (luma pixels) must be multiples of
    the MCU size (16 for 4:2:0, 16x8 (w x h) for 4:2:2, 8 for 4:4:4/gray)
    and stay inside the canvas. For 'gray', ``cb``/``cr`` come back as
    None."""
    y, cb, cr = _canvas_planes(y, cb, cr, subsampling)
    h, v = LUMA_SAMPLING[subsampling]
    mcu_h, mcu_w = BLOCK * v, BLOCK * h
    canvas_h, canvas_w = BLOCK * y.shape[0], BLOCK * y.shape[1]
    if (top % mcu_h or height % mcu_h or left % mcu_w or width % mcu_w
            or top < 0 or left < 0 or height < 1 or width < 1
            or top + height > canvas_h or left + width > canvas_w):
        raise ValueError(
            f'crop (top={top}, left={left}, height={height}, width={width})'
            f' is not whole {mcu_w}x{mcu_h} MCUs inside the {canvas_w}x'
            f'{canvas_h} canvas')
    y = y[top // BLOCK:(top + height) // BLOCK,
          left // BLOCK:(left + width) // BLOCK]
    rows = slice(top // mcu_h, (top + height) // mcu_h)
    cols = slice(left // mcu_w, (left + width) // mcu_w)
    return (y, None if cb is None else cb[rows, cols],
            None if cr is None else cr[rows, cols])


def crop_to_reach(y: np.ndarray, cb: Optional[np.ndarray],
                  cr: Optional[np.ndarray], geometry: Geometry,
                  subsampling: str) -> Tuple[Planes, Geometry]:
    """The whole MCUs that ``geometry`` can read and the geometry re-based
    on them: :func:`~.resample.materialize` gives the same output from the
    pair (what a worker ships after a crop: often a fraction of the file).

    The reach is the output, padded to whole 4:2:0 MCUs, mapped into the
    source, its taps clamped into the window and the source as the
    materialiser clamps them, widened by the bilinear taps of luma and of
    the coarsest chroma plane, then rounded out to whole MCUs of the
    source (``geometry.src_size``). The planes come back as views, as they
    are when the reach is the whole image; no padding block is added: the
    materialiser reads none. For 'gray', ``cb``/``cr`` come back as None."""
    h, v = luma_sampling(subsampling)
    if subsampling == 'gray':
        cb = cr = None
    mcu = (BLOCK * v, BLOCK * h)  # (rows, cols) of luma pixels
    out_h, out_w = geometry.out_size
    padded_w, padded_h = -(-out_w // 16) * 16, -(-out_h // 16) * 16
    corners = geometry.affine @ np.array(
        [[0, padded_w, 0, padded_w], [0, 0, padded_h, padded_h], [1] * 4])
    region = []
    for axis, sampling in ((1, v), (0, h)):  # rows (source y), then cols
        lo = float(corners[axis].min()) - 0.5
        hi = float(corners[axis].max()) - 0.5
        if geometry.window is not None:
            first, last = window_pixels(geometry.window[axis],
                                        geometry.window[axis + 2])
            lo, hi = min(max(lo, first), last), min(max(hi, first), last)
        # Luma taps reach 1 pixel past hi; chroma taps one chroma sample
        # (``sampling`` pixels) past its own half-sample offset.
        margin = 2 * sampling + 1
        size = geometry.src_size[1 - axis]
        lo = min(max(math.floor(lo) - margin, 0), size - 1)
        hi = min(max(math.floor(hi) + margin, 0), size - 1)
        step = mcu[1 - axis]
        region.append((lo // step * step, min(-(-(hi + 1) // step) * step,
                                              -(-size // step) * step)))
    (top, bottom), (left, right) = region
    src_h, src_w = geometry.src_size
    if top == left == 0 and bottom >= src_h and right >= src_w:
        return (y, cb, cr), geometry  # the whole image
    y = y[top // BLOCK:bottom // BLOCK, left // BLOCK:right // BLOCK]
    if cb is not None:
        rows = slice(top // mcu[0], bottom // mcu[0])
        cols = slice(left // mcu[1], right // mcu[1])
        cb, cr = cb[rows, cols], cr[rows, cols]
    a, b, c, d, e, f = geometry.matrix
    window = None if geometry.window is None else tuple(
        value - (left, top)[index % 2]
        for index, value in enumerate(geometry.window))
    rebased = Geometry((a, b, c - left, d, e, f - top), geometry.out_size,
                       (min(src_h - top, bottom - top),
                        min(src_w - left, right - left)), geometry.fill,
                       window)
    return (y, cb, cr), rebased


def _canvas_planes(y, cb, cr, subsampling) -> Planes:
    """The planes on whole MCUs: Y is cut to the MCU grid (``align=True``
    adds zero blocks past it for 4:4:4/4:2:2) or zero-padded to it (an
    ``align=False`` read lacks libjpeg's padding blocks); gray's chroma is
    dropped."""
    h, v = luma_sampling(subsampling)
    if subsampling == 'gray':
        return y, None, None
    if cb is None or cr is None or cb.shape[:2] != cr.shape[:2] or \
            y.shape[0] <= v * (cb.shape[0] - 1) or \
            y.shape[1] <= h * (cb.shape[1] - 1):
        raise ValueError(
            f'{subsampling} planes of shapes {y.shape[:2]}, '
            f'{None if cb is None else cb.shape[:2]} and '
            f'{None if cr is None else cr.shape[:2]} are not one image')
    rows, cols = v * cb.shape[0], h * cb.shape[1]
    if y.shape[0] < rows or y.shape[1] < cols:
        y = np.pad(y, ((0, max(rows - y.shape[0], 0)),
                       (0, max(cols - y.shape[1], 0)), (0, 0)))
    return y[:rows, :cols], cb, cr
