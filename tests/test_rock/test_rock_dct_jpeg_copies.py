"""The DCT test pipeline of configs/_base_/datasets/nyuv2_rock_dct.py and the
converter's jpeg/ copies: at the images' own size (the Resize is then the
identity, as for the real 640 x 480 NYUv2) and the converter's default
quality, the network sees exactly the coefficients of those files."""
import inspect

import numpy as np
import pytest
from mmengine.config import Config

import rock_synthetic as syn
from conftest import REPO
from dct_codec import block_idct, read_dct
from dct_mmdet.registry import DATASETS
from dct_mmdet.utils import register_all_modules

register_all_modules()

DCT_DATASET = 'configs/_base_/datasets/nyuv2_rock_dct.py'


@pytest.fixture(scope='module')
def converted(tmp_path_factory):
    """The synthetic set through the converter, at its default quality."""
    return syn.convert_nyuv2(tmp_path_factory.mktemp('nyuv2_dct'))


def dct_test_dataset(out, protocol='reencode', requantize=True, **options):
    cfg = Config.fromfile(REPO / DCT_DATASET)
    dataset = cfg.test_dataloader.dataset
    first = dataset.pipeline[0]
    assert first.type == 'DCTTestInput'
    # The synthetic images' own size: the resize is the identity.
    first.update(scale=(syn.WIDTH, syn.HEIGHT), protocol=protocol,
                 requantize=requantize)
    dataset.update(data_root=f'{out}/', **options)
    return DATASETS.build(dataset)


def test_config_quality_is_the_converters_default(monkeypatch):
    cfg = Config.fromfile(REPO / DCT_DATASET)
    qualities = {
        t.quality
        for p in (cfg.train_pipeline, cfg.test_pipeline) for t in p
        if t.type in ('JPEGToDCT', 'DCTTestInput')
    }
    assert qualities == {75}
    converter = syn.load_converter()
    default = inspect.signature(converter.convert).parameters['jpeg_quality']
    assert default.default == 75
    # And the command line's default.
    monkeypatch.setattr('sys.argv', ['nyuv2.py', 'a.mat', 's.mat', 'n'])
    assert converter.parse_args().jpeg_quality == 75


def test_dct_test_pipeline_gives_the_jpeg_copies_coefficients(converted):
    test = dct_test_dataset(converted)
    assert len(test) == len(syn.TEST)
    for index in range(len(test)):
        sample = test[index]
        img_id = sample['data_samples'].img_id
        # The pipeline starts from the lossless PNG, not the JPEG copy.
        assert sample['data_samples'].img_path.endswith(
            f'rgb/{img_id:04d}.png')
        assert sample['data_samples'].img_shape == (syn.HEIGHT, syn.WIDTH)
        coeffs = read_dct(converted / 'jpeg' / f'{img_id:04d}.jpg')
        assert not coeffs.grayscale
        # 24 x 32 pixels: 3 x 4 luma blocks, padded to 4 x 4 (twice the
        # 2 x 2 chroma grid of 4:2:0).
        assert sample['inputs']['y'].shape == (64, 4, 4)
        assert sample['inputs']['cb'].shape == (64, 2, 2)
        for component in ('y', 'cb', 'cr'):
            np.testing.assert_array_equal(
                sample['inputs'][component].numpy(),
                getattr(coeffs, component).transpose(2, 0, 1),
                err_msg=f'{component} of image {img_id}')
        # Not trivially equal: the coefficients carry the random image.
        assert np.count_nonzero(coeffs.y[..., 1:]) > 10


def test_resample_protocol_reads_the_jpeg_copies(converted):
    """`protocol=resample` on the converter's JPEG copies: at their own
    size the resample is the identity, so the model gets the copies'
    image up to float rounding, with no decode (inside the image: the
    padding of partial blocks is the encoder's in the file, an edge
    replication here); the aux targets follow the same image shape."""
    from mmengine.dataset import pseudo_collate

    from dct_mmdet.registry import MODELS
    cfg = Config.fromfile(REPO / DCT_DATASET)
    test = dct_test_dataset(converted, 'resample', requantize=False,
                            image_format='jpg')
    preprocessor = MODELS.build(dict(type='DCTDataPreprocessor'))
    for index in range(len(test)):
        sample = test[index]
        assert sample['data_samples'].img_shape == (syn.HEIGHT, syn.WIDTH)
        assert sample['data_samples'].gt_depth.shape == (2, 2)
        img_id = sample['data_samples'].img_id
        coeffs = read_dct(converted / 'jpeg' / f'{img_id:04d}.jpg')
        inputs = preprocessor(pseudo_collate([sample]))['inputs']
        for component, (h, w) in (('y', (syn.HEIGHT, syn.WIDTH)),
                                  ('cb', (syn.HEIGHT // 2, syn.WIDTH // 2)),
                                  ('cr', (syn.HEIGHT // 2, syn.WIDTH // 2))):
            ours = block_idct(inputs[component][0].permute(1, 2, 0).numpy())
            theirs = block_idct(getattr(coeffs, component))
            np.testing.assert_allclose(ours[:h, :w], theirs[:h, :w],
                                       atol=1e-3)
    assert cfg.test_pipeline[0].protocol == 'reencode'


def test_a_different_quality_gives_other_coefficients(converted, tmp_path):
    """The equality above depends on the quality: a copy at 90 differs."""
    images = syn.write_mat(tmp_path / 'again.mat')
    from dct_codec import encode_jpeg
    img_id = syn.TEST[0]
    rgb = np.ascontiguousarray(images[img_id].transpose(2, 1, 0))
    at_75 = read_dct(encode_jpeg(rgb, 75))
    at_90 = read_dct(encode_jpeg(rgb, 90))
    stored = read_dct(converted / 'jpeg' / f'{img_id:04d}.jpg')
    np.testing.assert_array_equal(stored.y, at_75.y)
    assert not np.array_equal(stored.y, at_90.y)


def test_jpg_image_format_lists_the_jpeg_copies(converted):
    test = dct_test_dataset(converted, image_format='jpg')
    infos = [test.get_data_info(i) for i in range(len(test))]
    assert [info['img_id'] for info in infos] == list(syn.TEST)
    for info in infos:
        assert info['img_path'] == \
            f"{converted}/jpeg/{info['img_id']:04d}.jpg"
        assert (converted / 'jpeg' / f"{info['img_id']:04d}.jpg").is_file()
        # The aux maps stay PNGs.
        assert info['depth_path'] == \
            f"{converted}/depth/{info['img_id']:04d}.png"
    png = dct_test_dataset(converted)
    assert png.get_data_info(0)['img_path'] == \
        f'{converted}/rgb/{syn.TEST[0]:04d}.png'
