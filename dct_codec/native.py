"""The native reader: the C extension ``_jpegdct`` over the system
libjpeg(-turbo) reads coefficients straight into reusable numpy buffers,
dequantising as it copies, with the GIL released."""
import sys
import warnings
from typing import Optional

import numpy as np

from .header import (JPEGColourError, JPEGReadError, check_pixel_limit,
                     check_signature, colour_problem, resolve_max_pixels,
                     subsampling_name)

try:
    from . import _jpegdct
    IMPORT_ERROR: Optional[ImportError] = None
except ImportError as exc:  # not built: no compiler or no jpeglib.h
    _jpegdct = None
    IMPORT_ERROR = exc

CHROMA_LAYOUTS = ('420', 'native')


def available() -> bool:
    return _jpegdct is not None


class BufferPool:
    """int16 buffers reused once no array views them any more.

    A buffer is handed out again only when CPython's reference count shows
    that nothing but the pool holds it, so reuse never overwrites
    coefficients a caller still has, while steady-state reading (read,
    pack, drop) allocates nothing.
    """

    def __init__(self, max_buffers: int = 4):
        self.max_buffers = max_buffers
        self._buffers = []

    def take(self, size: int) -> np.ndarray:
        # A free buffer has two references: the list and getrefcount's
        # argument.
        free = [i for i in range(len(self._buffers))
                if sys.getrefcount(self._buffers[i]) == 2]
        for index in free:
            if self._buffers[index].size >= size:
                return self._buffers[index]
        buffer = np.empty(size + size // 4, np.int16)
        if len(self._buffers) >= self.max_buffers:
            if not free:
                return buffer  # all in use: do not keep this one
            del self._buffers[free[0]]
        self._buffers.append(buffer)
        return buffer


class NativeReader:
    """Reads DCT coefficients with the C extension.

    One reader per thread (it owns a :class:`BufferPool`); ``read`` releases
    the GIL while libjpeg works, so threads scale.

    Args:
        strict (bool): raise on libjpeg warnings too (premature end of data,
            corrupt data) and on dequantised values outside int16; with
            False they become Python warnings, the data libjpeg could not
            read comes back as zero blocks and out-of-range values are
            saturated.

    A failed read leaves nothing behind: the next read starts as if it
    were the first.
    """

    def __init__(self, strict: bool = True):
        if _jpegdct is None:
            raise ImportError(
                'the native DCT reader was not built (no C compiler or no '
                f'libjpeg headers when dct_mmdet was installed): '
                f'{IMPORT_ERROR}')
        self.strict = strict
        self.pool = BufferPool()
        self._last_size = 1 << 16

    def read(self,
             data: bytes,
             name: str = '<bytes>',
             align: bool = True,
             chroma: str = '420',
             dequantize: bool = True,
             max_pixels: Optional[int] = None):
        """Read one JPEG; see :func:`dct_codec.read_dct`.

        Returned arrays view this reader's buffers (reused only once they
        are dropped). ``dequantize=False`` (with ``chroma='native'``) gives
        the quantised levels, to be multiplied by ``quant_tables`` later,
        e.g. on the device.
        """
        from .reader import DCTCoefficients
        if chroma not in CHROMA_LAYOUTS:
            raise ValueError(f'chroma must be one of {CHROMA_LAYOUTS}, got '
                             f'{chroma!r}')
        if not dequantize and chroma != 'native':
            raise ValueError("quantised output needs chroma='native' (a "
                             '4:2:0 conversion works on dequantised values)')
        check_signature(data, name)
        buffer, (width, height, _, _, components, quant, warns) = \
            self._read_into_pool(data, name, chroma == '420', dequantize,
                                 resolve_max_pixels(max_pixels))
        for warning in warns:
            warnings.warn(f'{name}: {warning}', stacklevel=2)

        planes = []
        for rows, cols, grid_rows, grid_cols, _, _, offset in components:
            plane = buffer[offset:offset + grid_rows * grid_cols * 64]
            plane = plane.reshape(grid_rows, grid_cols, 64)
            if not align or len(planes) > 0:
                plane = plane[:rows, :cols]
            planes.append(plane)
        y = planes[0]
        if len(planes) == 1:
            grid = (-(-y.shape[0] // 2), -(-y.shape[1] // 2), 64)
            cb, cr = np.zeros(grid, np.int16), np.zeros(grid, np.int16)
        else:
            cb, cr = planes[1], planes[2]
        return DCTCoefficients(
            y=y,
            cb=cb,
            cr=cr,
            height=height,
            width=width,
            subsampling=subsampling_name([c[4:6] for c in components]),
            grayscale=len(planes) == 1,
            transcoded=False,
            quant_tables=np.frombuffer(quant, np.uint16).reshape(-1, 64),
            dequantized=dequantize)

    def _read_into_pool(self, data, name, chroma_420, dequantize,
                        max_pixels):
        options = dict(
            strict=self.strict,
            chroma_420=chroma_420,
            dequantize=dequantize,
            max_pixels=max_pixels)
        needed = self._last_size
        try:
            buffer = self.pool.take(needed)
            result = _jpegdct.read(data, buffer, **options)
            if isinstance(result, int):  # buffer too small: grow, retry
                needed = result
                buffer = self.pool.take(needed)
                result = _jpegdct.read(data, buffer, **options)
                # Only a read that succeeded sizes the next one.
                self._last_size = needed
        except _jpegdct.DecodeError as exc:
            raise decode_error(name, *exc.args, max_pixels) from None
        except MemoryError:
            raise JPEGReadError(
                name, f'cannot allocate {needed * 2:,} bytes for its '
                'coefficients (out of memory; lower max_pixels to refuse '
                'such files before reading)', 'too_large') from None
        return buffer, result


_COLOUR_MODELS = {} if _jpegdct is None else {
    _jpegdct.JCS_CMYK: 'CMYK',
    _jpegdct.JCS_YCCK: 'YCCK',
    _jpegdct.JCS_RGB: 'RGB'
}


def decode_error(name: str, message: str, kind: str, details: tuple,
                 max_pixels: int) -> JPEGReadError:
    """The extension's DecodeError as a JPEGReadError that gives the real
    reason first, from what libjpeg read (no second walk of the file)."""
    if kind == 'too_large' and details:  # () from libjpeg's own limits
        width, height = details
        try:
            check_pixel_limit(width, height, max_pixels, name)
        except JPEGReadError as error:
            return error
    if kind == 'colour':
        count, space, _ = details
        return JPEGColourError(
            name, colour_problem(count, _COLOUR_MODELS.get(space)) or
            f'unsupported colour space (libjpeg {space})')
    if kind == 'layout':
        return JPEGReadError(
            name, f'{subsampling_name(details)} {message} '
            f'(sampling factors {details}): read it with '
            "chroma='native'", 'layout')
    # libjpeg's own messages come prefixed 'libjpeg: '; ours do not.
    prefix = 'truncated: ' if kind == 'truncated' else ''
    return JPEGReadError(name, prefix + message, kind)
