"""Resample block-DCT coefficients through a :class:`~.geometry.Geometry`.

:func:`materialize` is the reference materialiser of the compressed-domain
pipeline: the transforms only compose a geometry, and this produces the
output coefficients once. It gives what block IDCT -> ``cv2.resize`` /
``cv2.warpAffine`` (INTER_LINEAR, float planes) -> block DCT gives, each
plane at its own resolution through the same continuous map, in the steps a
device-side version mirrors: dequantise -> block IDCT of the source blocks
the map touches -> separable two-tap bilinear resample with an exact constant
fill and clamp window -> block DCT of the output padded to whole 4:2:0 MCUs.
numpy, float64 inside: exactness first.

The lossless operations (:func:`orient_levels`, :func:`crop_levels` and the
per-plane ``*_blocks`` functions) act on quantised levels bit for bit. They
use canvas semantics: the image *is* the MCU canvas (the coded planes, MCU
padding included, ``8 * blocks`` pixels a side), so a flip mirrors the canvas
and moves the padding to the other edge. Boxes follow with
``geometry.orientation_geometry(orientation, canvas_h, canvas_w)`` and
``geometry.crop``.
"""
import math
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

import numpy as np

from .blockdct import BLOCK, dct_matrix
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

# Raster-order block transforms: pixels = coeffs @ _K, coeffs = pixels @ _K.T
_K = np.kron(dct_matrix(), dct_matrix())
_FREQ = np.arange(BLOCK * BLOCK)
_SIGN_U = np.where(_FREQ % BLOCK % 2, -1, 1).astype(np.int8)
_SIGN_V = np.where(_FREQ // BLOCK % 2, -1, 1).astype(np.int8)

Planes = Tuple[np.ndarray, Optional[np.ndarray], Optional[np.ndarray]]


def ycbcr_fill(rgb: Sequence[float]) -> Tuple[float, float, float]:
    """JFIF YCbCr of an RGB colour, level-shifted by -128."""
    r, g, b = rgb
    return (0.299 * r + 0.587 * g + 0.114 * b - 128,
            -0.168736 * r - 0.331264 * g + 0.5 * b,
            0.5 * r - 0.418688 * g - 0.081312 * b)


# Output layouts: (luma blocks per chroma block along each axis).
OUT_LAYOUTS = {'4:2:0': 2, '4:4:4': 1}


@dataclass(frozen=True)
class PlanePlan:
    """How one output plane is made from its source plane: the steps of
    :func:`materialize`, as data, so that the numpy reference and the
    device-side materialiser (torch) apply the very same plan.

    Attributes:
        blocks: ``(rows, cols)`` slices of the source blocks to
            inverse-transform (the region the taps read), or None when no
            source pixel is read.
        transposed: transpose the region's pixels before resampling (output
            rows come from source columns).
        rows, cols: ``(index, weight)``, each ``(n, 2)``: the two taps of
            every output row/column, padded output included (edge
            replicated), indices into the (transposed) region.
        fill: the level-shifted fill value of this plane, or None.
        out_blocks: ``(rows, cols)`` of the output block grid.
        image_blocks: ``(rows, cols)`` of those that hold output pixels;
            the others (whole-MCU padding) are zero, as the reader returns
            a file's dummy blocks, so that a resampled input matches a
            re-encoded one there too.
    """
    blocks: Optional[Tuple[slice, slice]]
    transposed: bool
    rows: Tuple[np.ndarray, np.ndarray]
    cols: Tuple[np.ndarray, np.ndarray]
    fill: Optional[float]
    out_blocks: Tuple[int, int]
    image_blocks: Tuple[int, int]


def plan_planes(geometry: Geometry,
                subsampling: str = '4:2:0',
                out_subsampling: str = '4:2:0') -> Tuple[PlanePlan, ...]:
    """The :class:`PlanePlan` of Y, Cb and Cr for a source of
    ``subsampling`` and an output of ``out_subsampling`` ('4:2:0': Y on
    twice the chroma grid, whole MCUs; '4:4:4': one grid), each chroma
    plane through the same continuous map at its own resolution."""
    sub = _sampling(subsampling)
    if out_subsampling not in OUT_LAYOUTS:
        raise ValueError(f'out_subsampling must be one of '
                         f'{list(OUT_LAYOUTS)}, got {out_subsampling!r}')
    ratio = OUT_LAYOUTS[out_subsampling]
    src_h, src_w = geometry.src_size
    out_h, out_w = geometry.out_size
    rows, cols = -(-out_h // (8 * ratio)), -(-out_w // (8 * ratio))
    fills = (None, ) * 3 if geometry.fill is None else ycbcr_fill(
        geometry.fill)
    luma = _plan_plane(geometry.affine, (src_h, src_w), (out_h, out_w),
                       (ratio * rows, ratio * cols), geometry.window,
                       fills[0])
    if subsampling == 'gray':  # zero chroma on the luma grid
        sub = (1, 1)
    extent = (-(-src_h // sub[1]), -(-src_w // sub[0]))
    # Output chroma sample j is centred at luma ratio * (j + 0.5).
    affine = np.diag([1 / sub[0], 1 / sub[1], 1]) @ geometry.affine @ \
        np.diag([ratio, ratio, 1.0])
    # The chroma window covers every chroma sample the luma window touches.
    window = None if geometry.window is None else (
        geometry.window[0] / sub[0], geometry.window[1] / sub[1],
        geometry.window[2] / sub[0], geometry.window[3] / sub[1])
    chroma = (_plan_plane(affine, extent,
                          (-(-out_h // ratio), -(-out_w // ratio)),
                          (rows, cols), window, fill)
              for fill in fills[1:])
    return (luma, *chroma)


def materialize(y: np.ndarray,
                cb: Optional[np.ndarray],
                cr: Optional[np.ndarray],
                geometry: Geometry,
                quant_tables: Optional[np.ndarray] = None,
                subsampling: str = '4:2:0',
                out_subsampling: str = '4:2:0') -> Tuple[np.ndarray, ...]:
    """The coefficients of ``geometry``'s output image.

    Args:
        y, cb, cr: ``(rows, cols, 64)`` raster-order blocks of each component
            at its own sampling (``cb``/``cr`` are ignored for 'gray');
            blocks past the true image size may be present and are never
            read.
        geometry: the map; ``geometry.src_size`` is the true image size.
        quant_tables: ``(components, 64)`` natural-order tables when the
            blocks are quantised levels, None when already dequantised.
        subsampling: a key of :data:`LUMA_SAMPLING`.
        out_subsampling: '4:2:0' or '4:4:4', the output's chroma grid.

    Returns:
        float32 ``(y, cb, cr)``: the output as a JPEG of size
        ``geometry.out_size`` would hold it: for '4:2:0' Y ``(2 R, 2 C,
        64)`` and chroma ``(R, C, 64)`` with ``R, C = ceil(h / 16), ceil(w /
        16)``; the pixels past the output size replicate its edge.
    """
    plans = plan_planes(geometry, subsampling, out_subsampling)
    planes = (y, None, None) if subsampling == 'gray' else (y, cb, cr)
    tables = (None, ) * 3 if quant_tables is None else tuple(quant_tables)
    return tuple(
        _apply_plan(blocks, table, plan)
        for blocks, table, plan in zip(planes, tables + (None, ) * 2, plans))


def _sampling(subsampling: str) -> Tuple[int, int]:
    if subsampling not in LUMA_SAMPLING:
        raise ValueError(f'subsampling must be one of {list(LUMA_SAMPLING)}'
                         f', got {subsampling!r}')
    return LUMA_SAMPLING[subsampling]


def _plan_plane(affine, src_extent, out_extent, out_blocks, window,
                fill) -> PlanePlan:
    """One plane: ``affine`` maps output to source sample coordinates of
    this plane."""
    (a, b, c), (d, e, f) = affine[0], affine[1]
    transposed = a == 0 and e == 0 and b != 0 and d != 0
    if not transposed and not (b == 0 and d == 0 and a != 0 and e != 0):
        raise ValueError(f'only axis-aligned geometries can be materialised '
                         f'(diagonal or anti-diagonal linear part), got '
                         f'{affine[:2].ravel().tolist()}')
    src_h, src_w = src_extent
    out_h, out_w = out_extent
    x_pixels = y_pixels = None
    if window is not None:
        x_pixels = window_pixels(window[0], window[2])
        y_pixels = window_pixels(window[1], window[3])
    padded = (BLOCK * out_blocks[0], BLOCK * out_blocks[1])
    if transposed:  # output rows come from source columns and vice versa
        row_taps = _taps(b, c, out_h, padded[0], src_w, x_pixels, fill)
        col_taps = _taps(d, f, out_w, padded[1], src_h, y_pixels, fill)
        src_y_taps, src_x_taps = col_taps, row_taps
    else:
        row_taps = _taps(e, f, out_h, padded[0], src_h, y_pixels, fill)
        col_taps = _taps(a, c, out_w, padded[1], src_w, x_pixels, fill)
        src_y_taps, src_x_taps = row_taps, col_taps
    used_y, used_x = _used(*src_y_taps, src_h), _used(*src_x_taps, src_w)
    blocks = None
    if used_y is not None and used_x is not None:
        by0, by1 = used_y[0] // BLOCK, used_y[1] // BLOCK + 1
        bx0, bx1 = used_x[0] // BLOCK, used_x[1] // BLOCK + 1
        blocks = (slice(by0, by1), slice(bx0, bx1))
        # Indices into the region, clipped where the weight is zero.
        sizes = (BLOCK * (by1 - by0), BLOCK * (bx1 - bx0))
        offsets = (BLOCK * by0, BLOCK * bx0)
        if transposed:
            sizes, offsets = sizes[::-1], offsets[::-1]
        row_taps = (np.clip(row_taps[0] - offsets[0], 0, sizes[0] - 1),
                    row_taps[1])
        col_taps = (np.clip(col_taps[0] - offsets[1], 0, sizes[1] - 1),
                    col_taps[1])
    image_blocks = (-(-out_h // BLOCK), -(-out_w // BLOCK))
    return PlanePlan(blocks, transposed, row_taps, col_taps, fill,
                     tuple(out_blocks), image_blocks)


def _apply_plan(blocks, table, plan: PlanePlan) -> np.ndarray:
    """numpy: ``blocks`` None is a constant zero plane."""
    rows, cols = plan.rows, plan.cols
    if blocks is None or plan.blocks is None:
        out = np.zeros((len(rows[0]), len(cols[0])))
    else:
        region_blocks = blocks[plan.blocks]
        if region_blocks.shape[:2] != (plan.blocks[0].stop -
                                       plan.blocks[0].start,
                                       plan.blocks[1].stop -
                                       plan.blocks[1].start):
            raise ValueError(f'{blocks.shape[:2]} blocks do not cover the '
                             f'blocks {plan.blocks} the geometry reads')
        region = _idct(region_blocks, table)
        if plan.transposed:
            region = region.T
        out = _gather(region, rows, axis=0)
        out = _gather(out, cols, axis=1)
    if plan.fill is not None:  # outside taps carry no weight: the fill
        out += plan.fill * (1 - np.outer(rows[1].sum(1), cols[1].sum(1)))
    coeffs = _dct(out)
    coeffs[plan.image_blocks[0]:] = 0
    coeffs[:, plan.image_blocks[1]:] = 0
    return coeffs


def _taps(scale, offset, n_out, n_padded, n_src, pixels, fill):
    """Two bilinear taps per output sample along one axis, as
    ``cv2.resize`` places them: source index ``scale * (i + 0.5) + offset -
    0.5``; indices clamped into ``pixels`` (first, last), then outside the
    source either given zero weight (``fill``) or clamped to the edge.
    Samples ``n_out`` to ``n_padded - 1`` repeat the last one (the output's
    padding to whole blocks replicates its edge)."""
    position = scale * (np.minimum(np.arange(n_padded), n_out - 1) +
                        0.5) + offset - 0.5
    first = np.floor(position)
    frac = position - first
    index = first.astype(np.int64)[:, None] + np.array([0, 1])
    weight = np.stack([1 - frac, frac], axis=1)
    if pixels is not None:
        index = np.clip(index, *pixels)
    if fill is None:
        index = np.clip(index, 0, n_src - 1)
    else:
        weight[(index < 0) | (index >= n_src)] = 0
    return index, weight


def _used(index, weight, n_src):
    """(first, last) source index read with a nonzero weight, or None."""
    used = index[(weight != 0) & (index >= 0) & (index < n_src)]
    return (int(used.min()), int(used.max())) if used.size else None


def _gather(plane, taps, axis):
    """Apply one axis's taps to ``plane``."""
    index, weight = taps
    if axis == 0:
        return (plane[index[:, 0]] * weight[:, :1] +
                plane[index[:, 1]] * weight[:, 1:])
    return plane[:, index[:, 0]] * weight[:, 0] + \
        plane[:, index[:, 1]] * weight[:, 1]


def _idct(blocks, table):
    """Dequantise (``table`` not None) and inverse-transform ``(r, c, 64)``
    blocks to an ``(8 r, 8 c)`` float64 plane, as one GEMM."""
    rows, cols = blocks.shape[:2]
    coeffs = blocks.reshape(-1, BLOCK * BLOCK).astype(np.float64)
    if table is not None:
        coeffs *= np.asarray(table, np.float64)
    pixels = (coeffs @ _K).reshape(rows, cols, BLOCK, BLOCK)
    return pixels.transpose(0, 2, 1, 3).reshape(rows * BLOCK, cols * BLOCK)


def _dct(plane):
    """Block DCT of a plane whose sides are multiples of 8, as one GEMM:
    float32 ``(r, c, 64)``."""
    rows, cols = plane.shape[0] // BLOCK, plane.shape[1] // BLOCK
    pixels = plane.reshape(rows, BLOCK, cols, BLOCK).transpose(0, 2, 1, 3)
    coeffs = pixels.reshape(-1, BLOCK * BLOCK) @ _K.T
    return coeffs.reshape(rows, cols, BLOCK * BLOCK).astype(np.float32)


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
    on them: :func:`materialize` gives the same output from the pair (what
    a worker ships after a crop: often a fraction of the file).

    The reach is the output, padded to whole 4:2:0 MCUs, mapped into the
    source, its taps clamped into the window and the source as the
    materialiser clamps them, widened by the bilinear taps of luma and of
    the coarsest chroma plane, then rounded out to whole MCUs of the
    source (``geometry.src_size``). The planes come back as views, as they
    are when the reach is the whole image; no padding block is added: the
    materialiser reads none. For 'gray', ``cb``/``cr`` come back as None."""
    h, v = _sampling(subsampling)
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
    h, v = _sampling(subsampling)
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
