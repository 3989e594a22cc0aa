import pytest
import torch
from mmdet.structures import DetDataSample

from dct_mmdet.models import DCTDataPreprocessor


def sample(hy, wy, value=1):
    hc, wc = -(-hy // 2), -(-wy // 2)
    return dict(
        y=torch.full((64, hy, wy), value, dtype=torch.int16),
        cb=torch.full((64, hc, wc), value + 1, dtype=torch.int16),
        cr=torch.full((64, hc, wc), value + 2, dtype=torch.int16))


def test_pads_to_the_largest_grid_and_sets_pixel_metainfo():
    data = dict(
        inputs=[sample(38, 38), sample(39, 24, value=5)],
        data_samples=[DetDataSample(), DetDataSample()])
    out = DCTDataPreprocessor()(data)
    inputs = out['inputs']
    # Chroma 19x19 and 20x12 -> batch 20x19; Y exactly twice that.
    assert inputs['cb'].shape == inputs['cr'].shape == (2, 64, 20, 19)
    assert inputs['y'].shape == (2, 64, 40, 38)
    assert inputs['y'].dtype == torch.float32
    # Content at the top-left, zeros after.
    assert inputs['y'][1, 0, :39, :24].eq(5).all()
    assert inputs['y'][1, :, 39:].eq(0).all()
    assert inputs['y'][1, :, :, 24:].eq(0).all()
    assert inputs['cr'][0, :, :19, :19].eq(3).all()
    assert inputs['cr'][0, :, 19:].eq(0).all()
    first, second = out['data_samples']
    assert first.batch_input_shape == second.batch_input_shape == (320, 304)
    assert first.pad_shape == (304, 304)
    assert second.pad_shape == (320, 192)


def test_accepts_pseudo_collated_inputs():
    samples = [sample(4, 4), sample(2, 2)]
    collated = {k: [s[k] for s in samples] for k in ('y', 'cb', 'cr')}
    out = DCTDataPreprocessor()(dict(inputs=collated, data_samples=None))
    assert out['inputs']['y'].shape == (2, 64, 4, 4)
    assert out['data_samples'] is None


def test_pad_size_divisor_in_pixels():
    data = dict(inputs=[sample(38, 38)], data_samples=[DetDataSample()])
    out = DCTDataPreprocessor(pad_size_divisor=32)(data)
    assert out['inputs']['y'].shape[-2:] == (40, 40)
    assert out['data_samples'][0].batch_input_shape == (320, 320)
    with pytest.raises(ValueError, match='multiple of 16'):
        DCTDataPreprocessor(pad_size_divisor=8)


def test_per_coefficient_normalisation_then_zero_padding():
    mean_y = torch.arange(64, dtype=torch.float32)
    pre = DCTDataPreprocessor(
        mean=dict(y=mean_y, cb=1.0), std=dict(y=[2.0] * 64))
    out = pre(dict(inputs=[sample(2, 2, value=10), sample(4, 4, value=10)]))
    y = out['inputs']['y']
    torch.testing.assert_close(y[0, :, 0, 0], (10 - mean_y) / 2)
    assert y[0, :, 2:, :].eq(0).all()  # padding stays zero
    assert out['inputs']['cb'][1].eq(10).all()  # 11 - 1
    assert out['inputs']['cr'][1].eq(12).all()  # not normalised
    with pytest.raises(ValueError, match='1 or 64'):
        DCTDataPreprocessor(mean=dict(y=[1.0, 2.0]))
    with pytest.raises(KeyError, match='unknown component'):
        DCTDataPreprocessor(std=dict(rgb=1.0))


def test_rejects_grids_that_are_not_420_aligned():
    bad = sample(10, 10)
    bad['cb'] = bad['cb'][:, :3, :3]
    with pytest.raises(ValueError, match='not 4:2:0 aligned'):
        DCTDataPreprocessor()(dict(inputs=[bad]))


def test_444_chroma_shares_the_luma_grid():
    full = dict(
        y=torch.ones((64, 38, 30), dtype=torch.int16),
        cb=torch.full((64, 38, 30), 2, dtype=torch.int16),
        cr=torch.full((64, 38, 30), 3, dtype=torch.int16))
    data = dict(
        inputs=[full, sample(19, 19)],  # 19x19 Y with 10x10 chroma
        data_samples=[DetDataSample(), DetDataSample()])
    with pytest.raises(ValueError, match='not 4:4:4 aligned'):
        DCTDataPreprocessor(chroma_subsampling='4:4:4')(data)
    data['inputs'][1] = {k: v[:, :20, :20] for k, v in full.items()}
    out = DCTDataPreprocessor(chroma_subsampling='4:4:4')(data)
    for component in ('y', 'cb', 'cr'):
        assert out['inputs'][component].shape == (2, 64, 38, 30)
    # 8 px per block for every component.
    assert out['data_samples'][0].batch_input_shape == (304, 240)
    assert out['data_samples'][1].pad_shape == (160, 160)
    with pytest.raises(ValueError, match='chroma_subsampling'):
        DCTDataPreprocessor(chroma_subsampling='4:1:1')
