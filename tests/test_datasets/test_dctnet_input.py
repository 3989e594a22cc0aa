"""DCTNet's upscaled input: JPEGToDCTUpscaled + the 4:4:4 preprocessor."""
import cv2
import numpy as np
import pytest
import torch
from mmdet.structures import DetDataSample

from conftest import smooth_image
from dct_codec import encode_jpeg, read_dct
from dct_mmdet.datasets import JPEGToDCTUpscaled
from dct_mmdet.models import DCTDataPreprocessor, DCTResNet
from dct_mmdet.utils import register_all_modules

register_all_modules()


@pytest.mark.parametrize('luma_upscale', [1, 2])
def test_all_components_share_one_grid(luma_upscale):
    img = smooth_image(100, 124, seed=2)[..., ::-1].copy()  # BGR
    results = JPEGToDCTUpscaled(luma_upscale, quality=100)(dict(img=img))
    grid = (-(-100 * luma_upscale // 8), -(-124 * luma_upscale // 8))
    for key in ('dct_y', 'dct_cb', 'dct_cr'):
        assert results[key].shape == (*grid, 64), key
    assert results['img_shape'] == (100, 124) and 'img' not in results
    # Y is exactly the luma of the image upsampled luma_upscale times and
    # Cb of it upsampled twice as much.
    for factor, key, component in ((luma_upscale, 'dct_y', 'y'),
                                   (2 * luma_upscale, 'dct_cb', 'cb')):
        scaled = cv2.resize(
            img, (124 * factor, 100 * factor),
            interpolation=cv2.INTER_LINEAR) if factor > 1 else img
        expected = getattr(
            read_dct(encode_jpeg(scaled, 100, channel_order='bgr')),
            component)
        np.testing.assert_array_equal(results[key],
                                      expected[:grid[0], :grid[1]])


def test_stride_4_input_for_a_dctnet_backbone():
    img = smooth_image(96, 128)[..., ::-1].copy()
    results = JPEGToDCTUpscaled(luma_upscale=2)(dict(img=img))
    sample = {
        c: torch.from_numpy(results[f'dct_{c}']).permute(2, 0, 1)
        for c in ('y', 'cb', 'cr')
    }
    batch = DCTDataPreprocessor(chroma_subsampling='4:4:4', upscale=2)(
        dict(inputs=[sample], data_samples=[DetDataSample()]))
    # One block per 4 px of the image.
    assert batch['data_samples'][0].batch_input_shape == (96, 128)
    assert batch['inputs']['y'].shape == (1, 64, 24, 32)
    backbone = DCTResNet('dctnet_24', out_indices=(0, 1, 2, 3)).eval()
    with torch.no_grad():
        outs = backbone(batch['inputs'])
    assert [o.shape[-1] for o in outs] == [32, 16, 8, 4]  # strides 4..32


def test_rejects_other_upscales():
    with pytest.raises(ValueError, match='luma_upscale'):
        JPEGToDCTUpscaled(luma_upscale=4)
    with pytest.raises(ValueError, match='upscale'):
        DCTDataPreprocessor(upscale=3)
