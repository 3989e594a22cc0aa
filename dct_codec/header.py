"""A strict walk over a JPEG's marker segments.

jpeg2dct only prints libjpeg's warnings (a truncated file comes back with
zero blocks and no exception) and mis-reads CMYK files, so every file is
checked here first: the walk finds the frame header, the colour transform and
the end-of-image marker, and names the file and the problem when any is wrong.
"""
import os
import re
from dataclasses import dataclass
from typing import Optional, Tuple

# Markers that are followed by no length field.
_STANDALONE = {0x01} | set(range(0xD0, 0xD8))
# SOFn markers; 0xC4 (DHT), 0xC8 (JPG) and 0xCC (DAC) share the range.
_SOF = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_LOSSLESS_SOF = {0xC3, 0xC7, 0xCB, 0xCF}
_PROGRESSIVE_SOF = {0xC2, 0xC6, 0xCA, 0xCE}
# Zig-zag position -> natural (raster) index of the 8x8 block (T.81 A.3.6).
ZIGZAG = (0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26,
          33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56,
          57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38,
          31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63)
# Inside entropy-coded data 0xFF is followed by 0x00 (stuffing), a restart
# marker or another 0xFF (fill); anything else starts the next marker.
_NEXT_MARKER = re.compile(rb'\xff[^\x00\xd0-\xd7\xff]')

_SIGNATURES = {
    b'\x89PNG': 'PNG',
    b'GIF8': 'GIF',
    b'BM': 'BMP',
    b'RIFF': 'RIFF/WebP',
    b'II*\x00': 'TIFF',
    b'MM\x00*': 'TIFF',
}

# (luma h, luma v) sampling factors, chroma at (1, 1), to the usual name.
_SUBSAMPLING_NAMES = {
    (1, 1): '4:4:4',
    (2, 1): '4:2:2',
    (1, 2): '4:4:0',
    (2, 2): '4:2:0',
    (4, 1): '4:1:1',
}
_SUBSAMPLING_FACTORS = {name: hv for hv, name in _SUBSAMPLING_NAMES.items()}


def chroma_grid(luma_blocks: tuple, subsampling: str) -> tuple:
    """The (rows, cols) chroma block grid of a ``subsampling`` JPEG (a
    name of ``_SUBSAMPLING_NAMES``) whose unpadded luma grid is
    ``luma_blocks``."""
    h, v = _SUBSAMPLING_FACTORS[subsampling]
    return -(-luma_blocks[0] // v), -(-luma_blocks[1] // h)


def subsampling_of(luma_blocks: tuple, chroma_blocks: tuple) -> str:
    """The subsampling name whose chroma grid ``chroma_blocks`` is, for
    ``luma_blocks``, or 'unknown'."""
    return next((name for name in _SUBSAMPLING_FACTORS
                 if chroma_grid(luma_blocks, name) == tuple(chroma_blocks)),
                'unknown')


# PIL's DecompressionBombError threshold (2 x Image.MAX_IMAGE_PIXELS): a
# frame header may declare up to 65535 x 65535 pixels, and a few kilobytes
# can claim gigabytes of coefficients.
DEFAULT_MAX_PIXELS = 178_956_970
MAX_PIXELS_ENV = 'DCT_CODEC_MAX_PIXELS'


def resolve_max_pixels(max_pixels: Optional[int] = None) -> int:
    """The pixel limit to apply: ``max_pixels`` when given, else
    ``$DCT_CODEC_MAX_PIXELS``, else :data:`DEFAULT_MAX_PIXELS`; 0 means no
    limit."""
    if max_pixels is None:
        text = os.environ.get(MAX_PIXELS_ENV, '').strip()
        if not text:
            return DEFAULT_MAX_PIXELS
        try:
            max_pixels = int(text)
        except ValueError:
            raise ValueError(f'{MAX_PIXELS_ENV}={text!r} is not an integer '
                             'number of pixels') from None
    if max_pixels < 0:
        raise ValueError(f'max_pixels must be >= 0 (0: no limit), got '
                         f'{max_pixels}')
    return int(max_pixels)


def check_data_size(header: 'JPEGHeader', size: int, name: str) -> None:
    """Huffman coding spends at least a bit on every block's DC: fewer bits
    than declared blocks cannot hold the frame (the C core's check, for the
    jpeg2dct backend)."""
    if not header.arithmetic and size * 8 < header.num_blocks:
        raise JPEGReadError(
            name, f'truncated: {size} bytes cannot code the '
            f'{header.num_blocks} blocks of a {header.width}x'
            f'{header.height} frame (at least one bit each)', 'truncated')


def check_pixel_limit(width: int, height: int, max_pixels: int,
                      name: str) -> None:
    """Raise for a declared size over ``max_pixels`` (0: no limit)."""
    if max_pixels and width * height > max_pixels:
        raise JPEGReadError(
            name, f'declared size {width}x{height} ({width * height:,} '
            f'pixels) is over the limit of {max_pixels:,} pixels (a '
            'decompression bomb, or a huge image: raise the limit with '
            f'max_pixels= or {MAX_PIXELS_ENV}, 0 for none)', 'too_large')


# What went wrong, for callers that sort failures (``JPEGReadError.kind``).
ERROR_KINDS = (
    'empty',       # 0 bytes
    'not_jpeg',    # another format's signature, or garbage
    'truncated',   # the data ends early
    'corrupt',     # broken markers or entropy-coded data
    'colour',      # CMYK, YCCK, RGB-coded, other component counts
    'precision',   # 12-bit and other non-8-bit samples
    'lossless',    # no DCT at all
    'too_large',   # declared size over the pixel limit
    'layout',      # chroma sampling with no exact 4:2:0 form
    'range',       # dequantised values outside int16, bad quant tables
)


class JPEGReadError(ValueError):
    """A file that cannot give trustworthy DCT coefficients.

    The message always starts with the file's name (or ``<bytes>``);
    ``kind`` is one of :data:`ERROR_KINDS`.
    """

    def __init__(self, name: str, problem: str, kind: str = 'corrupt'):
        if kind not in ERROR_KINDS:
            raise ValueError(f'unknown JPEGReadError kind {kind!r}')
        self.name = name
        self.problem = problem
        self.kind = kind
        super().__init__(f'{name}: {problem}')

    def __reduce__(self):  # picklable across DataLoader workers
        return type(self), (self.name, self.problem, self.kind)


class JPEGColourError(JPEGReadError):
    """A JPEG whose colour model has no luma/chroma coefficients (CMYK,
    YCCK, RGB-coded): decodable, but not readable as DCT input."""

    def __init__(self, name: str, problem: str, kind: str = 'colour'):
        super().__init__(name, problem, kind)


@dataclass(frozen=True)
class JPEGHeader:
    """What the frame header says about a JPEG."""
    height: int
    width: int
    # (component id, horizontal sampling, vertical sampling) per component.
    components: Tuple[Tuple[int, int, int], ...]
    progressive: bool
    # Adobe APP14 colour transform (0: none/RGB or CMYK, 1: YCbCr, 2: YCCK).
    adobe_transform: Optional[int] = None
    # Each component's quantisation table, 64 values in natural (raster)
    # order, as last defined before the end of the file (None if missing).
    quant_tables: Tuple[Optional[Tuple[int, ...]], ...] = ()
    # Arithmetic (not Huffman) entropy coding (SOF9-SOF15).
    arithmetic: bool = False

    @property
    def num_blocks(self) -> int:
        """The 8x8 blocks of all components that the frame declares."""
        h_max = max(h for _, h, _ in self.components)
        v_max = max(v for _, _, v in self.components)
        return sum(
            -(-(-(-self.width * h // h_max)) // 8) *
            -(-(-(-self.height * v // v_max)) // 8)
            for _, h, v in self.components)

    @property
    def num_components(self) -> int:
        return len(self.components)

    @property
    def subsampling(self) -> str:
        return subsampling_name([(h, v) for _, h, v in self.components])


def subsampling_name(factors) -> str:
    """'gray', '4:2:0', '4:4:4', ... or 'other' for exotic factors, from each
    component's (horizontal, vertical) sampling factors."""
    if len(factors) == 1:
        return 'gray'
    (yh, yv), *chroma = factors
    if any(tuple(f) != (1, 1) for f in chroma):
        return 'other'
    return _SUBSAMPLING_NAMES.get((yh, yv), 'other')


def check_signature(data: bytes, name: str) -> None:
    """Raise for empty and non-JPEG data (checks only the first bytes)."""
    if len(data) == 0:
        raise JPEGReadError(name, 'empty file (0 bytes)', 'empty')
    if not data.startswith(b'\xff\xd8'):
        raise JPEGReadError(name, _describe_non_jpeg(data), 'not_jpeg')


def _describe_non_jpeg(data: bytes) -> str:
    for signature, kind in _SIGNATURES.items():
        if data.startswith(signature):
            return f'not a JPEG file ({kind} data)'
    head = ' '.join(f'0x{b:02X}' for b in data[:2])
    return f'not a JPEG file (starts with {head}, expected 0xFF 0xD8)'


def parse_jpeg_header(data: bytes, name: str = '<bytes>') -> JPEGHeader:
    """Walk all marker segments of ``data`` and return its frame header.

    Raises:
        JPEGReadError: empty, non-JPEG, truncated or structurally broken data,
            or a JPEG whose colour model has no YCbCr/grayscale DCT reading
            (CMYK, YCCK, RGB-coded, lossless, 12-bit).
    """
    check_signature(data, name)
    frame = None
    adobe_transform = None
    tables = {}
    seen_scan = False
    pos, size = 2, len(data)
    while True:
        # Skip fill bytes in front of a marker.
        while pos < size and data[pos] == 0xFF and pos + 1 < size \
                and data[pos + 1] == 0xFF:
            pos += 1
        if pos + 1 >= size:
            raise JPEGReadError(
                name, 'truncated: data ends before the end-of-image marker '
                f'(EOI) at byte {size}', 'truncated')
        if data[pos] != 0xFF:
            raise JPEGReadError(
                name, f'corrupt marker structure at byte {pos} '
                f'(0x{data[pos]:02X} where a marker was expected)')
        marker = data[pos + 1]
        pos += 2
        if marker == 0xD9:
            break
        if marker in _STANDALONE:
            continue
        if pos + 2 > size:
            raise JPEGReadError(
                name, f'truncated inside the header at byte {size}', 'truncated')
        length = int.from_bytes(data[pos:pos + 2], 'big')
        if length < 2 or pos + length > size:
            raise JPEGReadError(
                name, f'truncated inside the header: segment 0xFF{marker:02X}'
                f' at byte {pos - 2} needs {length} bytes, '
                f'{size - pos} remain', 'truncated')
        segment = data[pos + 2:pos + length]
        pos += length

        if marker in _SOF:
            if frame is not None:  # libjpeg decodes the first one
                raise JPEGReadError(
                    name, 'a second frame header (SOF) at byte '
                    f'{pos - 2 - length}: corrupt')
            frame = _parse_frame(segment, marker, name)
        elif marker == 0xDB:
            tables.update(_parse_quant_tables(segment, name))
        elif marker == 0xEE and segment.startswith(b'Adobe') \
                and len(segment) >= 12:
            adobe_transform = segment[11]
        elif marker == 0xDA:
            if frame is None:
                raise JPEGReadError(
                    name, 'scan (SOS) before any frame header (SOF)')
            seen_scan = True
            found = _NEXT_MARKER.search(data, pos)
            if found is None:
                raise JPEGReadError(
                    name, 'truncated: compressed data ends before the '
                    f'end-of-image marker (EOI) at byte {size}', 'truncated')
            pos = found.start()

    if frame is None or not seen_scan:
        raise JPEGReadError(name, 'no image: the file has no frame or scan')
    height, width, components, progressive, table_ids, arithmetic = frame
    header = JPEGHeader(height, width, components, progressive,
                        adobe_transform,
                        tuple(tables.get(t) for t in table_ids), arithmetic)
    _check_colour_model(header, name)
    return header


def _parse_frame(segment: bytes, marker: int, name: str):
    if marker in _LOSSLESS_SOF:
        raise JPEGReadError(
            name, f'lossless JPEG (SOF{marker - 0xC0}) has no DCT '
            'coefficients', 'lossless')
    if len(segment) < 6:
        raise JPEGReadError(name, 'corrupt frame header (SOF too short)')
    precision = segment[0]
    height = int.from_bytes(segment[1:3], 'big')
    width = int.from_bytes(segment[3:5], 'big')
    count = segment[5]
    if precision != 8:
        raise JPEGReadError(
            name, f'{precision}-bit JPEG is not supported (8-bit only)',
            'precision')
    if height == 0 or width == 0:
        raise JPEGReadError(name, f'invalid image size {width}x{height}')
    if len(segment) < 6 + 3 * count:
        raise JPEGReadError(name, 'corrupt frame header (SOF too short)')
    components = tuple(
        (segment[6 + 3 * i], segment[7 + 3 * i] >> 4,
         segment[7 + 3 * i] & 0x0F) for i in range(count))
    table_ids = tuple(segment[8 + 3 * i] for i in range(count))
    return (height, width, components, marker in _PROGRESSIVE_SOF,
            table_ids, marker >= 0xC9)


def _parse_quant_tables(segment: bytes, name: str) -> dict:
    """DQT: {table id: 64 values in natural order} (8- or 16-bit)."""
    tables, pos = {}, 0
    while pos < len(segment):
        precision, table_id = segment[pos] >> 4, segment[pos] & 0x0F
        width = 2 if precision else 1
        end = pos + 1 + 64 * width
        if precision > 1 or end > len(segment):
            raise JPEGReadError(name, 'corrupt quantisation table (DQT)')
        values = [int.from_bytes(segment[i:i + width], 'big')
                  for i in range(pos + 1, end, width)]
        natural = [0] * 64
        for zigzag, value in enumerate(values):
            natural[ZIGZAG[zigzag]] = value
        tables[table_id] = tuple(natural)
        pos = end
    return tables


def colour_problem(count: int, model: Optional[str]) -> str:
    """Why a ``count``-component JPEG of colour ``model`` ('CMYK', 'YCCK',
    'RGB', or None for YCbCr/gray) cannot be read, or '' if it can."""
    if count == 4:
        return (f"{model or 'CMYK'} JPEG (4 components) is not supported: "
                'convert it to YCbCr (e.g. save it as RGB with PIL)')
    if count not in (1, 3):
        return (f'{count}-component JPEG is not supported (grayscale or '
                'YCbCr only)')
    if model == 'RGB':
        return ('RGB-coded JPEG (no YCbCr transform) is not supported: its '
                'coefficients are not luma/chroma')
    return ''


def _check_colour_model(header: JPEGHeader, name: str) -> None:
    count = header.num_components
    ids = bytes(cid for cid, _, _ in header.components)
    model = None
    if count == 4:
        model = 'YCCK' if header.adobe_transform == 2 else 'CMYK'
    elif count == 3 and (header.adobe_transform == 0 or ids == b'RGB'):
        model = 'RGB'
    problem = colour_problem(count, model)
    if problem:
        raise JPEGColourError(name, problem)
