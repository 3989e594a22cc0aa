"""Read dequantised DCT coefficients of a JPEG.

Two backends: ``native`` (the C extension over libjpeg, see ``native.py``)
and ``jpeg2dct`` (a strict header walk, then jpeg2dct). ``auto`` takes the
native one when it was built.
"""
import os
import threading
import warnings
from dataclasses import dataclass
from typing import Optional, Union

import numpy as np

from . import native
from .header import (JPEGReadError, check_data_size, check_pixel_limit,
                     parse_jpeg_header, resolve_max_pixels)

Source = Union[str, os.PathLike, bytes, bytearray, memoryview]
BACKENDS = ('auto', 'native', 'jpeg2dct')


@dataclass
class DCTCoefficients:
    """DCT coefficients of one JPEG.

    ``y`` is ``(ceil(H/8), ceil(W/8), 64)`` and ``cb``/``cr`` are
    ``(ceil(H/16), ceil(W/16), 64)`` (the 4:2:0 grid; or the file's own grid
    with ``chroma='native'``), int16, frequencies in raster order
    ``k = 8 * v + u`` (row = vertical frequency). With ``align=True`` (the
    default of :func:`read_dct`) ``y`` is zero-padded at the bottom/right to
    an even number of blocks, i.e. exactly twice the 4:2:0 chroma grid, so
    chroma block ``(i, j)`` covers luma blocks ``(2i:2i+2, 2j:2j+2)``.
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
    # (components, 64) quantisation tables in natural order (native only).
    quant_tables: Optional[np.ndarray] = None
    # False: quantised levels, multiply by quant_tables to dequantise.
    dequantized: bool = True


def _load_bytes(source: Source, name: Optional[str]):
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), name or '<bytes>'
    path = os.fspath(source)
    with open(path, 'rb') as f:
        return f.read(), name or path


_local = threading.local()
_fallback_warned = False


def resolve_backend(backend: str) -> str:
    """'auto' -> 'native' when the extension is built, else 'jpeg2dct'
    (with one warning per process)."""
    global _fallback_warned
    if backend not in BACKENDS:
        raise ValueError(f'backend must be one of {BACKENDS}, got '
                         f'{backend!r}')
    if backend != 'auto':
        return backend
    if native.available():
        return 'native'
    if not _fallback_warned:
        _fallback_warned = True
        warnings.warn(
            'dct_mmdet: the native DCT reader is not built '
            f'({native.IMPORT_ERROR}); falling back to jpeg2dct, which is '
            'slower and non-commercial. Install a C compiler and the libjpeg '
            'headers (e.g. apt-get install libjpeg-dev) and reinstall.',
            stacklevel=3)
    return 'jpeg2dct'


def native_reader(strict: bool = True) -> 'native.NativeReader':
    """This thread's reader (each owns reusable buffers)."""
    readers = _local.__dict__.setdefault('readers', {})
    if strict not in readers:
        readers[strict] = native.NativeReader(strict=strict)
    return readers[strict]


def read_dct(source: Source,
             name: Optional[str] = None,
             align: bool = True,
             backend: str = 'auto',
             strict: bool = True,
             chroma: str = '420',
             max_pixels: Optional[int] = None) -> DCTCoefficients:
    """Read the dequantised DCT coefficients of a JPEG file or buffer.

    Args:
        source: a path, or the bytes of a JPEG file.
        name: how errors name the file (default: the path, or ``<bytes>``).
        align: zero-pad Y at the bottom/right to an even block count (twice
            the 4:2:0 chroma grid); it is one block short when ``ceil(H/8)``
            or ``ceil(W/8)`` is odd.
        backend: 'auto' (native when built), 'native' or 'jpeg2dct'.
        strict: native only: raise on libjpeg warnings as well (truncated
            or corrupt data) and on dequantised values outside int16
            (saturated, with a warning, when False). jpeg2dct is always
            strict (header walk).
        chroma: '420' (default): chroma on the 4:2:0 grid, converted exactly
            in the DCT domain from 4:4:4/4:2:2/4:4:0 (jpeg2dct instead
            transcodes through pixels); 'native' (native backend only): the
            file's own chroma grid.
        max_pixels: refuse files whose frame header declares more pixels,
            before anything is allocated (None: ``$DCT_CODEC_MAX_PIXELS``
            or PIL's bomb threshold, 178,956,970; 0: no limit).

    Raises:
        JPEGReadError: empty, non-JPEG, truncated, CMYK/YCCK/RGB-coded,
            over-limit and other unreadable files; the message names the
            file, ``kind`` says which.
        OSError: the path cannot be read.
    """
    data, name = _load_bytes(source, name)
    max_pixels = resolve_max_pixels(max_pixels)
    if resolve_backend(backend) == 'native':
        return native_reader(strict).read(
            data, name, align, chroma, max_pixels=max_pixels)
    if chroma != '420':
        raise ValueError("the jpeg2dct backend only gives chroma='420'")
    return _read_with_jpeg2dct(data, name, align, max_pixels)


def dequantize(levels: np.ndarray, quant_table: np.ndarray) -> np.ndarray:
    """int16 ``levels`` (..., 64) times their quantisation table, by the
    reader's one range rule: formed in 32 bits, saturated to int16 (a
    strict read has already refused files where this saturates)."""
    product = levels.astype(np.int32) * quant_table.astype(np.int32)
    return np.clip(product, -32768, 32767).astype(np.int16)


def _read_with_jpeg2dct(data: bytes, name: str, align: bool,
                        max_pixels: int) -> DCTCoefficients:
    header = parse_jpeg_header(data, name)
    check_pixel_limit(header.width, header.height, max_pixels, name)
    check_data_size(header, len(data), name)
    try:
        from jpeg2dct.numpy import loads
    except ImportError:
        raise ImportError(
            'the jpeg2dct backend needs `pip install jpeg2dct-numpy` (Uber '
            'Non-Commercial License); the native reader needs none but was '
            f'not built ({native.IMPORT_ERROR})') from None
    grayscale = header.subsampling == 'gray'
    transcoded = not grayscale and header.subsampling != '4:2:0'
    try:
        # jpeg2dct dequantises in int16 and wraps silently: take the levels
        # and apply the range rule here. A transcode's tables are all 1s
        # (quality 100), so its products cannot leave int16.
        planes = loads(data, normalized=transcoded, channels=3)
    except Exception as exc:  # libjpeg errors surface as RuntimeError
        raise JPEGReadError(name, f'libjpeg: {exc}') from exc
    if not transcoded:
        planes = [_dequantize_strict(plane, table, name, index)
                  for index, (plane, table) in enumerate(
                      zip(planes, header.quant_tables + (None, None)))]
    y, cb, cr = planes

    expected_y = (-(-header.height // 8), -(-header.width // 8))
    if y.shape[:2] != expected_y:
        raise JPEGReadError(
            name, f'luma grid {y.shape[:2]} does not match the '
            f'{header.width}x{header.height} frame (expected {expected_y})')
    if align:
        y = _pad_to(y, 2 * cb.shape[0], 2 * cb.shape[1])
    return DCTCoefficients(
        y=y,
        cb=cb,
        cr=cr,
        height=header.height,
        width=header.width,
        subsampling=header.subsampling,
        grayscale=grayscale,
        transcoded=transcoded)


def _dequantize_strict(levels: np.ndarray, table, name: str,
                       component: int) -> np.ndarray:
    """:func:`dequantize`, refusing what it would saturate (jpeg2dct reads
    are strict). A grayscale file's zero chroma has no table."""
    if table is None:
        if levels.any():
            raise JPEGReadError(
                name, f'component {component} has no quantisation table')
        return levels
    table = np.asarray(table, np.int32)
    if not table.all():
        raise JPEGReadError(
            name, f'the quantisation table of component {component} has a '
            'zero entry: invalid (T.81 allows 1..65535)', 'range')
    product = levels.astype(np.int32) * table
    outside = np.count_nonzero((product > 32767) | (product < -32768))
    if outside:
        raise JPEGReadError(
            name, f'{outside} dequantised coefficients of component '
            f'{component} are outside the int16 range (corrupt data or '
            'quantisation values)', 'range')
    return product.astype(np.int16)


def _pad_to(blocks: np.ndarray, rows: int, cols: int) -> np.ndarray:
    pad_rows, pad_cols = rows - blocks.shape[0], cols - blocks.shape[1]
    if pad_rows == 0 and pad_cols == 0:
        return blocks
    return np.pad(blocks, ((0, pad_rows), (0, pad_cols), (0, 0)))
