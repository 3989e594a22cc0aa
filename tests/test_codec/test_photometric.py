"""``dct_codec.photometric`` against mmdet 3.3's ``PhotoMetricDistortion``:
each operation on fixed parameters, on real photos, decoded back to RGB
(``tools/analysis_tools/photometric_rms.py``, whose table the README
shows); the per-pixel HSV step against OpenCV; and the transform's draws
against mmdet's."""
import sys
from pathlib import Path
from unittest import mock

import mmcv
import numpy as np
import pytest
from mmcv.transforms.utils import cache_random_params
from mmdet.datasets.transforms import PhotoMetricDistortion

from dct_codec.photometric import (RGB_TO_YCBCR, YCBCR_TO_RGB,
                                   PhotometricParams, apply_photometric,
                                   hsv_change, linear_map, swap_matrix,
                                   upsample2)
from dct_mmdet.datasets.transforms import DCTPhotoMetricDistortion

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / 'tools' / 'analysis_tools'))
import photometric_rms as rms_tool  # noqa: E402

# float64 maps against mmdet's float32 op: grey levels.
EXACT = 1e-3
# Per-photo RGB RMS bounds of mode='mmdet' on 4:2:0 planes (chroma on the
# luma grid by linear x2, changes averaged back over 2x2): ~1.5x the worst
# photo measured, and below the chroma-resolution figures of the reference
# (hue +-18: 0.86-1.07, saturation x0.5: 1.19, x1.25: 2.94, x1.5: 9.89).
BOUNDS_420 = {
    'brightness +32': EXACT,
    'brightness -32': 2.5,  # mmdet reflects pixels with max channel < 0
    'contrast x0.5': EXACT,
    'contrast x1.5': EXACT,
    'saturation x0.5': 0.8,
    'saturation x0.75': 0.4,
    'saturation x1.25': 1.5,
    'saturation x1.5': 3.0,
    'hue +18': 0.75,
    'hue -18': 0.75,
    'hue +9': 0.4,
    'swap (2, 1, 0)': EXACT,
    'swap (1, 2, 0)': EXACT,
    'all: -20, x1.3 first, x0.6, +12, swap (1, 0, 2)': 1.5,
}
OPERATIONS = dict(rms_tool.OPERATIONS)
assert set(BOUNDS_420) == set(OPERATIONS)


@pytest.fixture(scope='module')
def photos():
    """grace_hopper, and the two skimage photos furthest from mmdet in the
    README's measurement when scikit-image is installed."""
    images = rms_tool.photos(300)
    return [(name, rgb) for name, rgb in images
            if name in ('grace_hopper', 'astronaut', 'coffee')]


def _rms(ours, theirs):
    return float(np.sqrt(((ours - theirs)**2).mean()))


@pytest.mark.parametrize('label', list(OPERATIONS))
def test_mmdet_mode_matches_mmdet_on_photos(label, photos):
    params = PhotometricParams(mode='mmdet', **OPERATIONS[label])
    for name, rgb in photos:
        ours, theirs, source = rms_tool.compare(rgb, params, '4:2:0')
        assert _rms(ours, theirs) <= BOUNDS_420[label], name
        assert _rms(theirs, source) > 5  # the op did something
    # On 4:4:4 planes (chroma on the luma grid) every op is exact.
    name, rgb = photos[0]
    ours, theirs, _ = rms_tool.compare(rgb, params, '4:4:4')
    assert _rms(ours, theirs) <= EXACT, name


@pytest.mark.parametrize('seed', range(6))
def test_random_draws_match_mmdet(seed, photos):
    """Whole draws of the transform, applied to coefficients, against
    mmdet's transform from the same seed on the decoded image."""
    name, rgb = photos[0]
    np.random.seed(seed)
    params = DCTPhotoMetricDistortion().transform({})['photometric']
    for subsampling, bound in (('4:2:0', 1.5), ('4:4:4', EXACT)):
        planes = rms_tool.encode(rgb, subsampling)
        source = rms_tool.decode(*planes, rgb.shape[:2])
        ours = rms_tool.decode(*apply_photometric(*planes, params),
                               rgb.shape[:2])
        np.random.seed(seed)
        theirs = PhotoMetricDistortion().transform(
            dict(img=source[..., ::-1].copy()))['img'][..., ::-1]
        assert _rms(ours, theirs) <= bound, (params, subsampling)


def test_ycbcr_mode_is_luma_preserving_and_linear(photos):
    _, rgb = photos[0]
    y, cb, cr = rms_tool.encode(rgb)
    beta, gamma, swap = 0.6, 15.0, (1, 2, 0)
    out = apply_photometric(
        y, cb, cr,
        PhotometricParams(mode='ycbcr', saturation=beta, hue=gamma,
                          swap=swap))
    np.testing.assert_allclose(out[0], y, atol=1e-9)
    theta = np.deg2rad(gamma)
    rotated = (np.cos(theta) * cb - np.sin(theta) * cr,
               np.sin(theta) * cb + np.cos(theta) * cr)
    t = swap_matrix(swap)[1:, 1:]
    expected = (beta * (t[0, 0] * rotated[0] + t[0, 1] * rotated[1]),
                beta * (t[1, 0] * rotated[0] + t[1, 1] * rotated[1]))
    np.testing.assert_allclose(out[1], expected[0], atol=1e-9)
    np.testing.assert_allclose(out[2], expected[1], atol=1e-9)
    # Brightness and contrast are mmdet's, exactly, in both modes.
    for kwargs in (dict(brightness=32), dict(contrast=0.5),
                   dict(brightness=20, contrast=1.4, contrast_first=True)):
        mmdet = apply_photometric(y, cb, cr, PhotometricParams(**kwargs))
        ycbcr = apply_photometric(y, cb, cr,
                                  PhotometricParams('ycbcr', **kwargs))
        for a, b in zip(mmdet, ycbcr):
            np.testing.assert_allclose(a, b, atol=1e-9)
        ours, theirs, _ = rms_tool.compare(
            rgb, PhotometricParams('ycbcr', **kwargs))
        assert _rms(ours, theirs) <= EXACT
    # The hue rotation turns the way HSV hue goes: closer to mmdet's op
    # than the opposite rotation or none.
    errors = {
        sign: _rms(*rms_tool.compare(
            rgb, PhotometricParams('ycbcr', hue=sign * 18.0))[:2])
        for sign in (-1, 1)
    }
    assert errors[1] < errors[-1]


def test_hsv_change_is_opencvs_round_trip():
    """Per pixel, on unclamped floats: S clip, pixels with a negative max
    channel (OpenCV reflects them: c' = 2 V - c), black, grey."""
    rng = np.random.default_rng(0)
    bgr = rng.uniform(-60, 300, (64, 64, 3)).astype(np.float32)
    bgr[:16] = rng.uniform(-40, 40, (16, 64, 3))
    bgr[16, :4] = [[0, 0, 0], [-5, -5, -5], [7, 7, 7], [0, -3, 2]]
    ycc = bgr[..., ::-1].astype(np.float64) @ RGB_TO_YCBCR.T
    y, cb, cr = ycc[..., 0] - 128, ycc[..., 1], ycc[..., 2]
    for saturation, hue in [(None, None), (0.5, None), (1.5, None),
                            (None, 18.0), (None, -17.3), (0.7, 10.0),
                            (1.3, -5.0)]:
        hsv = mmcv.bgr2hsv(bgr.copy())
        if saturation is not None:
            hsv[..., 1] *= saturation
            if saturation > 1:
                hsv[..., 1] = hsv[..., 1].clip(0, 1)
        if hue is not None:
            hsv[..., 0] = (hsv[..., 0] + hue) % 360
        expected = mmcv.hsv2bgr(hsv)[..., ::-1]
        change = hsv_change(y, cb, cr, saturation, hue)
        got = np.stack([y + 128 + change[0], cb + change[1],
                        cr + change[2]], -1) @ YCBCR_TO_RGB.T
        np.testing.assert_allclose(got, expected, atol=EXACT,
                                   err_msg=str((saturation, hue)))
    # The reflection really is OpenCV's, not ours.
    dark = np.array([[[-10, -20, -5]]], np.float32)
    np.testing.assert_allclose(mmcv.hsv2bgr(mmcv.bgr2hsv(dark)),
                               [[[0, 10, -5]]], atol=1e-4)


@pytest.mark.parametrize('swap', [(0, 1, 2), (0, 2, 1), (1, 0, 2),
                                  (1, 2, 0), (2, 0, 1), (2, 1, 0)])
def test_swap_matrix(swap):
    matrix = swap_matrix(swap)
    np.testing.assert_array_equal(matrix[:, 0], [1, 0, 0])
    bgr = np.random.default_rng(1).uniform(0, 255, (10, 3))
    ycc = bgr[:, ::-1] @ RGB_TO_YCBCR.T
    np.testing.assert_allclose((ycc @ matrix.T) @ YCBCR_TO_RGB.T,
                               bgr[:, list(swap)][:, ::-1], atol=1e-9)


def test_upsample2_is_cv2_linear():
    import cv2
    plane = np.random.default_rng(2).normal(size=(5, 7))
    np.testing.assert_allclose(
        upsample2(plane),
        cv2.resize(plane, (14, 10), interpolation=cv2.INTER_LINEAR),
        atol=1e-12)


@pytest.mark.parametrize('seed', range(8))
def test_draws_are_mmdets(seed):
    """Same seed: the same parameters as mmdet's transform uses, and
    numpy's global random state left in the same place; under
    cache_random_params too."""
    img = np.zeros((4, 4, 3), np.uint8)
    theirs = PhotoMetricDistortion(16, (0.7, 1.2), (0.6, 1.4), 9)
    ours = DCTPhotoMetricDistortion(16, (0.7, 1.2), (0.6, 1.4), 9,
                                    mode='ycbcr')
    draws = []
    original = PhotoMetricDistortion.__dict__['_random_flags'].func

    def record(self):
        draws.append(original(self))
        return draws[-1]

    np.random.seed(seed)
    with mock.patch.object(PhotoMetricDistortion, '_random_flags', record):
        theirs.transform(dict(img=img))
    state = np.random.get_state()
    np.random.seed(seed)
    results = ours.transform(dict(img=img))
    assert results['img'] is img  # no pixel touched
    params = results['photometric']
    np.testing.assert_array_equal(np.random.get_state()[1], state[1])
    assert np.random.get_state()[2] == state[2]
    assert params == PhotometricParams.from_mmdet_draw(draws[0], 'ycbcr')
    (order, flags, values) = draws[0][0], draws[0][1:6], draws[0][6:10]
    assert params.contrast_first == (order == 1)
    for flag, value, got in zip(
            flags, values, (params.brightness, params.contrast,
                            params.saturation, params.hue)):
        assert got == (value if flag else None)
    assert params.swap == (tuple(draws[0][10]) if flags[4] else None)
    # Cached randomness: one draw per context, as mmdet's.
    np.random.seed(seed)
    with cache_random_params(ours):
        first = ours.transform({})['photometric']
        assert ours.transform({})['photometric'] == first


def test_params_and_errors():
    params = PhotometricParams(brightness=np.float64(3))
    assert params.brightness == 3.0 and type(params.brightness) is float
    assert not params.needs_pixels
    assert PhotometricParams(swap=np.array([2, 0, 1])).swap == (2, 0, 1)
    assert PhotometricParams(swap=(0, 1, 2)).needs_pixels
    assert PhotometricParams(brightness=-1).needs_pixels
    assert not PhotometricParams('ycbcr', hue=3).needs_pixels
    with pytest.raises(ValueError, match='mode'):
        PhotometricParams(mode='hsv')
    with pytest.raises(ValueError, match='permutation'):
        PhotometricParams(swap=(0, 0, 1))
    with pytest.raises(ValueError, match='pixel domain'):
        linear_map(PhotometricParams(hue=3))
    with pytest.raises(ValueError, match='mode'):
        DCTPhotoMetricDistortion(mode='rgb')
    assert "mode='ycbcr'" in repr(DCTPhotoMetricDistortion(mode='ycbcr'))
    y, c = np.ones((4, 6, 64)), np.ones((2, 3, 64))
    assert all(np.array_equal(a, b) for a, b in zip(
        apply_photometric(y, c, c, None), (y, c, c)))
    with pytest.raises(ValueError, match='4:2:0'):
        apply_photometric(y, np.ones((3, 3, 64)), np.ones((3, 3, 64)),
                          params)
    with pytest.raises(ValueError, match='already'):
        DCTPhotoMetricDistortion().transform(dict(photometric=params))


def test_imports_no_framework():
    import subprocess
    code = ('import sys, dct_codec.photometric; '
            'banned = {"torch", "mmcv", "mmengine", "mmdet", "cv2", "PIL"}; '
            'print(sorted(banned & set(sys.modules)))')
    out = subprocess.run([sys.executable, '-c', code], capture_output=True,
                         text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == '[]'
