"""Framework-free compressed-domain core: JPEG headers, DCT coefficient
reading, JPEG encoding and blockwise DCT math.

Nothing in this package imports torch, mmcv, mmengine or mmdet.
"""
from .blockdct import block_dct, block_idct, dct_matrix
from .dct_ops import downsample_blocks
from .encode import SUBSAMPLINGS, encode_jpeg
from .header import (DEFAULT_MAX_PIXELS, ERROR_KINDS, JPEGColourError,
                     JPEGHeader, JPEGReadError, chroma_grid,
                     parse_jpeg_header, resolve_max_pixels, subsampling_of)
from .native import NativeReader
from .reader import (BACKENDS, DCTCoefficients, dequantize, read_dct,
                     resolve_backend)

__all__ = [
    'BACKENDS', 'DCTCoefficients', 'DEFAULT_MAX_PIXELS', 'ERROR_KINDS',
    'JPEGColourError', 'JPEGHeader', 'JPEGReadError', 'dequantize',
    'resolve_max_pixels',
    'NativeReader', 'SUBSAMPLINGS', 'block_dct', 'block_idct', 'chroma_grid',
    'dct_matrix', 'downsample_blocks', 'encode_jpeg', 'parse_jpeg_header',
    'read_dct', 'resolve_backend', 'subsampling_of'
]
