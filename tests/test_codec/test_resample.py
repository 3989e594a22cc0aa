import io
from pathlib import Path

import cv2
import matplotlib
import numpy as np
import pytest
from PIL import Image

from dct_codec import NativeReader, block_dct, block_idct
from dct_codec import geometry as geo
from dct_codec.exif import exif_orientation
from dct_codec.geometry import window_pixels
from dct_codec.lossless import (LUMA_SAMPLING, crop_levels, crop_to_reach,
                                flip_blocks, orient_blocks, orient_levels,
                                rotate_blocks, transpose_blocks)
from dct_codec.resample import materialize, ycbcr_fill

from conftest import smooth_image

# The one real photo the test environment ships (scikit-image is not
# installed); crops of it re-encoded stand in for more photos.
PHOTO = Path(matplotlib.get_data_path()) / 'sample_data' / 'grace_hopper.jpg'
MEAN = (123.0, 116.0, 103.0)
PIL_SUBSAMPLING = {'4:4:4': 0, '4:2:2': 1, '4:2:0': 2}
# Float pixel path vs the materialiser, in grey levels.
EXACT = 1e-3


def _jpeg(image, quality=90, subsampling='4:2:0'):
    buffer = io.BytesIO()
    kwargs = {} if image.ndim == 2 else {
        'subsampling': PIL_SUBSAMPLING[subsampling]
    }
    Image.fromarray(image).save(buffer, 'JPEG', quality=quality, **kwargs)
    return buffer.getvalue()


def _read(data):
    return NativeReader().read(data, chroma='native', dequantize=False)


def _materialize(coeffs, geometry):
    return materialize(coeffs.y, coeffs.cb, coeffs.cr, geometry,
                       coeffs.quant_tables, coeffs.subsampling)


def _source_planes(coeffs):
    """Dequantised, IDCT'd, level-shifted planes at their true sizes."""
    h, v = LUMA_SAMPLING[coeffs.subsampling]
    sizes = [(coeffs.height, coeffs.width)]
    if not coeffs.grayscale:
        sizes += [(-(-coeffs.height // v), -(-coeffs.width // h))] * 2
    return [
        block_idct(blocks * table)[:rows, :cols]
        for blocks, table, (rows, cols) in zip(
            (coeffs.y, coeffs.cb, coeffs.cr), coeffs.quant_tables, sizes)
    ]


def _pixels(coeffs, shape):
    return block_idct(coeffs)[:shape[0], :shape[1]]


def _plane_affine(geometry, sub):
    """The map of a chroma plane sampled ``sub`` (x, y) in the source and
    4:2:0 in the output."""
    return np.diag([1 / sub[0], 1 / sub[1], 1]) @ geometry.affine @ \
        np.diag([2.0, 2.0, 1.0])


def _naive(plane, affine, out_shape, window=None, fill=None):
    """The semantics of a geometry, evaluated directly in 2-D: four taps per
    output pixel, clamped into the window, fill (or edge) outside."""
    h, w = out_shape
    ys, xs = np.mgrid[0:h, 0:w] + 0.5
    sx = affine[0, 0] * xs + affine[0, 1] * ys + affine[0, 2] - 0.5
    sy = affine[1, 0] * xs + affine[1, 1] * ys + affine[1, 2] - 0.5
    x0, y0 = np.floor(sx), np.floor(sy)
    fx, fy = sx - x0, sy - y0
    out = np.zeros(out_shape)
    for dy, wy in ((0, 1 - fy), (1, fy)):
        for dx, wx in ((0, 1 - fx), (1, fx)):
            iy, ix = (y0 + dy).astype(int), (x0 + dx).astype(int)
            if window is not None:
                iy = np.clip(iy, *window_pixels(window[1], window[3]))
                ix = np.clip(ix, *window_pixels(window[0], window[2]))
            inside = (iy >= 0) & (iy < plane.shape[0]) & (ix >= 0) & (
                ix < plane.shape[1])
            value = plane[np.clip(iy, 0, plane.shape[0] - 1),
                          np.clip(ix, 0, plane.shape[1] - 1)]
            if fill is not None:
                value = np.where(inside, value, fill)
            out += wy * wx * value
    return out


def _naive_error(coeffs, geometry, result):
    """Max error of ``result`` against :func:`_naive` on every plane."""
    out_h, out_w = geometry.out_size
    fills = ycbcr_fill(geometry.fill) if geometry.fill else (None, ) * 3
    planes = _source_planes(coeffs)
    sub = LUMA_SAMPLING[coeffs.subsampling]
    if coeffs.grayscale:
        planes += [np.zeros((coeffs.height, coeffs.width))] * 2
    window = geometry.window
    errors = [np.abs(_pixels(result[0], (out_h, out_w)) - _naive(
        planes[0], geometry.affine, (out_h, out_w), window, fills[0])).max()]
    chroma_shape = (-(-out_h // 2), -(-out_w // 2))
    chroma_window = None if window is None else np.array(window) / np.tile(
        sub, 2)
    for plane, coefficients, fill in zip(planes[1:], result[1:], fills[1:]):
        expected = _naive(plane, _plane_affine(geometry, sub), chroma_shape,
                          chroma_window, fill)
        errors.append(
            np.abs(_pixels(coefficients, chroma_shape) - expected).max())
    return max(errors)


def _check_shapes(result, out_size):
    rows, cols = -(-out_size[0] // 16), -(-out_size[1] // 16)
    assert [r.shape for r in result] == [(2 * rows, 2 * cols, 64),
                                         (rows, cols, 64), (rows, cols, 64)]
    assert all(r.dtype == np.float32 for r in result)


def _cv2_resize(plane, shape):
    return cv2.resize(plane.astype(np.float32), shape[::-1],
                      interpolation=cv2.INTER_LINEAR)


RESIZE_CASES = [
    ('photo', None, (300, 300)),
    ('4:2:0', (305, 310), (300, 300)),
    ('4:2:0', (40, 56), (97, 123)),
    ('4:2:0', (1, 1), (1, 1)),
    ('4:2:0', (1, 1), (20, 30)),
    ('4:2:2', (48, 64), (30, 20)),
    ('4:2:2', (33, 45), (17, 40)),
    ('4:4:4', (33, 20), (16, 24)),
    ('gray', (35, 29), (24, 16)),
]


@pytest.mark.parametrize('kind,size,out_size', RESIZE_CASES)
def test_resize_matches_cv2_on_float_planes(kind, size, out_size):
    if kind == 'photo':
        data = PHOTO.read_bytes()
    elif kind == 'gray':
        data = _jpeg(smooth_image(*size)[..., 1])
    else:
        data = _jpeg(smooth_image(*size), 90, kind)
    coeffs = _read(data)
    geometry = geo.resize((coeffs.height, coeffs.width), out_size)
    result = _materialize(coeffs, geometry)
    _check_shapes(result, out_size)
    planes = _source_planes(coeffs)

    # Luma is cv2.resize of the float plane.
    error = np.abs(
        _pixels(result[0], out_size) - _cv2_resize(planes[0], out_size))
    assert error.max() < EXACT
    # Chroma is cv2.resize of its own plane where the chroma sizes give the
    # same scale as the luma map (they do unless a size is odd), and the
    # direct evaluation of the map always.
    chroma_shape = (-(-out_size[0] // 2), -(-out_size[1] // 2))
    sub = LUMA_SAMPLING[coeffs.subsampling]
    for plane, coefficients in zip(planes[1:], result[1:]):
        scale = np.array(plane.shape) / chroma_shape
        if np.allclose(scale, np.array(geometry.affine.diagonal()[1::-1]) *
                       2 / sub[::-1]):
            error = _pixels(coefficients, chroma_shape) - _cv2_resize(
                plane, chroma_shape)
            assert np.abs(error).max() < EXACT
    assert _naive_error(coeffs, geometry, result) < EXACT
    if kind == 'gray':
        assert not np.any(result[1]) and not np.any(result[2])


def test_dequantized_input_gives_the_same():
    coeffs = _read(_jpeg(smooth_image(40, 56), 75, '4:2:2'))
    geometry = geo.resize((40, 56), (30, 17))
    levels = _materialize(coeffs, geometry)
    dequantised = materialize(
        *(blocks * table for blocks, table in zip(
            (coeffs.y, coeffs.cb, coeffs.cr), coeffs.quant_tables)),
        geometry, None, '4:2:2')
    for a, b in zip(levels, dequantised):
        np.testing.assert_allclose(a, b, atol=1e-3)


@pytest.mark.parametrize('size', [(48, 64), (21, 35)])
@pytest.mark.parametrize('orientation', range(1, 9))
def test_orientations_and_flips_match_pixel_ops(size, orientation):
    coeffs = _read(_jpeg(smooth_image(*size), 90, '4:2:0'))
    geometry = geo.orientation_geometry(orientation, *size)
    result = _materialize(coeffs, geometry)
    _check_shapes(result, geometry.out_size)

    def turn(plane):
        if orientation >= 5:
            plane = plane.T
        if orientation in (2, 3, 6, 7):
            plane = cv2.flip(plane, 1)
        if orientation in (3, 4, 7, 8):
            plane = cv2.flip(plane, 0)
        return plane

    planes = _source_planes(coeffs)
    error = _pixels(result[0], geometry.out_size) - turn(planes[0])
    assert np.abs(error).max() < EXACT
    if size[0] % 2 == 0 and size[1] % 2 == 0:  # chroma turns with luma
        for plane, coefficients in zip(planes[1:], result[1:]):
            error = _pixels(coefficients, turn(plane).shape) - turn(plane)
            assert np.abs(error).max() < EXACT
    assert _naive_error(coeffs, geometry, result) < EXACT


def test_flip_after_resize_matches_warp_affine():
    coeffs = _read(_jpeg(smooth_image(37, 50), 90, '4:2:0'))
    geometry = geo.resize((37, 50), (30, 40)).then(geo.flip((30, 40)))
    result = _materialize(coeffs, geometry)
    resized = _cv2_resize(_source_planes(coeffs)[0], (30, 40))
    mirror = np.float32([[-1, 0, 39], [0, 1, 0]])
    flipped = cv2.warpAffine(resized, mirror, (40, 30),
                             flags=cv2.INTER_LINEAR)
    assert np.abs(_pixels(result[0], (30, 40)) - flipped).max() < EXACT
    assert _naive_error(coeffs, geometry, result) < EXACT


def _ssd_geometry(size, ratio, left, top, patch, out_size, direction):
    """mmdet's Expand -> crop -> Resize -> RandomFlip as one geometry."""
    canvas = (int(size[0] * ratio), int(size[1] * ratio))
    patch_size = (patch[3] - patch[1], patch[2] - patch[0])
    geometry = geo.crop(size, -left, -top, canvas, MEAN).then(
        geo.crop(canvas, patch[0], patch[1], patch_size)).then(
            geo.resize(patch_size, out_size))
    if direction:
        geometry = geometry.then(geo.flip(out_size, direction))
    return geometry, canvas


def _pixel_chain(plane, fill, canvas, left, top, patch, out_size, direction):
    """The same chain on a float plane with numpy and cv2."""
    expanded = np.full(canvas, fill, np.float32)
    expanded[top:top + plane.shape[0], left:left + plane.shape[1]] = plane
    out = _cv2_resize(expanded[patch[1]:patch[3], patch[0]:patch[2]],
                      out_size)
    flips = {'horizontal': 1, 'vertical': 0, 'diagonal': -1}
    return cv2.flip(out, flips[direction]) if direction else out


SSD_CASES = [
    # size, ratio, left, top, patch (x1, y1, x2, y2 on the canvas), flip,
    # output size
    ((64, 80), 2.5, 38, 20, (10, 6, 150, 136), 'horizontal', (30, 30)),
    ((61, 79), 2.3, 37, 21, (11, 7, 147, 133), None, (30, 30)),  # odd
    ((64, 80), 3.0, 100, 60, (0, 0, 60, 50), 'vertical', (30, 30)),  # fill
    ((64, 80), 1.0, 0, 0, (16, 8, 64, 56), 'diagonal', (62, 54)),  # inside
    ((40, 40), 4.0, 64, 32, (60, 28, 108, 76), None, (70, 70)),  # around
    # The patch straddles the source edge, upscaled: the taps clamp at the
    # patch edge inside the source on one side and in the fill on the other.
    ((64, 80), 2.0, 30, 20, (20, 14, 60, 46), 'horizontal', (50, 50)),
    ((61, 79), 2.0, 31, 17, (21, 13, 59, 47), 'vertical', (45, 57)),
]


@pytest.mark.parametrize('size,ratio,left,top,patch,direction,out_size',
                         SSD_CASES)
def test_ssd_chain_matches_float_pixel_path(size, ratio, left, top, patch,
                                            direction, out_size):
    coeffs = _read(_jpeg(smooth_image(*size), 85, '4:2:0'))
    geometry, canvas = _ssd_geometry(size, ratio, left, top, patch, out_size,
                                     direction)
    result = _materialize(coeffs, geometry)
    _check_shapes(result, out_size)
    planes = _source_planes(coeffs)
    fills = ycbcr_fill(MEAN)
    expected = _pixel_chain(planes[0], fills[0], canvas, left, top, patch,
                            out_size, direction)
    assert np.abs(_pixels(result[0], out_size) - expected).max() < EXACT
    if all(v % 2 == 0
           for v in size + canvas + (left, top) + patch + out_size):
        def half(values):
            return tuple(v // 2 for v in values)

        for plane, coefficients, fill in zip(planes[1:], result[1:],
                                             fills[1:]):
            expected = _pixel_chain(plane, fill, half(canvas), left // 2,
                                    top // 2, half(patch), half(out_size),
                                    direction)
            error = _pixels(coefficients, half(out_size)) - expected
            assert np.abs(error).max() < EXACT
    assert _naive_error(coeffs, geometry, result) < EXACT


def test_gray_and_tiny_sources_with_fill():
    gray = _read(_jpeg(smooth_image(19, 23)[..., 0]))
    geometry, _ = _ssd_geometry((19, 23), 2.0, 11, 5, (3, 2, 40, 37), (9, 7),
                                'horizontal')
    result = _materialize(gray, geometry)
    assert _naive_error(gray, geometry, result) < EXACT
    # Gray has no chroma, but the fill does.
    assert np.abs(result[1]).max() > 1

    tiny = _read(_jpeg(smooth_image(1, 1), 90, '4:2:0'))
    geometry = geo.crop((1, 1), -2, -1, (3, 5), MEAN).then(
        geo.resize((3, 5), (7, 9)))
    result = _materialize(tiny, geometry)
    _check_shapes(result, (7, 9))
    assert _naive_error(tiny, geometry, result) < EXACT


def test_transpose_of_422_and_non_axis_aligned():
    coeffs = _read(_jpeg(smooth_image(30, 44), 90, '4:2:2'))
    geometry = geo.orientation_geometry(6, 30, 44).then(
        geo.resize((44, 30), (25, 19)))
    result = _materialize(coeffs, geometry)
    assert _naive_error(coeffs, geometry, result) < EXACT
    skew = geo.Geometry((1, 0.2, 0, 0, 1, 0), (8, 8), (30, 44))
    with pytest.raises(ValueError, match='axis-aligned'):
        _materialize(coeffs, skew)
    with pytest.raises(ValueError, match='subsampling'):
        materialize(coeffs.y, coeffs.cb, coeffs.cr, skew, None, '4:2:1')


def _psnr(a, b):
    return 10 * np.log10(255**2 / np.mean((a - b)**2))


def _mmdet_pipeline(data, geometry_steps):
    """mmdet's uint8 path: cv2.imdecode -> uint8 geometry ops with cv2 ->
    float YCbCr -> 2x2 chroma mean, level-shifted planes."""
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    image = geometry_steps(image).astype(np.float64)
    b, g, r = image[..., 0], image[..., 1], image[..., 2]
    y, cb, cr = (np.stack([r, g, b], -1) @ np.array(
        [[0.299, -0.168736, 0.5], [0.587, -0.331264, -0.418688],
         [0.114, 0.5, -0.081312]])).transpose(2, 0, 1)
    y -= 128
    h, w = y.shape
    chroma = [np.pad(p, ((0, h % 2), (0, w % 2)), mode='edge') for p in
              (cb, cr)]
    chroma = [p.reshape(-(-h // 2), 2, -(-w // 2), 2).mean((1, 3))
              for p in chroma]
    return [y] + chroma


def _photos():
    photo = PHOTO.read_bytes()
    image = cv2.imdecode(np.frombuffer(photo, np.uint8), cv2.IMREAD_COLOR)
    rgb = image[..., ::-1]
    exif = Image.Exif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb[80:413, 10:510])).save(
        buffer, 'JPEG', quality=85, exif=exif.tobytes())
    return {
        'grace_hopper': photo,
        'crop_375x500_q75': _jpeg(np.ascontiguousarray(rgb[100:475, :500]),
                                  75, '4:2:0'),
        'crop_427x333_q95_444': _jpeg(
            np.ascontiguousarray(rgb[50:477, 90:423]), 95, '4:4:4'),
        'crop_333x500_q85_exif6': buffer.getvalue(),
    }


@pytest.mark.parametrize('name', [
    'grace_hopper', 'crop_375x500_q75', 'crop_427x333_q95_444',
    'crop_333x500_q85_exif6'
])
def test_psnr_against_mmdet_uint8_pipeline(name):
    data = _photos()[name]
    coeffs = _read(data)
    upright = geo.orientation_geometry(exif_orientation(data),
                                       coeffs.height, coeffs.width)
    geometry = upright.then(geo.resize(upright.out_size, (300, 300)))
    result = _materialize(coeffs, geometry)
    expected = _mmdet_pipeline(
        data, lambda image: cv2.resize(image, (300, 300),
                                       interpolation=cv2.INTER_LINEAR))
    psnr = [_psnr(_pixels(r, e.shape), e) for r, e in zip(result, expected)]
    assert psnr[0] >= 45 and min(psnr[1:]) >= 40, psnr
    # Through the block DCT as well: the same numbers, orthonormal.
    dct = block_dct(np.pad(expected[0], ((0, 4), (0, 4)), mode='edge'))
    assert _psnr(result[0], dct) > 40


def test_psnr_of_the_ssd_chain_against_mmdet_uint8_pipeline():
    data = _photos()['crop_375x500_q75']
    ratio, left, top, patch = 2.2, 301, 77, (250, 140, 850, 700)
    geometry, canvas = _ssd_geometry((375, 500), ratio, left, top, patch,
                                     (300, 300), 'horizontal')
    result = _materialize(_read(data), geometry)

    def steps(image):
        expanded = np.empty(canvas + (3, ), np.uint8)
        expanded[...] = MEAN[::-1]  # BGR
        expanded[top:top + 375, left:left + 500] = image
        crop = expanded[patch[1]:patch[3], patch[0]:patch[2]]
        return cv2.flip(
            cv2.resize(crop, (300, 300), interpolation=cv2.INTER_LINEAR), 1)

    expected = _mmdet_pipeline(data, steps)
    psnr = [_psnr(_pixels(r, e.shape), e) for r, e in zip(result, expected)]
    assert psnr[0] >= 45 and min(psnr[1:]) >= 40, psnr


# Lossless operations on quantised levels.

LEVEL_CASES = [('4:2:0', (40, 56)), ('4:2:0', (48, 64)), ('4:2:2', (35, 45)),
               ('4:4:4', (21, 30)), ('gray', (27, 37))]


def _level_case(kind, size):
    image = smooth_image(*size)
    data = _jpeg(image[..., 1] if kind == 'gray' else image, 75, kind)
    if kind == 'gray':
        coeffs = NativeReader().read(data, align=False, chroma='native',
                                     dequantize=False)
    else:
        coeffs = _read(data)
    return data, coeffs


def _turn_pixels(plane, orientation):
    if orientation >= 5:
        plane = plane.T
    if orientation in (2, 3, 6, 7):
        plane = plane[:, ::-1]
    if orientation in (3, 4, 7, 8):
        plane = plane[::-1]
    return plane


@pytest.mark.parametrize('kind,size', LEVEL_CASES)
def test_orient_levels_is_exact_and_matches_libjpeg(kind, size):
    data, coeffs = _level_case(kind, size)
    tables = coeffs.quant_tables
    h, v = LUMA_SAMPLING[kind]
    y = coeffs.y
    if kind != 'gray':
        y = y[:v * coeffs.cb.shape[0], :h * coeffs.cb.shape[1]]
    canvas = (8 * y.shape[0], 8 * y.shape[1])
    image = Image.open(io.BytesIO(data))
    image.draft('YCbCr', image.size)
    decoded = np.array(image).astype(float)
    decoded = decoded if decoded.ndim == 2 else decoded[..., 0]
    for orientation in range(1, 9):
        out = orient_levels(coeffs.y, coeffs.cb, coeffs.cr, tables, kind,
                            orientation)
        planes, out_tables, out_kind = out[:3], out[3], out[4]
        transposed = orientation >= 5
        assert out_kind == ({'4:2:2': '4:4:0'}.get(kind, kind)
                            if transposed else kind)
        sources = (y, coeffs.cb, coeffs.cr)
        for index, (source, levels) in enumerate(zip(sources, planes)):
            if kind == 'gray' and index:
                assert levels is None
                continue
            assert levels.dtype == np.int16
            # Bit-exact: the pixel turn of the canvas, re-transformed and
            # divided by the (transposed) table, gives integers equal to it.
            pixels = _turn_pixels(block_idct(source * tables[index]),
                                  orientation)
            exact = block_dct(pixels) / out_tables[index]
            assert np.abs(exact - np.round(exact)).max() < 1e-6
            np.testing.assert_array_equal(levels, np.round(exact))
        # libjpeg's own decode, turned in pixels, sits inside the turned
        # canvas where the orientation geometry of the canvas puts it.
        box = geo.orientation_geometry(orientation, *canvas).map_boxes(
            np.array([[0, 0, size[1], size[0]]]))[0].astype(int)
        luma = block_idct(planes[0] * out_tables[0]) + 128
        luma = np.clip(luma[box[1]:box[3], box[0]:box[2]], 0, 255)
        assert np.abs(luma - _turn_pixels(decoded, orientation)).max() <= 1
        # The materialiser on the canvas agrees with the lossless turn.
        result = materialize(y, coeffs.cb, coeffs.cr,
                             geo.orientation_geometry(orientation, *canvas),
                             tables, kind)
        shape = canvas[::-1] if transposed else canvas
        turned = _pixels(planes[0] * out_tables[0], shape)
        assert np.abs(_pixels(result[0], shape) - turned).max() < EXACT
        if transposed:  # the tables turn with the blocks
            np.testing.assert_array_equal(
                out_tables.reshape(-1, 8, 8),
                tables.reshape(-1, 8, 8).transpose(0, 2, 1))
        else:
            np.testing.assert_array_equal(out_tables, tables)


def test_block_op_algebra():
    rng = np.random.default_rng(0)
    blocks = rng.integers(-50, 50, (3, 5, 64)).astype(np.int16)
    np.testing.assert_array_equal(
        flip_blocks(flip_blocks(blocks, 'horizontal'), 'horizontal'), blocks)
    np.testing.assert_array_equal(transpose_blocks(transpose_blocks(blocks)),
                                  blocks)
    np.testing.assert_array_equal(
        flip_blocks(blocks, 'diagonal'),
        flip_blocks(flip_blocks(blocks, 'vertical'), 'horizontal'))
    turned = blocks
    for _ in range(4):
        turned = rotate_blocks(turned, 1)
    np.testing.assert_array_equal(turned, blocks)
    np.testing.assert_array_equal(rotate_blocks(blocks, 2),
                                  orient_blocks(blocks, 3))
    np.testing.assert_array_equal(
        rotate_blocks(rotate_blocks(blocks, 1), -1), blocks)
    assert rotate_blocks(blocks, 1).shape == (5, 3, 64)
    # Inverse EXIF orientations: 6 and 8 swap, the others undo themselves.
    for o, inverse in zip(range(1, 9), (1, 2, 3, 4, 5, 8, 7, 6)):
        np.testing.assert_array_equal(
            orient_blocks(orient_blocks(blocks, o), inverse), blocks)
    # A horizontal flip negates odd horizontal frequencies only.
    flipped = flip_blocks(blocks, 'horizontal')[:, ::-1].reshape(3, 5, 8, 8)
    original = blocks.reshape(3, 5, 8, 8)
    np.testing.assert_array_equal(flipped[..., ::2], original[..., ::2])
    np.testing.assert_array_equal(flipped[..., 1::2], -original[..., 1::2])
    with pytest.raises(ValueError, match='1-8'):
        orient_blocks(blocks, 0)


def test_orient_levels_checks_the_canvas():
    _, coeffs = _level_case('4:2:0', (40, 56))
    with pytest.raises(ValueError, match='not one image'):
        orient_levels(coeffs.y[:3], coeffs.cb, coeffs.cr, None, '4:2:0', 2)
    with pytest.raises(ValueError, match='not one image'):
        orient_levels(coeffs.y, coeffs.cb, None, None, '4:2:0', 2)
    rng = np.random.default_rng(0)
    y = rng.integers(-9, 9, (2, 8, 64)).astype(np.int16)
    chroma = rng.integers(-9, 9, (2, 2, 64)).astype(np.int16)
    with pytest.raises(ValueError, match='no transposed layout'):
        orient_levels(y, chroma, chroma, None, '4:1:1', 6)
    # Without libjpeg's padding blocks (align=False: Y 5x7 blocks) the
    # canvas gets zero ones: only the padding differs.
    short = NativeReader().read(_jpeg(smooth_image(40, 56), 75, '4:2:0'),
                                align=False, chroma='native',
                                dequantize=False)
    assert short.y.shape[:2] == (5, 7)
    flipped = orient_levels(short.y, short.cb, short.cr, None, '4:2:0', 2)
    full = orient_levels(coeffs.y, coeffs.cb, coeffs.cr, None, '4:2:0', 2)
    assert flipped[0].shape == full[0].shape == (6, 8, 64)
    assert not np.any(flipped[0][:, 0]) and not np.any(flipped[0][5])
    np.testing.assert_array_equal(flipped[0][:5, 1:], full[0][:5, 1:])
    np.testing.assert_array_equal(flipped[1], full[1])


@pytest.mark.parametrize('kind,size', LEVEL_CASES)
def test_crop_levels(kind, size):
    _, coeffs = _level_case(kind, size)
    h, v = LUMA_SAMPLING[kind]
    mcu_h, mcu_w = 8 * v, 8 * h
    y, cb, cr = crop_levels(coeffs.y, coeffs.cb, coeffs.cr, kind, mcu_h,
                            mcu_w, mcu_h, 2 * mcu_w)
    assert np.shares_memory(y, coeffs.y)
    assert y.shape == (v, 2 * h, 64)
    np.testing.assert_array_equal(y, coeffs.y[v:2 * v, h:3 * h])
    if kind == 'gray':
        assert cb is None and cr is None
    else:
        assert cb.shape == cr.shape == (1, 2, 64)
        np.testing.assert_array_equal(cb, coeffs.cb[1:2, 1:3])
    # Pixels: the crop of the canvas, as the crop geometry says.
    canvas = block_idct(coeffs.y * coeffs.quant_tables[0])
    np.testing.assert_allclose(
        block_idct(y * coeffs.quant_tables[0]),
        canvas[mcu_h:2 * mcu_h, mcu_w:3 * mcu_w], atol=1e-9)
    for bad in ((mcu_h // 2, 0, mcu_h, mcu_w), (0, 0, mcu_h, mcu_w + 4),
                (0, 0, 0, mcu_w), (0, 0, canvas.shape[0] + mcu_h, mcu_w)):
        with pytest.raises(ValueError, match='whole'):
            crop_levels(coeffs.y, coeffs.cb, coeffs.cr, kind, *bad)


def _random_chain(rng, size, subsampling):
    """An EXIF turn, then mmdet's SSD chain drawn at random (Expand with
    probability 1/2, a crop that may reach into the fill, a resize, a
    flip): the geometries the compressed-domain pipelines compose."""
    orientation = int(rng.integers(1, 9))
    geometry = geo.orientation_geometry(orientation, *size)
    h, w = geometry.out_size
    if rng.random() < 0.5:
        ratio = rng.uniform(1, 4)
        canvas = (int(h * ratio), int(w * ratio))
        left = int(rng.integers(0, canvas[1] - w + 1))
        top = int(rng.integers(0, canvas[0] - h + 1))
        geometry = geometry.then(geo.crop((h, w), -left, -top, canvas, MEAN))
        h, w = canvas
    ph, pw = int(rng.integers(h // 3, h + 1)), int(rng.integers(w // 3, w + 1))
    x0, y0 = int(rng.integers(0, w - pw + 1)), int(rng.integers(0, h - ph + 1))
    geometry = geometry.then(geo.crop((h, w), x0, y0, (ph, pw)))
    out = (int(rng.integers(9, 70)), int(rng.integers(9, 70)))
    geometry = geometry.then(geo.resize((ph, pw), out))
    if rng.random() < 0.5:
        geometry = geometry.then(geo.flip(out, 'horizontal'))
    return geometry


@pytest.mark.parametrize('subsampling', ['4:2:0', '4:2:2', '4:4:4', 'gray'])
def test_crop_to_reach_materialises_the_same_from_fewer_blocks(subsampling):
    """What a worker ships (the MCUs a geometry reads, the geometry rebased
    on them) materialises exactly as the whole file, on both output
    layouts; crops ship a fraction of the file."""
    rng = np.random.default_rng(7)
    shipped = []
    for trial in range(24):
        size = (int(rng.integers(40, 140)), int(rng.integers(40, 140)))
        image = smooth_image(*size, trial)
        data = _jpeg(image[..., 0] if subsampling == 'gray' else image, 85,
                     subsampling)
        # With and without libjpeg's padding blocks (the lazy loader's).
        coeffs = NativeReader().read(data, chroma='native', dequantize=False,
                                     align=trial % 2 == 0)
        geometry = _random_chain(rng, size, coeffs.subsampling)
        (y, cb, cr), rebased = crop_to_reach(coeffs.y, coeffs.cb, coeffs.cr,
                                             geometry, coeffs.subsampling)
        shipped.append(y.size / coeffs.y.size)
        for layout in ('4:2:0', '4:4:4'):
            whole = materialize(coeffs.y, coeffs.cb, coeffs.cr, geometry,
                                coeffs.quant_tables, coeffs.subsampling,
                                layout)
            cut = materialize(y, cb, cr, rebased, coeffs.quant_tables,
                              coeffs.subsampling, layout)
            for ours, theirs in zip(cut, whole):
                np.testing.assert_allclose(ours, theirs, atol=1e-6)
    assert min(shipped) < 0.6 and max(shipped) <= 1
