"""Quantisation emulation: IJG tables and libjpeg's rounding reproduce the
levels libjpeg writes, in numpy (dct_codec) and on the device."""
import io

import numpy as np
import pytest
import torch
from mmengine.dataset import pseudo_collate
from PIL import Image

from conftest import jpeg_bytes, smooth_image
from dct_codec import NativeReader, block_dct
from dct_codec.geometry import resize
from dct_codec.quantize import ijg_tables, quantize
from dct_mmdet.models.data_preprocessors import DCTDataPreprocessor
from dct_mmdet.models.data_preprocessors.materialize import requantize


@pytest.mark.parametrize('quality', [1, 10, 49, 50, 75, 90, 95, 100])
def test_tables_are_libjpegs(quality):
    levels = NativeReader().read(jpeg_bytes(16, 16, quality=quality),
                                 chroma='native', dequantize=False)
    np.testing.assert_array_equal(levels.quant_tables[:2],
                                  ijg_tables(quality))


def libjpeg_ycbcr(rgb):
    """libjpeg's fixed-point RGB -> YCbCr (jccolor.c)."""
    r, g, b = rgb.astype(np.int64).transpose(2, 0, 1)
    return [(19595 * r + 38470 * g + 7471 * b + 32768) >> 16,
            (-11059 * r - 21709 * g + 32768 * b + (128 << 16) + 32767) >> 16,
            (32768 * r - 27439 * g - 5329 * b + (128 << 16) + 32767) >> 16]


def test_emulation_gives_libjpegs_levels_at_q75():
    """From the same pixels, float DCT + IJG q75 tables + round half away
    from zero equal libjpeg's (integer DCT) levels in >= 99 % of the
    coefficients (measured 99.8 % luma, 99.9 % chroma)."""
    rgb = smooth_image(304, 400, seed=7)
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, 'JPEG', quality=75, subsampling=0)
    theirs = NativeReader().read(buffer.getvalue(), chroma='native',
                                 dequantize=False)
    tables = ijg_tables(75)
    for index, plane in enumerate(libjpeg_ycbcr(rgb)):
        ours = quantize(block_dct(plane - 128.0), tables[min(index, 1)])
        expected = (theirs.y, theirs.cb, theirs.cr)[index]
        assert (ours == expected).mean() >= 0.99
        assert np.abs(ours - expected).max() <= 1


def test_device_requantisation_matches_numpy():
    rng = np.random.default_rng(0)
    coeffs = rng.normal(0, 80, (64, 3, 5)).astype(np.float32)
    coeffs[0, 0, 0] = 2.5 * 16  # a tie: half away from zero
    coeffs[0, 0, 1] = -2.5 * 16
    table = ijg_tables(50)[0]
    ours = requantize(torch.from_numpy(coeffs),
                      torch.from_numpy(table).float().view(64, 1, 1))
    expected = quantize(coeffs.transpose(1, 2, 0), table) * table
    np.testing.assert_array_equal(ours.permute(1, 2, 0).numpy(), expected)
    assert ours[0, 0, 0] == 48 and ours[0, 0, 1] == -48


def test_preprocessor_puts_resampled_inputs_on_the_lattice():
    coeffs = NativeReader().read(jpeg_bytes(120, 90, quality=90),
                                 chroma='native', dequantize=False,
                                 align=False)
    sample = {c: torch.from_numpy(np.ascontiguousarray(getattr(coeffs, c)))
              for c in ('y', 'cb', 'cr')}
    sample.update(quant=torch.from_numpy(coeffs.quant_tables.astype('int32')),
                  subsampling=coeffs.subsampling,
                  geometry=resize((120, 90), (64, 64)))
    tables = torch.from_numpy(ijg_tables(75)).float().view(2, 64, 1, 1)
    plain = DCTDataPreprocessor()(dict(inputs=pseudo_collate([sample])))
    lattice = DCTDataPreprocessor(requantize=75)(
        dict(inputs=pseudo_collate([sample])))
    for index, component in enumerate(('y', 'cb', 'cr')):
        got = lattice['inputs'][component][0]
        ratio = got / tables[min(index, 1)]
        assert torch.equal(ratio, ratio.round())
        assert not torch.equal(got, plain['inputs'][component][0])
        # Within half a step of the unquantised coefficients.
        assert ((got - plain['inputs'][component][0]).abs() <=
                tables[min(index, 1)] / 2 + 1e-3).all()
    with pytest.raises(ValueError, match='quality'):
        DCTDataPreprocessor(requantize=0)


def test_random_requantize_draws_a_quality_per_sample(tmp_path):
    """RandomRequantize draws each sample's quality in the worker (numpy's
    global state: the same seed, the same draws) and the preprocessor puts
    that sample on the drawn quality's lattice, over its own setting."""
    from mmcv.transforms import Compose
    from dct_mmdet.datasets.transforms import RandomRequantize
    from dct_mmdet.utils import register_all_modules
    register_all_modules()
    path = tmp_path / 'image.jpg'
    path.write_bytes(jpeg_bytes(120, 90, quality=90))
    pipeline = Compose([
        dict(type='LoadDCTFromFile', lazy=True),
        dict(type='LazyResize', scale=(64, 64), keep_ratio=False),
        dict(type='RandomRequantize', quality=(40, 60)),
        dict(type='PackDCTInputs')
    ])

    def draw(seed, count=6):
        np.random.seed(seed)
        return [pipeline(dict(img_path=str(path)))['inputs']
                for _ in range(count)]

    samples = draw(0)
    qualities = [s['requantize'] for s in samples]
    assert all(40 <= q <= 60 for q in qualities) and len(set(qualities)) > 1
    assert [s['requantize'] for s in draw(0)] == qualities
    batch = DCTDataPreprocessor(requantize=95)(
        dict(inputs=pseudo_collate(samples)))
    for index, quality in enumerate(qualities):
        tables = torch.from_numpy(ijg_tables(quality)).float()
        for plane, component in enumerate(('y', 'cb', 'cr')):
            ratio = batch['inputs'][component][index] / \
                tables[min(plane, 1)].view(64, 1, 1)
            assert torch.equal(ratio, ratio.round())
    assert repr(RandomRequantize(75)) == 'RandomRequantize(quality=(75, 75))'
    with pytest.raises(ValueError, match='quality'):
        RandomRequantize((60, 40))
    with pytest.raises(ValueError, match='no geometry'):
        RandomRequantize()(dict(img_path='x.jpg'))
