"""Hostile and broken files: decompression bombs, a failure that must not
poison the next read, dequantisation that must not wrap, and the real reason
first in error messages."""
import io
import os
import subprocess
import sys
import warnings

import numpy as np
import psutil
import pytest
from PIL import Image

from conftest import cv2_jpeg, jpeg_bytes, smooth_image
from dct_codec import (DEFAULT_MAX_PIXELS, JPEGReadError, NativeReader,
                       dequantize, read_dct)
from dct_codec.header import ZIGZAG, parse_jpeg_header

BACKENDS = ('native', 'jpeg2dct')


def segments(data: bytes):
    """(marker, start of its length field, length) up to the first scan."""
    pos = 2
    while pos < len(data):
        marker = data[pos + 1]
        length = int.from_bytes(data[pos + 2:pos + 4], 'big')
        yield marker, pos + 2, length
        if marker == 0xDA:
            return
        pos += 2 + length


def with_declared_size(data: bytes, width: int, height: int) -> bytes:
    """The same file with its frame header claiming another size."""
    data = bytearray(data)
    for marker, pos, _ in segments(bytes(data)):
        if marker == 0xC0:
            data[pos + 3:pos + 5] = height.to_bytes(2, 'big')
            data[pos + 5:pos + 7] = width.to_bytes(2, 'big')
    return bytes(data)


def with_quant_tables(data: bytes, value_at) -> bytes:
    """The same file with every 8-bit DQT entry k (natural order) of table
    t replaced by ``value_at(t, k)``."""
    data = bytearray(data)
    for marker, pos, length in segments(bytes(data)):
        if marker != 0xDB:
            continue
        entry = pos + 2
        while entry < pos + length:
            assert data[entry] >> 4 == 0  # 8-bit tables
            for zigzag in range(64):
                data[entry + 1 + zigzag] = value_at(data[entry] & 0x0F,
                                                    ZIGZAG[zigzag])
            entry += 65
    return bytes(data)


def bright_dark_jpeg(subsampling=2):
    """Blocks at DC +-1000 with all-1 tables: levels near +-1000, so a
    table of 255s makes products of ~255k that int16 cannot hold."""
    image = np.full((32, 32, 3), 250, np.uint8)
    image[:16] = 5
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, 'JPEG', qtables=[[1] * 64] * 2,
                                subsampling=subsampling)
    return with_quant_tables(buffer.getvalue(), lambda t, k: 255)


def rss():
    return psutil.Process().memory_info().rss


@pytest.mark.parametrize('backend', BACKENDS)
@pytest.mark.parametrize('strict', [True, False])
@pytest.mark.parametrize('size,source_side', [(60000, 8), (30000, 1200)])
def test_bombs_are_refused_from_the_header(backend, strict, size,
                                           source_side):
    # 709 bytes claiming 60000x60000, and ~23 KB claiming 30000x30000.
    bomb = with_declared_size(
        jpeg_bytes(source_side, source_side, quality=30), size, size)
    before = rss()
    with pytest.raises(JPEGReadError) as info:
        read_dct(bomb, name='bomb.jpg', backend=backend, strict=strict)
    assert rss() - before < 200 << 20
    assert info.value.kind == 'too_large'
    message = str(info.value)
    assert message.startswith('bomb.jpg: declared size')
    assert f'{size}x{size}' in message and f'{DEFAULT_MAX_PIXELS:,}' in message
    # The reader is not left in a state that affects the next read.
    good = jpeg_bytes(48, 40)
    assert read_dct(good, backend=backend, strict=strict).y.shape == (6, 6, 64)


@pytest.mark.parametrize('backend', BACKENDS)
def test_pixel_limit_per_call_and_from_the_environment(backend, monkeypatch):
    data = jpeg_bytes(64, 80)  # 5120 pixels
    with pytest.raises(JPEGReadError, match='over the limit of 5,119'):
        read_dct(data, backend=backend, max_pixels=5119)
    assert read_dct(data, backend=backend, max_pixels=5120).width == 80
    monkeypatch.setenv('DCT_CODEC_MAX_PIXELS', '5000')
    with pytest.raises(JPEGReadError, match='DCT_CODEC_MAX_PIXELS'):
        read_dct(data, backend=backend)
    assert read_dct(data, backend=backend, max_pixels=0).width == 80
    monkeypatch.setenv('DCT_CODEC_MAX_PIXELS', 'lots')
    with pytest.raises(ValueError, match="DCT_CODEC_MAX_PIXELS='lots'"):
        read_dct(data, backend=backend)


def test_a_failed_allocation_does_not_poison_the_reader(monkeypatch):
    """The sticky case: an allocation that fails (here simulated, as a
    12 GiB buffer would be) must leave the next, valid read untouched."""
    reader = NativeReader()
    take = reader.pool.take

    def take_small(size):
        if size > 1 << 20:
            raise MemoryError
        return take(size)

    monkeypatch.setattr(reader.pool, 'take', take_small)
    big = jpeg_bytes(1200, 1200)  # 2.2 M coefficients: over 1 << 20
    with pytest.raises(JPEGReadError, match='big.jpg: cannot allocate') as info:
        reader.read(big, 'big.jpg')
    assert info.value.kind == 'too_large'
    for _ in range(3):
        assert reader.read(jpeg_bytes(64, 80)).y.shape == (8, 10, 64)


def test_dequantisation_never_wraps():
    data = bright_dark_jpeg()
    for backend in BACKENDS:
        with pytest.raises(JPEGReadError, match='outside the int16 range'
                           ) as info:
            read_dct(data, name='q255.jpg', backend=backend)
        assert info.value.kind == 'range'
        assert str(info.value).startswith('q255.jpg: 16 dequantised')
    with pytest.warns(UserWarning, match='outside the int16 range'):
        saturated = read_dct(data, strict=False)
    # DC levels ~ -984 / +1016 times 255: saturated, never wrapped.
    assert saturated.y[0, 0, 0] == -32768 and saturated.y[-1, -1, 0] == 32767
    # Levels + later dequantisation follow the same rule.
    with pytest.warns(UserWarning, match='outside the int16 range'):
        levels = NativeReader(strict=False).read(
            data, chroma='native', dequantize=False)
    np.testing.assert_array_equal(
        dequantize(levels.y, levels.quant_tables[0]), saturated.y)


def test_420_averaging_follows_the_range_rule():
    """4:4:4 chroma averaged onto the 4:2:0 grid: saturated or refused by
    the same rule, never wrapped."""
    image = np.zeros((32, 32, 3), np.uint8)
    image[..., 0] = 255  # red: Cr DC ~ +1016 before quantisation
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, 'JPEG', qtables=[[1] * 64] * 2,
                                subsampling=0)
    # Luma keeps its 1s; chroma gets 255s.
    data = with_quant_tables(buffer.getvalue(),
                             lambda t, k: 255 if t == 1 else 1)
    with pytest.raises(JPEGReadError, match='component 1') as info:
        read_dct(data)
    assert info.value.kind == 'range'
    with pytest.warns(UserWarning, match='component 2'):
        coeffs = read_dct(data, strict=False)
    assert coeffs.subsampling == '4:4:4'
    assert coeffs.cr[..., 0].min() == 32767  # saturated, not wrapped
    assert coeffs.cb[..., 0].max() == -32768


def test_zero_quantisation_entry_is_a_named_error():
    data = with_quant_tables(jpeg_bytes(32, 32),
                             lambda t, k: 0 if k == 5 else 2)
    for strict in (True, False):
        with pytest.raises(JPEGReadError, match='zero entry') as info:
            read_dct(data, name='zero.jpg', strict=strict)
        assert info.value.kind == 'range'
    with pytest.raises(JPEGReadError, match='zero entry'):
        read_dct(data, backend='jpeg2dct')


def test_header_walk_reads_quantisation_tables():
    data = jpeg_bytes(32, 32, quality=50)
    header = parse_jpeg_header(data)
    levels = NativeReader().read(data, chroma='native', dequantize=False)
    for component, table in enumerate(header.quant_tables):
        assert table == tuple(levels.quant_tables[component])


def test_the_real_reason_comes_first():
    """A layout or colour problem is named as such, even when the rest of
    the file is broken (the header walk would report the break instead)."""
    wide = cv2_jpeg(smooth_image(64, 64), '411')
    cut = wide[:len(wide) * 3 // 5]
    with pytest.raises(JPEGReadError, match=r'cut\.jpg: 4:1:1 chroma') as info:
        NativeReader(strict=False).read(cut, 'cut.jpg')
    assert info.value.kind == 'layout'
    cmyk = io.BytesIO()
    Image.new('CMYK', (32, 32), (10, 20, 30, 40)).save(cmyk, 'JPEG')
    cmyk = cmyk.getvalue()[:-40]
    for strict in (True, False):
        with pytest.raises(JPEGReadError, match='CMYK JPEG') as info:
            NativeReader(strict=strict).read(cmyk, 'cmyk.jpg')
        assert info.value.kind == 'colour'


def test_twelve_bit_is_named():
    data = bytearray(jpeg_bytes(16, 16))
    for marker, pos, _ in segments(bytes(data)):
        if marker == 0xC0:
            data[pos + 2] = 12
    for backend in BACKENDS:
        with pytest.raises(JPEGReadError, match='12') as info:
            read_dct(bytes(data), name='deep.jpg', backend=backend)
        assert info.value.kind == 'precision'


def test_errors_survive_pickling():
    import pickle
    error = JPEGReadError('a.jpg', 'truncated: x', 'truncated')
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.name, copy.problem, copy.kind, str(copy)) == \
        (error.name, error.problem, error.kind, str(error))


def test_codec_imports_alone():
    """The codec is usable outside MMDetection: importing it loads no
    framework."""
    code = ('import sys, dct_codec, dct_codec.audit, dct_codec.exif, '
            'dct_codec.geometry, dct_codec.lossless, dct_codec.quantize, '
            'dct_codec.resample; '
            'banned = {"torch", "mmcv", "mmengine", "mmdet", "cv2", "PIL"}; '
            'print(sorted(banned & set(sys.modules)))')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True,
                         text=True, check=True, env=dict(os.environ))
    assert out.stdout.strip() == '[]'
