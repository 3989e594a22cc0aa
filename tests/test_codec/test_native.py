"""The native reader: exactness against jpeg2dct, the DCT-domain 4:2:0
conversion, strictness, buffers, threads, leaks and the fallback."""
import io
import threading
import warnings

import numpy as np
import pytest
from jpeg2dct.numpy import loads
from PIL import Image

from conftest import cv2_jpeg, jpeg_bytes, smooth_image
from dct_codec import (JPEGReadError, NativeReader, block_dct,
                             downsample_blocks, native, read_dct, reader)


def test_the_extension_is_built():
    # Built by `pip install -e .` wherever gcc and jpeglib.h exist, as in CI.
    assert native.available(), native.IMPORT_ERROR
    assert reader.resolve_backend('auto') == 'native'


@pytest.mark.parametrize('progressive', [False, True])
@pytest.mark.parametrize('height,width,quality', [(300, 300, 75),
                                                  (375, 500, 95),
                                                  (310, 305, 50), (9, 17, 30)])
def test_bit_identical_to_jpeg2dct_on_420(height, width, quality,
                                          progressive):
    data = jpeg_bytes(height, width, quality=quality, progressive=progressive)
    ours = read_dct(data, backend='native', align=False)
    theirs = loads(data)
    for got, expected in zip((ours.y, ours.cb, ours.cr), theirs):
        np.testing.assert_array_equal(got, expected)
    assert not ours.transcoded and ours.dequantized


def test_quantised_levels_and_tables():
    data = jpeg_bytes(64, 80, quality=75)
    quantised = NativeReader().read(data, chroma='native', dequantize=False)
    raw = loads(data, normalized=False)
    np.testing.assert_array_equal(quantised.y[:8, :10], raw[0])
    tables = quantised.quant_tables
    assert tables.shape == (3, 64) and tables[0, :4].tolist() == [8, 6, 5, 8]
    np.testing.assert_array_equal(quantised.cr * tables[2], loads(data)[2])
    with pytest.raises(ValueError, match="chroma='native'"):
        NativeReader().read(data, dequantize=False)


def test_444_to_420_in_the_dct_domain_matches_pixel_averaging():
    data = jpeg_bytes(96, 128, quality=95, subsampling=0)
    coeffs = read_dct(data, backend='native')
    assert coeffs.subsampling == '4:4:4' and not coeffs.transcoded
    assert coeffs.cb.shape == coeffs.cr.shape == (6, 8, 64)
    image = Image.open(io.BytesIO(data))
    image.draft('YCbCr', image.size)  # decoded planes, no colour convert
    planes = np.asarray(image).astype(np.float64)
    for index, got in ((1, coeffs.cb), (2, coeffs.cr)):
        averaged = planes[..., index].reshape(48, 2, 64, 2).mean((1, 3))
        expected = block_dct(averaged - 128)
        error = np.abs(got - expected)
        # Only the decoder's pixel rounding separates the two.
        assert error.mean() < 0.5 and error.max() < 2, (error.mean(),
                                                        error.max())


@pytest.mark.parametrize('sampling,factors', [('444', (2, 2)),
                                              ('422', (2, 1)),
                                              ('440', (1, 2))])
@pytest.mark.parametrize('height,width', [(64, 96), (310, 305), (9, 17)])
def test_c_conversion_equals_the_numpy_operator(sampling, factors, height,
                                                width):
    data = cv2_jpeg(smooth_image(height, width), sampling)
    converted = read_dct(data, backend='native')
    native_grid = read_dct(data, backend='native', chroma='native')
    assert converted.cb.shape[:2] == (-(-height // 16), -(-width // 16))
    assert converted.y.shape[:2] == tuple(2 * n
                                          for n in converted.cb.shape[:2])
    for got, plane in ((converted.cb, native_grid.cb),
                       (converted.cr, native_grid.cr)):
        expected = np.rint(downsample_blocks(plane, *factors))
        assert np.abs(got - expected).max() <= 1


def test_411_chroma_has_no_420_form():
    data = cv2_jpeg(smooth_image(64, 64), '411')
    with pytest.raises(JPEGReadError, match='4:1:1 chroma .* no exact 4:2:0'):
        read_dct(data, name='wide.jpg', backend='native')
    coeffs = read_dct(data, backend='native', chroma='native')
    assert coeffs.cb.shape == (8, 2, 64)


def test_jpeg2dct_has_no_native_chroma():
    with pytest.raises(ValueError, match='jpeg2dct'):
        read_dct(jpeg_bytes(), backend='jpeg2dct', chroma='native')


@pytest.mark.parametrize('data,message', [
    (b'\xff\xd8' + b'\x00' * 64, 'g.bin: truncated'),
    (b'\xff\xd8\xff\xd9', 'g.bin: libjpeg: JPEG datastream contains no image'),
    (b'GIF89a' + b'\x00' * 20, r'g.bin: not a JPEG file \(GIF data\)'),
])
def test_garbage(data, message):
    with pytest.raises(JPEGReadError, match=message):
        read_dct(data, name='g.bin', backend='native')


def test_non_strict_mode_warns_and_returns_zero_blocks():
    data = jpeg_bytes(200, 200, quality=90)
    cut = data[:len(data) * 2 // 3]
    with pytest.raises(JPEGReadError, match='truncated'):
        read_dct(cut, backend='native')
    with pytest.warns(UserWarning, match='cut.jpg: libjpeg: Premature end'):
        coeffs = read_dct(cut, name='cut.jpg', backend='native', strict=False)
    assert coeffs.y.shape == (26, 26, 64)
    assert not coeffs.y[-3:].any()  # what libjpeg could not read


def test_buffers_are_reused_only_when_free():
    reader_ = NativeReader()
    first_data, second_data = jpeg_bytes(64, 64, seed=1), jpeg_bytes(
        64, 64, seed=2)
    first = reader_.read(first_data)
    kept = first.y.copy()
    second = reader_.read(second_data)
    # `first` is alive: its buffer was not handed out again.
    assert first.y.base is not second.y.base
    np.testing.assert_array_equal(first.y, kept)
    base = second.y.base
    del first, second
    third = reader_.read(first_data)
    np.testing.assert_array_equal(third.y, kept)
    assert third.y.base is base or len(reader_.pool._buffers) <= 2


def test_threads_read_correctly_in_parallel():
    files = [jpeg_bytes(120 + 8 * i, 90, seed=i) for i in range(8)]
    expected = [read_dct(d, backend='jpeg2dct').y for d in files]
    results = {}

    def work(index):
        for _ in range(5):
            for i, data in enumerate(files):
                coeffs = read_dct(data, backend='native')
                results[(index, i)] = np.array_equal(coeffs.y, expected[i])

    threads = [threading.Thread(target=work, args=(t, )) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 32 and all(results.values())


def rss_bytes():
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * 4096


def test_no_memory_growth_over_failing_reads():
    good = jpeg_bytes(300, 300, quality=90)
    bad = [good[:len(good) // 2], good[:-2], jpeg_bytes(mode='CMYK'),
           b'\xff\xd8' + bytes(range(256)) * 8]

    def fail_many(count):
        for i in range(count):
            with pytest.raises(JPEGReadError):
                read_dct(bad[i % len(bad)], backend='native')

    fail_many(100)  # warm-up: pools, caches
    before = rss_bytes()
    fail_many(400)
    growth = rss_bytes() - before
    assert growth < 1 << 20, f'RSS grew by {growth} bytes'


def test_fallback_to_jpeg2dct_when_the_extension_is_missing(monkeypatch):
    monkeypatch.setattr(native, '_jpegdct', None)
    monkeypatch.setattr(native, 'IMPORT_ERROR', ImportError('no _jpegdct'))
    monkeypatch.setattr(reader, '_fallback_warned', False)
    monkeypatch.setattr(reader, '_local', threading.local())
    with pytest.warns(UserWarning, match='falling back to jpeg2dct'):
        assert reader.resolve_backend('auto') == 'jpeg2dct'
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # one warning per process
        coeffs = read_dct(jpeg_bytes(64, 64))
    assert coeffs.quant_tables is None  # the jpeg2dct path
    with pytest.raises(ImportError, match='native DCT reader was not built'):
        read_dct(jpeg_bytes(), backend='native')
    from dct_mmdet.datasets import LoadDCTFromFile
    assert LoadDCTFromFile().backend == 'jpeg2dct'
