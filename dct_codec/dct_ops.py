"""Exact transforms of blockwise DCT coefficients, without going back to
pixels."""
from functools import lru_cache

import numpy as np

from .blockdct import BLOCK, dct_matrix


def _halving_operators() -> np.ndarray:
    """``M[j]`` (8x8): the DCT of the 2:1 average of two adjacent 8-sample
    blocks, as a map from the coefficients of block ``j`` (0: first,
    1: second), i.e. ``D @ P_j @ D.T``."""
    d = dct_matrix()
    operators = np.zeros((2, BLOCK, BLOCK))
    for j in range(2):
        average = np.zeros((BLOCK, BLOCK))
        for i in range(BLOCK):
            for n in range(BLOCK):
                if (BLOCK * j + n) // 2 == i:
                    average[i, n] = 0.5
        operators[j] = d @ average @ d.T
    return operators


@lru_cache(maxsize=None)
def _downsampling_matrix(factor_y: int, factor_x: int) -> np.ndarray:
    """``(fy * fx * 64, 64)``: the ``fy x fx`` input blocks of one output
    block, concatenated row-major, to the output block (float32)."""
    halve = _halving_operators()
    vertical = halve if factor_y == 2 else np.eye(BLOCK)[None]
    horizontal = halve if factor_x == 2 else np.eye(BLOCK)[None]
    # out[p, q] = sum_{jy, jx, v, u} V[jy][p, v] H[jx][q, u] in[jy, jx, v, u]
    matrix = np.einsum('apv,bqu->abvupq', vertical, horizontal)
    return matrix.reshape(-1, BLOCK * BLOCK).astype(np.float32)


def downsample_blocks(blocks: np.ndarray, factor_y: int,
                      factor_x: int) -> np.ndarray:
    """Average ``factor_y x factor_x`` pixels (1 or 2 each) of the plane that
    ``(rows, cols, 64)`` raster-order coefficients describe, computed in the
    DCT domain. Returns float32 ``(ceil(rows/fy), ceil(cols/fx), 64)``.

    This maps 4:4:4 (2, 2), 4:2:2 (2, 1) and 4:4:0 (1, 2) chroma exactly to
    the 4:2:0 grid. An odd block count repeats the last block, which only
    affects pixels outside the image.
    """
    if factor_y not in (1, 2) or factor_x not in (1, 2):
        raise ValueError(f'factors must be 1 or 2, got {factor_y}, '
                         f'{factor_x}')
    rows, cols = blocks.shape[:2]
    pad = ((0, -rows % factor_y), (0, -cols % factor_x), (0, 0))
    if pad[0][1] or pad[1][1]:
        blocks = np.pad(blocks, pad, mode='edge')
    out_rows, out_cols = blocks.shape[0] // factor_y, \
        blocks.shape[1] // factor_x
    groups = blocks.reshape(out_rows, factor_y, out_cols, factor_x, 64)
    groups = groups.transpose(0, 2, 1, 3, 4).reshape(out_rows * out_cols, -1)
    out = groups.astype(np.float32) @ _downsampling_matrix(factor_y, factor_x)
    return out.reshape(out_rows, out_cols, BLOCK * BLOCK)
