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

The lossless operations on quantised levels (orientation, MCU crops, the
crop to a geometry's reach) are in :mod:`.lossless`.
"""
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

import numpy as np

from .blockdct import BLOCK, dct_matrix
from .geometry import Geometry, window_pixels
from .lossless import luma_sampling

# Raster-order block transforms: pixels = coeffs @ _K, coeffs = pixels @ _K.T
_K = np.kron(dct_matrix(), dct_matrix())


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
    sub = luma_sampling(subsampling)
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
        subsampling: a key of :data:`.lossless.LUMA_SAMPLING`.
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
