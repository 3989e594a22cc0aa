"""Photometric parameters at device-side materialisation: the torch map
equals the numpy one (``dct_codec.photometric``) after the same resample,
padding blocks stay zero, requantisation comes after; and the parameters
travel from ``DCTPhotoMetricDistortion`` through ``PackDCTInputs``'s packing
to ``DCTDataPreprocessor``."""
import numpy as np
import pytest
import torch
from mmengine.dataset import pseudo_collate

from conftest import jpeg_bytes
from dct_codec import NativeReader
from dct_codec.geometry import resize
from dct_codec.photometric import PhotometricParams, apply_photometric
from dct_codec.resample import materialize as reference
from dct_codec.resample import plan_planes
from dct_mmdet.datasets.transforms import (DCTPhotoMetricDistortion,
                                           LoadDCTFromFile)
from dct_mmdet.datasets.transforms.formatting import pack_coefficients
from dct_mmdet.models.data_preprocessors import DCTDataPreprocessor
from dct_mmdet.models.data_preprocessors.materialize import (materialize,
                                                             requantize)

# Coefficients are in the hundreds (DC up to ~1000): float32 vs float64.
TOLERANCE = 5e-3

PARAMS = {
    'all': PhotometricParams(brightness=-20, contrast=1.3,
                             contrast_first=True, saturation=0.6, hue=12,
                             swap=(1, 0, 2)),
    'saturate-last-contrast': PhotometricParams(saturation=1.4, hue=-9,
                                                contrast=0.7),
    'swap': PhotometricParams(swap=(2, 0, 1)),
    'linear': PhotometricParams(brightness=25, contrast=0.8),
    'ycbcr': PhotometricParams('ycbcr', brightness=-20, contrast=1.3,
                               saturation=0.6, hue=12, swap=(1, 0, 2)),
}


def levels_sample(data, out_size):
    coeffs = NativeReader().read(data, chroma='native', dequantize=False,
                                 align=False)
    geometry = resize((coeffs.height, coeffs.width), out_size)
    sample = {c: torch.from_numpy(np.ascontiguousarray(getattr(coeffs, c)))
              for c in ('y', 'cb', 'cr')}
    sample.update(quant=torch.from_numpy(coeffs.quant_tables.astype('int32')),
                  subsampling=coeffs.subsampling, geometry=geometry)
    return coeffs, sample


def expected_planes(coeffs, sample, params, out_subsampling):
    planes = reference(coeffs.y, coeffs.cb, coeffs.cr, sample['geometry'],
                       coeffs.quant_tables, coeffs.subsampling,
                       out_subsampling)
    planes = apply_photometric(*(p.astype(np.float64) for p in planes),
                               params)
    plans = plan_planes(sample['geometry'], coeffs.subsampling,
                        out_subsampling)
    for plane, plan in zip(planes, plans):
        plane[plan.image_blocks[0]:] = 0
        plane[:, plan.image_blocks[1]:] = 0
    return planes


@pytest.mark.parametrize('name', list(PARAMS))
@pytest.mark.parametrize('out_subsampling', ['4:2:0', '4:4:4'])
@pytest.mark.parametrize('size,out_size,options', [
    ((150, 200), (100, 136), dict(subsampling=2)),
    ((61, 77), (37, 45), dict(subsampling=0)),  # padding blocks
    ((64, 48), (40, 40), dict(mode='L')),
])
def test_torch_equals_numpy(name, out_subsampling, size, out_size, options):
    data = jpeg_bytes(*size, quality=85, **options)
    coeffs, sample = levels_sample(data, out_size)
    sample['photometric'] = PARAMS[name]
    ours = materialize(sample, out_subsampling)
    expected = expected_planes(coeffs, sample, PARAMS[name], out_subsampling)
    for component, plane in zip(('y', 'cb', 'cr'), expected):
        got = ours[component].permute(1, 2, 0).numpy()
        assert got.shape == plane.shape
        np.testing.assert_allclose(got, plane, atol=TOLERANCE,
                                   err_msg=component)
    # The map changed something (a swap keeps grey grey), and padding
    # blocks are still zero.
    plain = materialize(dict(sample, photometric=None), out_subsampling)
    changed = (ours['y'] - plain['y']).abs().max() > 1
    assert changed != (name == 'swap' and options.get('mode') == 'L')
    plans = plan_planes(sample['geometry'], coeffs.subsampling,
                        out_subsampling)
    for component, plan in zip(('y', 'cb', 'cr'), plans):
        assert not ours[component][:, plan.image_blocks[0]:].any()
        assert not ours[component][:, :, plan.image_blocks[1]:].any()


def test_requantisation_comes_after_the_map():
    coeffs, sample = levels_sample(jpeg_bytes(64, 80, quality=90),
                                   (48, 64))
    sample['photometric'] = PARAMS['all']
    unquantised = materialize(sample)
    quantised = materialize(sample, quality=50)
    from dct_codec.quantize import ijg_tables
    tables = torch.from_numpy(ijg_tables(50)).float().view(2, 64, 1, 1)
    for index, component in enumerate(('y', 'cb', 'cr')):
        torch.testing.assert_close(
            quantised[component],
            requantize(unquantised[component], tables[min(index, 1)]))


def test_transform_to_preprocessor(tmp_path):
    """LoadDCTFromFile(lazy=True) -> DCTPhotoMetricDistortion -> packing ->
    collate -> DCTDataPreprocessor: the drawn map is applied, once, to the
    sample that carries it, and a batch mixes samples with and without."""
    path = tmp_path / 'a.jpg'
    path.write_bytes(jpeg_bytes(96, 128, quality=90))
    load = LoadDCTFromFile(lazy=True)
    samples, draws = [], []
    for seed in (0, 4):  # seed 4 draws a hue and a saturation
        np.random.seed(seed)
        results = DCTPhotoMetricDistortion()(load(dict(img_path=str(path))))
        draws.append(results['photometric'])
        samples.append(pack_coefficients(results))
    plain = pack_coefficients(load(dict(img_path=str(path))))
    assert plain['photometric'] is None
    assert set(plain) == set(samples[0])
    batch = DCTDataPreprocessor()(
        dict(inputs=pseudo_collate(samples + [plain])))
    assert draws[1].hue is not None and draws[1].saturation is not None
    for index, sample in enumerate(samples + [plain]):
        expected = materialize(sample)
        torch.testing.assert_close(batch['inputs']['y'][index],
                                   expected['y'])
        torch.testing.assert_close(batch['inputs']['cr'][index],
                                   expected['cr'])
    assert not torch.equal(batch['inputs']['y'][1], batch['inputs']['y'][2])
    # Parameters on a sample that is never materialised are refused.
    results = DCTPhotoMetricDistortion()(
        LoadDCTFromFile()(dict(img_path=str(path))))
    with pytest.raises(ValueError, match='no geometry'):
        pack_coefficients(results)
