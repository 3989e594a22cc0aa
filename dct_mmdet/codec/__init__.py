"""Framework-free compressed-domain core: JPEG headers, DCT coefficient
reading, JPEG encoding and blockwise DCT math.

Nothing in this package imports torch, mmcv, mmengine or mmdet.
"""
from .blockdct import block_dct, block_idct, dct_matrix
from .encode import SUBSAMPLINGS, encode_jpeg
from .header import JPEGHeader, JPEGReadError, parse_jpeg_header
from .reader import DCTCoefficients, read_dct

__all__ = [
    'DCTCoefficients', 'JPEGHeader', 'JPEGReadError', 'SUBSAMPLINGS',
    'block_dct', 'block_idct', 'dct_matrix', 'encode_jpeg',
    'parse_jpeg_header', 'read_dct'
]
