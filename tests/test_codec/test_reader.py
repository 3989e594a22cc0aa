import io

import numpy as np
import pytest
from jpeg2dct.numpy import loads
from PIL import Image

from conftest import jpeg_bytes, smooth_image
from dct_codec import (JPEGReadError, block_dct, encode_jpeg,
                             parse_jpeg_header, read_dct)


def ceil_div(a, b):
    return -(-a // b)


@pytest.fixture(params=['native', 'jpeg2dct'])
def backend(request):
    """Both readers must give the same coefficients and the same errors."""
    return request.param


@pytest.mark.parametrize('height,width', [(300, 300), (224, 224), (64, 80),
                                          (310, 305), (375, 500), (17, 9)])
def test_shapes_and_dtype(height, width, backend):
    coeffs = read_dct(jpeg_bytes(height, width, quality=75), backend=backend)
    hc, wc = ceil_div(height, 16), ceil_div(width, 16)
    assert coeffs.cb.shape == coeffs.cr.shape == (hc, wc, 64)
    # Y is aligned to twice the chroma grid.
    assert coeffs.y.shape == (2 * hc, 2 * wc, 64)
    assert coeffs.y.dtype == coeffs.cb.dtype == np.int16
    assert (coeffs.height, coeffs.width) == (height, width)
    assert coeffs.subsampling == '4:2:0'
    assert not coeffs.grayscale and not coeffs.transcoded


def test_odd_block_grid_is_padded_with_zero_blocks(backend):
    # 310 x 305 px: Y has 39 x 39 blocks, chroma 20 x 20.
    data = jpeg_bytes(310, 305, quality=90)
    raw_y = loads(data)[0]
    assert raw_y.shape[:2] == (39, 39)
    coeffs = read_dct(data, backend=backend)
    assert coeffs.y.shape[:2] == (40, 40)
    np.testing.assert_array_equal(coeffs.y[:39, :39], raw_y)
    assert not coeffs.y[39].any() and not coeffs.y[:, 39].any()
    unaligned = read_dct(data, align=False, backend=backend)
    assert unaligned.y.shape[:2] == (39, 39)


def test_raster_order_matches_blockwise_dct_of_decoded_luma(backend):
    data = jpeg_bytes(96, 128, quality=95)
    coeffs = read_dct(data, backend=backend)
    luma = np.asarray(Image.open(io.BytesIO(data)).convert('YCbCr'))[..., 0]
    reference = block_dct(luma.astype(np.float64) - 128)
    got = coeffs.y[:12, :16].astype(np.float64)
    transposed = reference.reshape(12, 16, 8, 8).swapaxes(2, 3).reshape(
        12, 16, 64)
    # Only quantisation and IDCT rounding separate the two.
    assert np.abs(got - reference).mean() < 1.0
    assert np.abs(got - transposed).mean() > 1.5 * np.abs(got -
                                                          reference).mean()


def test_coefficients_are_dequantised_with_the_luma_table(backend):
    data = jpeg_bytes(64, 64, quality=75)
    raw = loads(data, normalized=False)[0].astype(np.int32)
    table = np.array(Image.open(io.BytesIO(data)).quantization[0])
    assert table[:4].tolist() == [8, 6, 5, 8]  # libjpeg's q75 luma table
    np.testing.assert_array_equal(read_dct(data, backend=backend).y[:8, :8], raw * table)


def test_progressive_reads_like_baseline(backend):
    baseline = read_dct(jpeg_bytes(120, 100, quality=80), backend=backend)
    progressive = read_dct(jpeg_bytes(120, 100, quality=80, progressive=True), backend=backend)
    np.testing.assert_array_equal(baseline.y, progressive.y)
    np.testing.assert_array_equal(baseline.cr, progressive.cr)


def test_restart_markers_and_trailing_bytes_are_fine(backend):
    import cv2
    image = smooth_image(128, 128)
    ok, data = cv2.imencode('.jpg', image, [cv2.IMWRITE_JPEG_RST_INTERVAL, 2])
    assert ok
    data = data.tobytes()
    assert b'\xff\xd0' in data  # restart markers really are there
    coeffs = read_dct(data, backend=backend)
    np.testing.assert_array_equal(coeffs.y, read_dct(data + b'junk', backend=backend).y)


def test_grayscale_gives_zero_chroma_and_flag(backend):
    coeffs = read_dct(jpeg_bytes(48, 70, mode='L'), backend=backend)
    assert coeffs.grayscale and coeffs.subsampling == 'gray'
    assert coeffs.cb.shape == coeffs.cr.shape == (3, 5, 64)
    assert not coeffs.cb.any() and not coeffs.cr.any()
    assert coeffs.y.any()


def test_jpeg2dct_transcodes_non_420_and_flags_it():
    coeffs = read_dct(jpeg_bytes(64, 80, subsampling=0), backend='jpeg2dct')
    assert coeffs.subsampling == '4:4:4' and coeffs.transcoded
    assert coeffs.cb.shape == (4, 5, 64)


@pytest.mark.parametrize('mode', ['CMYK'])
def test_cmyk_is_rejected_with_the_file_name(tmp_path, mode, backend):
    path = tmp_path / 'cmyk.jpg'
    path.write_bytes(jpeg_bytes(mode=mode))
    with pytest.raises(JPEGReadError, match=r'cmyk\.jpg: CMYK JPEG'):
        read_dct(path, backend=backend)


@pytest.mark.parametrize('keep', [0.99, 0.7, 0.3, 0.05])
def test_truncated_file_is_an_error_not_zero_blocks(tmp_path, keep, backend):
    data = jpeg_bytes(200, 200, quality=90)
    path = tmp_path / 'cut.jpg'
    path.write_bytes(data[:int(len(data) * keep)])
    # jpeg2dct alone returns zero blocks here with only a warning.
    with pytest.raises(JPEGReadError, match=r'cut\.jpg: truncated'):
        read_dct(path, backend=backend)


def test_missing_end_marker_counts_as_truncated(backend):
    data = jpeg_bytes()
    assert data.endswith(b'\xff\xd9')
    with pytest.raises(JPEGReadError, match='truncated'):
        read_dct(data[:-2], name='noeoi.jpg', backend=backend)


def test_empty_file(tmp_path, backend):
    path = tmp_path / 'empty.jpg'
    path.write_bytes(b'')
    with pytest.raises(JPEGReadError, match=r'empty\.jpg: empty file'):
        read_dct(path, backend=backend)


def test_png_renamed_to_jpg(tmp_path, backend):
    path = tmp_path / 'photo.jpg'
    Image.fromarray(smooth_image(16, 16)).save(path, format='PNG')
    with pytest.raises(JPEGReadError, match=r'photo\.jpg: not a JPEG file '
                       r'\(PNG data\)'):
        read_dct(path, backend=backend)


@pytest.mark.parametrize('data,message', [
    (b'hello world' * 4, 'not a JPEG file'),
    (b'\xff\xd8' + b'\x00' * 64, 'corrupt marker structure'),
    (b'\xff\xd8\xff\xd9', 'no image'),
])
def test_header_walk_names_garbage(data, message):
    with pytest.raises(JPEGReadError, match=message):
        read_dct(data, name='garbage.bin', backend='jpeg2dct')


def test_corrupt_entropy_data_raises_or_reads_but_never_crashes(backend):
    data = bytearray(jpeg_bytes(128, 128, quality=90))
    rng = np.random.default_rng(0)
    start = len(data) // 2
    data[start:start + 64] = rng.integers(0, 255, 64, dtype=np.uint8).tobytes()
    try:
        coeffs = read_dct(bytes(data), name='flipped.jpg', backend=backend)
    except JPEGReadError as exc:
        assert 'flipped.jpg' in str(exc)
    else:
        assert coeffs.y.shape == (16, 16, 64)


def test_missing_path_is_an_os_error(tmp_path, backend):
    with pytest.raises(FileNotFoundError):
        read_dct(tmp_path / 'nope.jpg', backend=backend)


def test_header_reports_sampling_and_progressive():
    header = parse_jpeg_header(jpeg_bytes(30, 50, subsampling=1,
                                          progressive=True))
    assert (header.height, header.width) == (30, 50)
    assert header.subsampling == '4:2:2' and header.progressive


def test_encode_quality_subsampling_and_channel_order():
    rgb = smooth_image(48, 64)
    low, high = encode_jpeg(rgb, quality=20), encode_jpeg(rgb, quality=95)
    assert len(low) < len(high)
    assert parse_jpeg_header(encode_jpeg(
        rgb, subsampling='4:4:4')).subsampling == '4:4:4'
    np.testing.assert_array_equal(
        read_dct(encode_jpeg(rgb)).cb,
        read_dct(encode_jpeg(rgb[..., ::-1], channel_order='bgr')).cb)
    # OpenCV's encoder takes either order too: cv2.imencode's own bytes.
    import cv2
    bgr = np.ascontiguousarray(rgb[..., ::-1])
    opencv = cv2.imencode('.jpg', bgr, [cv2.IMWRITE_JPEG_QUALITY, 75])[1]
    for image, order in ((rgb, 'rgb'), (bgr, 'bgr')):
        assert encode_jpeg(image, channel_order=order,
                           encoder='cv2') == opencv.tobytes()
    with pytest.raises(ValueError, match='quality'):
        encode_jpeg(rgb, quality=0)
    with pytest.raises(ValueError, match='subsampling'):
        encode_jpeg(rgb, subsampling='4:1:1')
    with pytest.raises(TypeError, match='uint8'):
        encode_jpeg(rgb.astype(np.float32))


def test_chroma_grid_of_each_subsampling_and_back():
    from dct_codec import chroma_grid, subsampling_of
    luma = (39, 38)  # rows, cols; odd rows round up
    grids = {'4:4:4': (39, 38), '4:2:2': (39, 19), '4:4:0': (20, 38),
             '4:2:0': (20, 19), '4:1:1': (39, 10)}
    for name, grid in grids.items():
        assert chroma_grid(luma, name) == grid
        assert subsampling_of(luma, grid) == name
    assert subsampling_of(luma, (13, 13)) == 'unknown'
