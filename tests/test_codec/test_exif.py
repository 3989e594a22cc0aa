import io
import struct

import cv2
import numpy as np
import pytest
from PIL import Image

from dct_codec.exif import exif_orientation

from conftest import smooth_image


def _tiff(orientation, order='<', kind=3, extra_tags=()):
    """A little TIFF with one IFD0 (``extra_tags`` first, then the
    orientation tag; SHORT values sit left-aligned in the value field)."""
    tags = list(extra_tags) + [(0x0112, kind, orientation)]
    ifd = struct.pack(order + 'H', len(tags))
    for tag, kind_, value in tags:
        ifd += struct.pack(order + 'HHI', tag, kind_, 1)
        ifd += (struct.pack(order + 'H', value) + b'\x00\x00'
                if kind_ == 3 else struct.pack(order + 'I', value))
    ifd += b'\x00' * 4  # no next IFD
    magic = b'II' if order == '<' else b'MM'
    return magic + struct.pack(order + 'HI', 42, 8) + ifd


def _jpeg(exif=None, height=16, width=24):
    buffer = io.BytesIO()
    kwargs = {} if exif is None else {'exif': exif}
    Image.fromarray(smooth_image(height, width)).save(buffer, 'JPEG',
                                                      **kwargs)
    return buffer.getvalue()


@pytest.mark.parametrize('orientation', range(1, 9))
def test_pil_exif_matches_opencv(orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = _jpeg(exif.tobytes(), 16, 24)
    assert exif_orientation(data) == orientation
    # OpenCV agrees that the file is rotated (the shape swaps for 5-8).
    upright = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert upright.shape[:2] == ((24, 16) if orientation > 4 else (16, 24))


@pytest.mark.parametrize('order', ['<', '>'])
@pytest.mark.parametrize('orientation', [3, 6, 8])
def test_both_byte_orders(order, orientation):
    other = (0x010F, 3, 7)  # a tag before the orientation one
    data = _jpeg(b'Exif\x00\x00' + _tiff(orientation, order,
                                         extra_tags=[other]))
    assert exif_orientation(data) == orientation


def test_absent_or_invalid_values_give_1():
    assert exif_orientation(_jpeg()) == 1
    assert exif_orientation(_jpeg(b'Exif\x00\x00' + _tiff(0))) == 1
    assert exif_orientation(_jpeg(b'Exif\x00\x00' + _tiff(9))) == 1
    # A LONG instead of a SHORT is not the standard tag.
    assert exif_orientation(_jpeg(b'Exif\x00\x00' + _tiff(6, kind=4))) == 1
    # Not an Exif APP1 (e.g. XMP).
    assert exif_orientation(_jpeg(b'http://ns.adobe.com/xap/1.0/\x00')) == 1


def test_garbage_never_raises():
    good = _jpeg(b'Exif\x00\x00' + _tiff(6, '<'))
    start = good.index(b'Exif')
    cases = [b'', b'\xff', b'\xff\xd8', b'\xff\xd8\xff', b'\xff\xd8\xff\xe1',
             b'\xff\xd8\xff\xe1\x00', b'\xff\xd8\xff\xe1\x00\x01',
             b'not a jpeg at all', b'\x89PNG\r\n\x1a\n' + good,
             b'\xff\xd8\x00\x00\x00']
    # Every truncation of the EXIF segment, and a huge IFD0 count/offset.
    cases += [good[:n] for n in range(start, start + 40)]
    tiff = bytearray(_tiff(6, '<'))
    for field, value in ((slice(4, 8), b'\xff\xff\xff\xff'),
                         (slice(8, 10), b'\xff\xff'),
                         (slice(2, 4), b'\x2b\x00'),
                         (slice(0, 2), b'XX')):
        bad = bytearray(tiff)
        bad[field] = value
        cases.append(_jpeg(b'Exif\x00\x00' + bytes(bad)))
    rng = np.random.default_rng(0)
    for _ in range(200):
        noisy = bytearray(good)
        spots = rng.integers(2, start + 40, 4)
        noisy[spots[0]:spots[0] + 1] = bytes([rng.integers(256)])
        noisy[spots[1]:spots[1] + 1] = bytes([rng.integers(256)])
        cases.append(bytes(noisy[:spots[2]]) if spots[3] % 2 else
                     bytes(noisy))
    for data in cases:
        assert 1 <= exif_orientation(data) <= 8


def test_stops_at_start_of_scan():
    # An Exif segment after SOS is entropy-coded data, not a header.
    data = _jpeg()
    sos = data.index(b'\xff\xda')
    exif = b'Exif\x00\x00' + _tiff(6, '<')
    segment = b'\xff\xe1' + struct.pack('>H', len(exif) + 2) + exif
    assert exif_orientation(data[:sos + 2] + segment + data[sos + 2:]) == 1
    assert exif_orientation(data[:sos] + segment + data[sos:]) == 6


def test_fill_bytes_between_markers():
    data = _jpeg(b'Exif\x00\x00' + _tiff(8, '>'))
    assert exif_orientation(data[:2] + b'\xff\xff' + data[2:]) == 8
