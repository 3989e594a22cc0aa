"""Read dequantised DCT coefficients of a JPEG (jpeg2dct backend)."""
import os
from dataclasses import dataclass
from typing import Optional, Union

import numpy as np

from .header import JPEGReadError, parse_jpeg_header

Source = Union[str, os.PathLike, bytes, bytearray, memoryview]


@dataclass
class DCTCoefficients:
    """Dequantised DCT coefficients of one JPEG.

    ``y`` is ``(ceil(H/8), ceil(W/8), 64)`` and ``cb``/``cr`` are
    ``(ceil(H/16), ceil(W/16), 64)``, int16, frequencies in raster order
    ``k = 8 * v + u`` (row = vertical frequency). With ``align=True`` (the
    default of :func:`read_dct`) ``y`` is zero-padded at the bottom/right to
    exactly twice the chroma grid, so block ``(i, j)`` of chroma covers blocks
    ``(2i:2i+2, 2j:2j+2)`` of luma.
    """
    y: np.ndarray
    cb: np.ndarray
    cr: np.ndarray
    height: int
    width: int
    # Chroma subsampling of the source file ('4:2:0', '4:4:4', 'gray', ...).
    subsampling: str
    # True when the file has no chroma: cb and cr are all zero.
    grayscale: bool
    # True when jpeg2dct had to decode and re-encode the file at quality 100
    # with 4:2:0 chroma (every non-4:2:0 colour file): the coefficients are
    # those of the re-encode, not of the file.
    transcoded: bool


def _load_bytes(source: Source, name: Optional[str]):
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), name or '<bytes>'
    path = os.fspath(source)
    with open(path, 'rb') as f:
        return f.read(), name or path


def read_dct(source: Source,
             name: Optional[str] = None,
             align: bool = True) -> DCTCoefficients:
    """Read the dequantised DCT coefficients of a JPEG file or buffer.

    Args:
        source: a path, or the bytes of a JPEG file.
        name: how errors name the file (default: the path, or ``<bytes>``).
        align: zero-pad Y at the bottom/right to twice the chroma grid (it is
            one block short when ``ceil(H/8)`` or ``ceil(W/8)`` is odd).

    Raises:
        JPEGReadError: empty, non-JPEG, truncated, CMYK/YCCK/RGB-coded and
            other unreadable files; the message names the file.
        OSError: the path cannot be read.
    """
    data, name = _load_bytes(source, name)
    header = parse_jpeg_header(data, name)
    # Imported here so that the header checks work without jpeg2dct.
    from jpeg2dct.numpy import loads
    try:
        y, cb, cr = loads(data, normalized=True, channels=3)
    except Exception as exc:  # libjpeg errors surface as RuntimeError
        raise JPEGReadError(name, f'libjpeg: {exc}') from exc

    expected_y = (-(-header.height // 8), -(-header.width // 8))
    if y.shape[:2] != expected_y:
        raise JPEGReadError(
            name, f'luma grid {y.shape[:2]} does not match the '
            f'{header.width}x{header.height} frame (expected {expected_y})')
    if align:
        y = _pad_to(y, 2 * cb.shape[0], 2 * cb.shape[1])
    grayscale = header.subsampling == 'gray'
    return DCTCoefficients(
        y=y,
        cb=cb,
        cr=cr,
        height=header.height,
        width=header.width,
        subsampling=header.subsampling,
        grayscale=grayscale,
        transcoded=not grayscale and header.subsampling != '4:2:0')


def _pad_to(blocks: np.ndarray, rows: int, cols: int) -> np.ndarray:
    pad_rows, pad_cols = rows - blocks.shape[0], cols - blocks.shape[1]
    if pad_rows == 0 and pad_cols == 0:
        return blocks
    return np.pad(blocks, ((0, pad_rows), (0, pad_cols), (0, 0)))
