"""The EXIF Orientation tag of a JPEG, read without decoding.

``cv2.imdecode`` (and so mmdet's loading) shows a JPEG upright by applying
its EXIF orientation; a coefficient reader sees the stored, unrotated blocks.
This finds the tag so that the geometry (``geometry.orientation_geometry``)
can put the rotation back. Any malformed header reads as 1 (no rotation): the
walk is bounded by the data and never raises.
"""
import struct

# Markers that are followed by no length field.
_STANDALONE = {0x01} | set(range(0xD0, 0xD8))
_SOS, _EOI, _APP1 = 0xDA, 0xD9, 0xE1
_EXIF_ID = b'Exif\x00\x00'
_ORIENTATION_TAG = 0x0112
_SHORT = 3


def exif_orientation(data: bytes) -> int:
    """The EXIF Orientation (1-8) of the JPEG ``data``; 1 when there is no
    EXIF segment, no tag, or the header is malformed.

    Only the marker segments before the first SOS are searched, and only the
    first APP1 'Exif' segment is used.
    """
    if not isinstance(data, bytes):
        data = bytes(data)
    if data[:2] != b'\xff\xd8':
        return 1
    pos = 2
    while pos + 1 < len(data):
        if data[pos] != 0xFF:
            return 1
        marker = data[pos + 1]
        pos += 2
        if marker == 0xFF:  # fill byte: the marker code comes next
            pos -= 1
            continue
        if marker in _STANDALONE:
            continue
        if marker in (_SOS, _EOI) or pos + 2 > len(data):
            return 1
        length = (data[pos] << 8) | data[pos + 1]
        if length < 2:
            return 1
        segment = data[pos + 2:pos + length]
        if marker == _APP1 and segment.startswith(_EXIF_ID):
            return _tiff_orientation(segment[len(_EXIF_ID):])
        pos += length
    return 1


def _tiff_orientation(tiff: bytes) -> int:
    """Orientation from IFD0 of a TIFF structure, 1 when absent or bad."""
    order = {b'II': '<', b'MM': '>'}.get(tiff[:2])
    if order is None or len(tiff) < 8:
        return 1
    magic, ifd = struct.unpack(order + 'HI', tiff[2:8])
    if magic != 42 or ifd + 2 > len(tiff):
        return 1
    count, = struct.unpack(order + 'H', tiff[ifd:ifd + 2])
    for entry in range(ifd + 2, min(ifd + 2 + 12 * count,
                                    len(tiff) - 11), 12):
        tag, kind, number = struct.unpack(order + 'HHI',
                                          tiff[entry:entry + 8])
        if tag == _ORIENTATION_TAG:
            if kind != _SHORT or number < 1:
                return 1
            value, = struct.unpack(order + 'H', tiff[entry + 8:entry + 10])
            return value if 1 <= value <= 8 else 1
    return 1
