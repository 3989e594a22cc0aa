"""The device-side materialiser (torch) against the numpy reference: the
same plan, the same coefficients within float rounding, on every source
layout and geometry kind; and its place in DCTDataPreprocessor."""
import numpy as np
import pytest
import torch
from mmengine.dataset import pseudo_collate

from conftest import jpeg_bytes
from dct_codec import NativeReader, read_dct
from dct_codec.geometry import crop, flip, orientation_geometry, resize
from dct_codec.resample import materialize as reference
from dct_mmdet.models.data_preprocessors import DCTDataPreprocessor
from dct_mmdet.models.data_preprocessors.materialize import materialize

# Coefficients are in the hundreds: float32 against float64.
TOLERANCE = 2e-3


def levels_sample(data, geometry_of):
    coeffs = NativeReader().read(data, chroma='native', dequantize=False,
                                 align=False)
    geometry = geometry_of(coeffs.height, coeffs.width)
    sample = {c: torch.from_numpy(np.ascontiguousarray(getattr(coeffs, c)))
              for c in ('y', 'cb', 'cr')}
    sample.update(quant=torch.from_numpy(coeffs.quant_tables.astype('int32')),
                  subsampling=coeffs.subsampling, geometry=geometry)
    return coeffs, sample


def ssd_chain(h, w):
    """Expand x2 with the mean colour, a crop reaching into the fill,
    resize to 300 and a horizontal flip: mmdet's SSD order."""
    canvas = (2 * h, 2 * w)
    expand = crop((h, w), -w // 3, -h // 2, canvas, (123, 116, 103))
    window = crop(canvas, w // 4, h // 5, (h, w))
    return expand.then(window).then(resize((h, w), (300, 300))).then(
        flip((300, 300)))


GEOMETRIES = {
    'resize': lambda h, w: resize((h, w), (300, 300)),
    'upscale': lambda h, w: resize((h, w), (2 * h + 3, 2 * w - 5)),
    'exif6+resize': lambda h, w: orientation_geometry(6, h, w).then(
        resize((w, h), (300, 300))),
    'exif7': lambda h, w: orientation_geometry(7, h, w),
    'ssd-chain': ssd_chain,
}


@pytest.mark.parametrize('geometry', GEOMETRIES)
@pytest.mark.parametrize('size,options', [
    ((150, 200), dict(subsampling=2)),
    ((150, 200), dict(subsampling=1)),
    ((150, 200), dict(subsampling=0)),
    ((61, 77), dict(subsampling=2)),
    ((64, 48), dict(mode='L')),
])
@pytest.mark.parametrize('out_subsampling', ['4:2:0', '4:4:4'])
def test_torch_equals_numpy(geometry, size, options, out_subsampling):
    data = jpeg_bytes(*size, quality=80, **options)
    coeffs, sample = levels_sample(data, GEOMETRIES[geometry])
    ours = materialize(sample, out_subsampling)
    theirs = reference(coeffs.y, coeffs.cb, coeffs.cr, sample['geometry'],
                       coeffs.quant_tables, coeffs.subsampling,
                       out_subsampling)
    for component, expected in zip(('y', 'cb', 'cr'), theirs):
        got = ours[component].permute(1, 2, 0).numpy()
        assert got.shape == expected.shape
        np.testing.assert_allclose(got, expected, atol=TOLERANCE,
                                   err_msg=component)


def test_dequantised_planes_and_one_pixel():
    """Planes read dequantised (no tables) and a 1x1 image."""
    data = jpeg_bytes(1, 1, quality=90)
    coeffs = read_dct(data)
    geometry = resize((1, 1), (9, 17))
    sample = {c: torch.from_numpy(getattr(coeffs, c))
              for c in ('y', 'cb', 'cr')}
    sample.update(quant=None, subsampling='4:2:0', geometry=geometry)
    ours = materialize(sample)
    theirs = reference(coeffs.y, coeffs.cb, coeffs.cr, geometry)
    for component, expected in zip(('y', 'cb', 'cr'), theirs):
        np.testing.assert_allclose(ours[component].permute(1, 2, 0).numpy(),
                                   expected, atol=TOLERANCE)
    # A constant 1x1 image upscaled stays constant: DC only.
    assert np.abs(theirs[0][:2, :3, 1:]).max() < 1e-3


def test_dequantisation_saturates_like_the_reader():
    """Levels whose product leaves int16 are saturated, the reader's
    range rule, before the transform."""
    geometry = resize((8, 8), (8, 8))
    levels = torch.zeros(1, 1, 64, dtype=torch.int16)
    levels[..., 0] = 1000
    sample = dict(y=levels, cb=levels, cr=levels, subsampling='4:4:4',
                  geometry=geometry,
                  quant=torch.full((3, 64), 255, dtype=torch.int32))
    out = materialize(sample, '4:4:4')
    assert out['y'][0, 0, 0] == pytest.approx(32767, abs=0.05)


def test_preprocessor_materialises_and_batches_with_other_samples():
    """A batch may mix resampled samples with materialised ones (e.g.
    re-encoded): each comes out on the preprocessor's grids."""
    data = jpeg_bytes(120, 90, quality=85)
    coeffs, sample = levels_sample(
        data, lambda h, w: resize((h, w), (96, 80)))
    plain = read_dct(jpeg_bytes(64, 64, seed=2))
    other = {c: torch.from_numpy(getattr(plain, c)).permute(2, 0, 1)
             for c in ('y', 'cb', 'cr')}
    other.update(quant=None, subsampling=None, geometry=None)
    preprocessor = DCTDataPreprocessor(mean=dict(y=10.0), std=dict(y=2.0))
    batch = preprocessor(dict(inputs=pseudo_collate([sample, other])))
    inputs = batch['inputs']
    assert inputs['y'].shape == (2, 64, 12, 10)
    assert inputs['cb'].shape == (2, 64, 6, 5)
    expected = reference(coeffs.y, coeffs.cb, coeffs.cr, sample['geometry'],
                         coeffs.quant_tables, coeffs.subsampling)
    np.testing.assert_allclose(
        inputs['y'][0].permute(1, 2, 0).numpy(), (expected[0] - 10) / 2,
        atol=TOLERANCE)
    np.testing.assert_allclose(inputs['y'][1, :, :8, :8].numpy(),
                               (other['y'].float().numpy() - 10) / 2)
    with pytest.raises(ValueError, match='upscale'):
        DCTDataPreprocessor(chroma_subsampling='4:4:4', upscale=2)(
            dict(inputs=pseudo_collate([sample])))


@pytest.mark.parametrize('gray', [False, True])
def test_packed_samples_ship_only_what_the_geometry_reads(gray, tmp_path):
    """PackDCTInputs cuts a cropped sample to the MCUs its geometry reads:
    the device materialises the same input as from the whole file."""
    from dct_mmdet.datasets.transforms import LoadDCTFromFile
    from dct_mmdet.datasets.transforms.formatting import pack_coefficients
    path = tmp_path / 'image.jpg'
    path.write_bytes(jpeg_bytes(150, 200, mode='L' if gray else 'RGB',
                                quality=90))
    results = LoadDCTFromFile(lazy=True)(dict(img_path=str(path)))
    whole = results['geometry']
    geometry = whole.then(crop((150, 200), 70, 40, (60, 90))).then(
        resize((60, 90), (30, 30))).then(flip((30, 30)))
    results['geometry'] = geometry
    sample = pack_coefficients(results)
    assert sample['y'].shape[0] * sample['y'].shape[1] * 3 < \
        results['dct_y'].shape[0] * results['dct_y'].shape[1]
    if gray:
        assert sample['cb'].numel() == sample['cr'].numel() == 0
    ours = materialize(sample)
    theirs = reference(results['dct_y'], results['dct_cb'],
                       results['dct_cr'], geometry,
                       results['dct_quant'], results['dct_subsampling'])
    for component, expected in zip(('y', 'cb', 'cr'), theirs):
        np.testing.assert_allclose(ours[component].permute(1, 2, 0).numpy(),
                                   expected, atol=TOLERANCE)
