"""init_dct_detector / inference_dct_detector: a JPEG's path, bytes and
decoded image give the same detections, whatever the test pipeline's first
step; unsupported inputs fail clearly."""
import argparse

import cv2
import numpy as np
import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.config import DictAction

from conftest import MODEL_OPTIONS, TOY_CONFIG, jpeg_bytes
from dct_mmdet.apis import inference_dct_detector, init_dct_detector
from dct_codec import JPEGReadError

META_KEYS = ('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')
RGB_TOY_CONFIG = 'configs/ssd_dct/ssd300_r50-rgb-w025_1xb8-24e_toy.py'


def cfg_options(options):
    parser = argparse.ArgumentParser()
    parser.add_argument('--options', nargs='+', action=DictAction)
    return parser.parse_args(['--options', *options]).options


@pytest.fixture(scope='module')
def model():
    torch.manual_seed(0)  # random weights: only agreement matters
    return init_dct_detector(TOY_CONFIG, cfg_options=cfg_options(MODEL_OPTIONS))


@pytest.fixture(scope='module')
def jpeg(tmp_path_factory):
    """A 4:2:0 JPEG that is not 300x300, its bytes and its BGR pixels."""
    data = jpeg_bytes(310, 330, quality=90)
    path = tmp_path_factory.mktemp('images') / 'image.jpg'
    path.write_bytes(data)
    return path, data, cv2.imdecode(np.frombuffer(data, np.uint8), 1)


def with_first_steps(model, steps):
    """The model, its test pipeline starting with ``steps`` instead."""
    model.cfg.test_dataloader.dataset.pipeline = [
        *steps,
        dict(type='LoadAnnotations', with_bbox=True),
        dict(type='PackDCTInputs', meta_keys=META_KEYS)
    ]
    return model


@pytest.fixture
def dct_model(model):
    pipeline = model.cfg.test_dataloader.dataset.pipeline
    yield model
    model.cfg.test_dataloader.dataset.pipeline = pipeline


def assert_same(results):
    first = results[0].pred_instances
    assert len(first) > 0
    for other in results[1:]:
        other = other.pred_instances
        assert torch.equal(first.labels, other.labels)
        torch.testing.assert_close(first.bboxes, other.bboxes)
        torch.testing.assert_close(first.scores, other.scores)


def test_path_bytes_and_array_agree_on_a_pixel_pipeline(model, jpeg):
    path, data, image = jpeg
    results = inference_dct_detector(model, [path, str(path), data, image])
    assert len(results) == 4
    assert all(isinstance(r, DetDataSample) for r in results)
    assert_same(results)
    # Boxes come back in the input's pixels, not the network's 300x300.
    assert results[0].ori_shape == (310, 330)
    assert results[0].pred_instances.bboxes[:, 2].max() <= 330 + 1e-3


def test_a_single_input_gives_a_single_sample(model, jpeg):
    result = inference_dct_detector(model, jpeg[1])
    assert isinstance(result, DetDataSample)
    assert inference_dct_detector(model, []) == []


def test_without_checkpoint_the_classes_are_the_configs(model):
    assert model.dataset_meta['classes'] == ('circle', 'square', 'triangle')


def test_load_dct_from_file_reads_bytes(dct_model, jpeg):
    path, data, image = jpeg
    model = with_first_steps(dct_model, [dict(type='LoadDCTFromFile')])
    assert_same(inference_dct_detector(model, [path, data]))
    with pytest.raises(ValueError, match='pass the JPEG file or its bytes'):
        inference_dct_detector(model, image)
    with pytest.raises(JPEGReadError, match='<bytes>: not a JPEG'):
        inference_dct_detector(model, b'\x89PNG\r\n\x1a\n' + bytes(64))


@pytest.mark.parametrize('protocol', ['reencode', 'direct'])
def test_dct_test_input_reads_bytes(dct_model, jpeg, protocol):
    path, data, image = jpeg
    model = with_first_steps(
        dct_model, [dict(type='DCTTestInput', protocol=protocol)])
    if protocol == 'reencode':
        # The array enters as lossless PNG bytes: the same coefficients.
        assert_same(inference_dct_detector(model, [path, data, image]))
    else:
        assert_same(inference_dct_detector(model, [path, data]))
        with pytest.raises(ValueError, match='DCTTestInput, direct'):
            inference_dct_detector(model, image)


def test_reencode_protocol_equals_the_toy_pipeline(model, dct_model, jpeg):
    """DCTTestInput('reencode') is the toy config's resize + JPEGToDCT."""
    toy = inference_dct_detector(model, jpeg[1])
    reencoded = inference_dct_detector(
        with_first_steps(dct_model, [dict(type='DCTTestInput')]), jpeg[1])
    assert_same([toy, reencoded])


def test_rgb_baseline_path_bytes_and_array_agree(jpeg):
    torch.manual_seed(0)
    rgb = init_dct_detector(
        RGB_TOY_CONFIG,
        cfg_options=cfg_options([
            'model.backbone.widen_factor=0.125',
            'model.neck.in_channels=[64,256]',
            'model.neck.out_channels=[64,256,64,32,32,32]',
            'model.bbox_head.in_channels=[64,256,64,32,32,32]'
        ]))
    assert type(rgb.data_preprocessor).__name__ == 'DetDataPreprocessor'
    assert_same(inference_dct_detector(rgb, list(jpeg)))


@pytest.mark.parametrize('bad, error, message', [
    (42, TypeError, 'JPEG file paths, JPEG bytes .* got int'),
    (None, TypeError, 'got NoneType'),
    (np.zeros((8, 8, 3), np.float32), ValueError, 'dtype float32'),
    (np.zeros((8, 8), np.uint8), ValueError, r'shape \(8, 8\)'),
    (b'', ValueError, 'empty input'),
    (b'not an image at all', ValueError, 'cannot be decoded'),
])
def test_unsupported_inputs_fail_clearly(model, bad, error, message):
    with pytest.raises(error, match=message):
        inference_dct_detector(model, bad)


def test_a_missing_file_names_the_path(model, tmp_path):
    with pytest.raises(FileNotFoundError, match='missing.jpg'):
        inference_dct_detector(model, tmp_path / 'missing.jpg')


def test_an_unknown_first_step_is_refused(dct_model, jpeg):
    model = with_first_steps(
        dct_model, [dict(type='LoadMultiChannelImageFromFiles')])
    with pytest.raises(ValueError, match='starts with '
                       'LoadMultiChannelImageFromFiles'):
        inference_dct_detector(model, jpeg[1])


def test_ground_truth_steps_are_left_out(dct_model, jpeg):
    """New inputs have no annotations: LoadAnnotations and its subclasses
    (LoadROCKAnnotations would ask for depth_path) are not run."""
    path, data, _ = jpeg
    model = with_first_steps(dct_model, [
        dict(type='DCTTestInput'),
        dict(type='LoadROCKAnnotations', with_bbox=True),
        dict(type='ROCKAuxTargets', stride=16)
    ])
    assert_same(inference_dct_detector(model, [path, data]))
