"""Blockwise orthonormal 8x8 DCT-II, the transform JPEG codes."""
import numpy as np

BLOCK = 8


def dct_matrix(n: int = BLOCK) -> np.ndarray:
    """Orthonormal DCT-II matrix ``D`` (rows: frequencies), so that
    ``D @ x`` is the 1-D DCT of ``x`` and ``D.T`` its inverse."""
    k = np.arange(n)[:, None]
    i = np.arange(n)[None, :]
    d = np.cos(np.pi * (2 * i + 1) * k / (2 * n)) * np.sqrt(2.0 / n)
    d[0] /= np.sqrt(2.0)
    return d


_D = dct_matrix()


def block_dct(plane: np.ndarray) -> np.ndarray:
    """DCT of each 8x8 block of a 2-D plane -> ``(H/8, W/8, 64)``.

    Coefficients are in raster order ``k = 8 * v + u``, as jpeg2dct returns
    them. A plane whose sides are not multiples of 8 is extended by edge
    replication first, as JPEG encoders do.
    """
    plane = np.asarray(plane, dtype=np.float64)
    if plane.ndim != 2:
        raise ValueError(f'expected a 2-D plane, got shape {plane.shape}')
    h, w = plane.shape
    plane = np.pad(plane, ((0, -h % BLOCK), (0, -w % BLOCK)), mode='edge')
    rows, cols = plane.shape[0] // BLOCK, plane.shape[1] // BLOCK
    blocks = plane.reshape(rows, BLOCK, cols, BLOCK)
    coeffs = np.einsum('vy,iyjx,ux->ijvu', _D, blocks, _D)
    return coeffs.reshape(rows, cols, BLOCK * BLOCK)


def block_idct(coeffs: np.ndarray) -> np.ndarray:
    """Inverse of :func:`block_dct`: ``(h, w, 64)`` -> ``(8h, 8w)`` plane."""
    coeffs = np.asarray(coeffs, dtype=np.float64)
    if coeffs.ndim != 3 or coeffs.shape[2] != BLOCK * BLOCK:
        raise ValueError(f'expected (h, w, 64) coefficients, got '
                         f'{coeffs.shape}')
    rows, cols = coeffs.shape[:2]
    blocks = coeffs.reshape(rows, cols, BLOCK, BLOCK)
    plane = np.einsum('vy,ijvu,ux->iyjx', _D, blocks, _D)
    return plane.reshape(rows * BLOCK, cols * BLOCK)
