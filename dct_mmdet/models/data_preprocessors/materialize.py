"""The device-side materialiser: a sample's own coefficients, resampled
through its geometry on whatever device the model is on.

Workers ship int16 levels, the quantisation tables and a
:class:`dct_codec.geometry.Geometry` (see ``PackDCTInputs``); the plan of
each plane -- which source blocks to inverse-transform and the two bilinear
taps of every output row and column -- comes from
:func:`dct_codec.resample.plan_planes`, the same plan the numpy reference
materialiser applies, so both give the same coefficients within float
rounding. Here it runs as torch ops: dequantise (the reader's int16 range
rule) -> block IDCT of the touched blocks as one GEMM -> two index-select
resamples with an exact constant fill -> block DCT as one GEMM. CPU and CUDA
share the code.
"""
from typing import Dict, Optional

import numpy as np
import torch

from dct_codec.blockdct import BLOCK, dct_matrix
from dct_codec.photometric import (PhotometricParams, apply_pixels,
                                   linear_map)
from dct_codec.quantize import ijg_tables
from dct_codec.resample import PlanePlan, plan_planes

COMPONENTS = ('y', 'cb', 'cr')
_KRON = torch.from_numpy(np.kron(dct_matrix(), dct_matrix()))


def materialize(sample: Dict,
                out_subsampling: str = '4:2:0',
                quality: Optional[int] = None) -> Dict[str, torch.Tensor]:
    """``sample``: ``dict(y=, cb=, cr=)`` int16 ``(h, w, 64)`` level (or
    coefficient) tensors at the file's own sampling, in the reader's block
    layout, ``quant`` (``(3, 64)``
    tables, or None when the planes are dequantised), ``subsampling`` and
    ``geometry``. Returns ``dict(y=, cb=, cr=)`` float32 ``(64, h, w)``
    coefficients of the geometry's output as ``out_subsampling`` ('4:2:0'
    or '4:4:4') chroma grids, on the samples' device; with ``quality``,
    put back on the IJG quantisation lattice of that quality (libjpeg's
    rounding), as if the output had been encoded and read. A sample with
    ``photometric`` parameters (``DCTPhotoMetricDistortion``; None or
    absent: none) gets them applied to the resampled output, before the
    requantisation (:func:`apply_photometric`)."""
    device = sample['y'].device
    kron = _KRON.to(device=device, dtype=torch.float32)
    plans = plan_planes(sample['geometry'], sample['subsampling'],
                        out_subsampling)
    quant = sample.get('quant')
    gray = sample['subsampling'] == 'gray'  # zero chroma, whatever its grid
    out = {}
    for index, (component, plan) in enumerate(zip(COMPONENTS, plans)):
        levels = None if gray and index > 0 else sample[component]
        table = None if quant is None or index >= len(quant) else \
            quant[index]
        out[component] = apply_plan(levels, table, plan, kron)
    if sample.get('photometric') is not None:
        out = apply_photometric(out, sample['photometric'], kron)
        for component, plan in zip(COMPONENTS, plans):  # padding stays 0
            out[component][:, plan.image_blocks[0]:] = 0
            out[component][:, :, plan.image_blocks[1]:] = 0
    quality = sample.get('requantize') or quality  # the sample's own first
    if quality is not None:
        tables = torch.from_numpy(ijg_tables(quality)).to(
            device=device, dtype=torch.float32).view(2, 64, 1, 1)
        for index, component in enumerate(COMPONENTS):
            out[component] = requantize(out[component],
                                        tables[min(index, 1)])
    return out


def apply_photometric(planes: Dict[str, torch.Tensor],
                      params: PhotometricParams,
                      kron: torch.Tensor) -> Dict[str, torch.Tensor]:
    """The torch twin of :func:`dct_codec.photometric.apply_photometric` on
    ``dict(y=, cb=, cr=)`` float32 ``(64, h, w)`` planes (4:2:0 or 4:4:4
    grids): the same :func:`~dct_codec.photometric.apply_pixels` (with
    ``xp=torch``) between a block IDCT and a block DCT when the map needs
    pixels, else the same :func:`~dct_codec.photometric.linear_map` on the
    coefficients."""
    if params.needs_pixels:
        pixels = apply_pixels(*(_idct(planes[c], kron) for c in COMPONENTS),
                              params, xp=torch)
        return {
            c: _dct(plane.contiguous(), kron)
            for c, plane in zip(COMPONENTS, pixels)
        }
    a, b, chroma = linear_map(params)
    y = planes['y'] * a
    y[0] += BLOCK * b
    cb, cr = planes['cb'], planes['cr']
    return dict(y=y,
                cb=float(chroma[0, 0]) * cb + float(chroma[0, 1]) * cr,
                cr=float(chroma[1, 0]) * cb + float(chroma[1, 1]) * cr)


def requantize(coeffs: torch.Tensor, table: torch.Tensor) -> torch.Tensor:
    """Round ``coeffs`` ``(64, h, w)`` to multiples of ``table``
    ``(64, 1, 1)``, half away from zero (libjpeg's forward quantisation)."""
    return torch.sign(coeffs) * torch.floor(coeffs.abs() / table +
                                            0.5) * table


def apply_plan(levels: Optional[torch.Tensor], table: Optional[torch.Tensor],
               plan: PlanePlan, kron: torch.Tensor) -> torch.Tensor:
    """One plane: ``levels`` ``(h, w, 64)`` (None: a zero plane) -> float32
    ``(64, R, C)`` output coefficients."""
    device = kron.device
    out_h, out_w = (BLOCK * n for n in plan.out_blocks)
    row_index, row_weight = _taps(plan.rows, device)
    col_index, col_weight = _taps(plan.cols, device)
    if levels is None or plan.blocks is None:
        out = torch.zeros(out_h, out_w, device=device)
    else:
        rows, cols = plan.blocks
        blocks = levels[rows, cols].to(device=device, dtype=torch.float32)
        if table is not None:  # the reader's range rule: saturate to int16
            blocks = (blocks * table.to(device).float()).clamp_(-32768, 32767)
        region = _idct_blocks(blocks, kron)
        if plan.transposed:
            region = region.t()
        out = (region.index_select(0, row_index[:, 0]) * row_weight[:, :1] +
               region.index_select(0, row_index[:, 1]) * row_weight[:, 1:])
        out = (out.index_select(1, col_index[:, 0]) * col_weight[:, 0] +
               out.index_select(1, col_index[:, 1]) * col_weight[:, 1])
    if plan.fill is not None:  # taps outside the source carry the fill
        out = out + plan.fill * (1 - torch.outer(row_weight.sum(1),
                                                 col_weight.sum(1)))
    coeffs = _dct(out, kron)
    coeffs[:, plan.image_blocks[0]:] = 0  # whole-MCU padding, as read
    coeffs[:, :, plan.image_blocks[1]:] = 0
    return coeffs


def _taps(taps, device):
    index, weight = taps
    return (torch.from_numpy(index).to(device),
            torch.from_numpy(weight).to(device=device, dtype=torch.float32))


def _idct(coeffs: torch.Tensor, kron: torch.Tensor) -> torch.Tensor:
    """``(64, r, c)`` -> ``(8 r, 8 c)`` pixels (level-shifted)."""
    return _idct_blocks(coeffs.permute(1, 2, 0), kron)


def _idct_blocks(blocks: torch.Tensor, kron: torch.Tensor) -> torch.Tensor:
    """``(r, c, 64)`` -> ``(8 r, 8 c)`` pixels (level-shifted)."""
    rows, cols, _ = blocks.shape
    pixels = blocks.reshape(-1, 64) @ kron
    return pixels.view(rows, cols, BLOCK, BLOCK).permute(0, 2, 1, 3).reshape(
        rows * BLOCK, cols * BLOCK)


def _dct(plane: torch.Tensor, kron: torch.Tensor) -> torch.Tensor:
    """``(8 R, 8 C)`` pixels -> ``(64, R, C)`` coefficients."""
    rows, cols = plane.shape[0] // BLOCK, plane.shape[1] // BLOCK
    blocks = plane.view(rows, BLOCK, cols, BLOCK).permute(0, 2, 1, 3)
    coeffs = blocks.reshape(-1, BLOCK * BLOCK) @ kron.t()
    return coeffs.t().reshape(64, rows, cols)
