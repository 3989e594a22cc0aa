"""NYUv2 preparation (synthetic .mat with the real layout) and the dataset
with ROCK's pipeline, RGB and DCT."""
import json
import random
import re

import cv2
import h5py
import numpy as np
import pytest
import torch
from mmdet.structures.bbox import HorizontalBoxes
from mmengine.config import Config

import rock_synthetic as syn
from conftest import REPO, run_tool
from dct_mmdet.datasets.nyuv2 import NYUV2_CLASSES, NYUV2_SCENES
from dct_mmdet.datasets.transforms.rock_transforms import (ROCKAuxTargets,
                                                           ROCKRandomCrop,
                                                           ROCKRandomFlip)
from dct_mmdet.registry import DATASETS
from dct_mmdet.utils import register_all_modules

register_all_modules()


@pytest.fixture(scope='module')
def converted(tmp_path_factory):
    """The converter's command line on the synthetic inputs."""
    root = tmp_path_factory.mktemp('nyuv2')
    paths = syn.write_nyuv2(root / 'raw')
    log = run_tool('tools/dataset_converters/nyuv2.py', paths['mat'],
                   paths['splits'], paths['normals'], '--out-dir',
                   root / 'out', '--val-split', paths['val_split'])
    return root / 'out', log


def load_json(out, split):
    return json.loads((out / 'annotations' / f'{split}.json').read_text())


def test_splits_and_progress(converted):
    out, log = converted
    assert '8/8' in log  # the progress bar
    assert [i['id'] for i in load_json(out, 'train')['images']] == \
        list(syn.TRAIN)
    assert [i['id'] for i in load_json(out, 'test')['images']] == \
        list(syn.TEST)
    # val: the train images of the listed scenes; train_minus_val: the rest.
    assert [i['id'] for i in load_json(out, 'val')['images']] == [1, 6]
    assert [i['id'] for i in load_json(out, 'train_minus_val')['images']
            ] == [0, 2, 5]


def test_boxes_from_label_and_instance_maps(converted):
    out, _ = converted
    for split in ('train', 'test'):
        data = load_json(out, split)
        names = {c['id']: c['name'] for c in data['categories']}
        assert list(names.values()) == list(NYUV2_CLASSES)
        for image in data['images']:
            boxes = sorted(
                (names[a['category_id']], a['bbox'])
                for a in data['annotations'] if a['image_id'] == image['id'])
            assert boxes == syn.expected_boxes(image['id']), image['id']
    train = load_json(out, 'train')
    # Image 5's chairs (raw id 5), which rock-pytorch drops, are kept.
    assert sum(a['image_id'] == 5 and a['category_id'] == 5
               for a in train['annotations']) == 2
    ids = [a['id'] for a in train['annotations']]
    assert min(ids) >= 1 and len(set(ids)) == len(ids)


def test_image_files_and_scene_labels(converted, tmp_path):
    out, _ = converted
    images = syn.write_mat(tmp_path / 'again.mat')
    for image in load_json(out, 'test')['images']:
        index = image['id']
        rgb = cv2.imread(str(out / 'rgb' / image['file_name']))[..., ::-1]
        np.testing.assert_array_equal(rgb, images[index].transpose(2, 1, 0))
        jpeg = cv2.imread(str(out / 'jpeg' / f'{index:04d}.jpg'))
        assert jpeg.shape == (syn.HEIGHT, syn.WIDTH, 3)
        depth = cv2.imread(str(out / 'depth' / f'{index:04d}.png'),
                           cv2.IMREAD_UNCHANGED)
        assert depth.dtype == np.uint16
        np.testing.assert_allclose(depth / 1000, syn.depth_map(index),
                                   atol=5e-4)
        assert (out / 'normals' / f'{index:04d}.png').is_file()
        assert (out / 'masks' / f'{index:04d}.png').is_file()
        assert image['scene'] == syn.SCENES[index]
        assert NYUV2_SCENES[image['scene_label']] == syn.SCENE_TYPES[index]


def dataset(out, config='configs/rock/rock_r50-d16_1xb8-30k_nyuv2.py',
            split='train_dataloader'):
    cfg = Config.fromfile(REPO / config)[split].dataset
    cfg.data_root = f'{out}/'
    return DATASETS.build(cfg)


def test_dataset_keeps_empty_images_and_packs_aux_targets(converted):
    out, _ = converted
    train = dataset(out)
    # Train image 2 has no box and is kept (filter_empty_gt=False), which
    # mmdet's default filter would not do.
    ids = [train.get_data_info(i)['img_id'] for i in range(len(train))]
    assert ids == list(syn.TRAIN) and 2 in syn.EMPTY
    assert train.get_data_info(ids.index(2))['instances'] == []
    cfg = Config.fromfile(REPO / 'configs/rock/rock_r50-d16_1xb8-30k_nyuv2.py'
                          ).train_dataloader.dataset
    cfg.update(data_root=f'{out}/', filter_cfg=dict(filter_empty_gt=True))
    filtered = DATASETS.build(cfg)
    assert [filtered.get_data_info(i)['img_id']
            for i in range(len(filtered))] == [i for i in ids if i != 2]
    empty = train[ids.index(2)]['data_samples']
    assert len(empty.gt_instances) == 0
    assert empty.gt_depth.data.shape == (1, 30, 40)  # aux targets still
    assert empty.gt_normals.data.shape == (3, 30, 40)
    sample = train[0]
    assert sample['inputs'].shape == (3, 480, 640)
    data = sample['data_samples']
    assert data.scene_label == NYUV2_SCENES.index(syn.SCENE_TYPES[0])
    assert data.gt_depth.data.shape == (1, 30, 40)
    assert data.gt_depth.data.min() > 0
    normals = data.gt_normals.data
    assert normals.shape == (3, 30, 40)
    np.testing.assert_allclose(normals.norm(dim=0), 1, atol=1e-5)
    valid = data.gt_normals.valid
    assert valid.dtype == torch.bool and valid.shape == (1, 30, 40)
    # The random crop may cut the invalid strip away: check the mask's
    # content on the test pipeline, which neither crops nor flips. The
    # synthetic masks are invalid on the right 4 of 32 columns, which the
    # nearest resampling to 40 columns makes the right 5.
    test = dataset(out, split='test_dataloader')
    samples = [test[i]['data_samples'] for i in range(len(test))]
    for data in samples:
        valid = data.gt_normals.valid[0]
        assert valid[:, :35].all() and not valid[:, 35:].any()
    empty = [data for data in samples if data.img_id == 7]
    assert len(empty[0].gt_instances) == 0


def test_dct_pipeline_packs_coefficients_and_aux_targets(converted):
    out, _ = converted
    train = dataset(out, 'configs/rock/rock_dct-lcrfa-thinner-d16_1xb8-'
                    '30k_nyuv2.py')
    sample = train[1]
    assert sample['inputs']['y'].shape == (64, 60, 80)
    assert sample['inputs']['cb'].shape == (64, 30, 40)
    assert sample['data_samples'].gt_normals.data.shape == (3, 30, 40)


def aux_results(height=24, width=32, box=(2., 3., 10., 12.)):
    normals = np.zeros((height, width, 3), np.float32)
    normals[..., 2] = 1
    normals[:, :width // 2] = (0.6, 0, 0.8)
    return dict(
        img=np.zeros((height, width, 3), np.uint8),
        img_shape=(height, width),
        gt_bboxes=HorizontalBoxes(np.array([box], np.float32)),
        gt_bboxes_labels=np.array([4]),
        gt_ignore_flags=np.array([False]),
        gt_depth=np.tile(np.arange(width, dtype=np.float32), (height, 1)),
        gt_normals=normals,
        gt_normals_mask=np.ones((height, width), bool),
        rock_zoom=1.0)


def test_flip_negates_normals_x_and_flips_maps():
    results = ROCKRandomFlip(prob=1.0)(aux_results())
    np.testing.assert_allclose(results['gt_normals'][0, -1], (-0.6, 0, 0.8))
    np.testing.assert_allclose(results['gt_normals'][0, 0], (0, 0, 1))
    assert results['gt_depth'][0, 0] == 31
    np.testing.assert_allclose(results['gt_bboxes'].tensor,
                               [[22, 3, 30, 12]])


def test_crop_keeps_the_aspect_ratio_and_records_the_zoom():
    random.seed(0)  # the option drawn
    np.random.seed(0)  # the window
    crop = ROCKRandomCrop(force_crops=True)
    for _ in range(20):
        results = crop(aux_results(240, 320, box=(60., 50., 200., 180.)))
        height, width = results['img'].shape[:2]
        assert abs(width / height - 4 / 3) < 0.03
        assert results['gt_depth'].shape == (height, width)
        assert results['rock_zoom'] == pytest.approx(320 / width, rel=0.02)
        boxes = results['gt_bboxes'].tensor.numpy()
        assert len(boxes) == 1
        assert (boxes[:, :2] >= 0).all()
        assert (boxes[:, 2] <= width).all() and (boxes[:, 3] <= height).all()


def test_aux_targets_follow_the_zoom():
    results = aux_results(480, 640)
    results['gt_depth'][:] = 2.0
    results['rock_zoom'] = 2.0
    results = ROCKAuxTargets(stride=16)(results)
    assert results['gt_depth'].shape == (30, 40)
    np.testing.assert_allclose(results['gt_depth'], 1.0)  # looks closer
    tilted = results['gt_normals'][0, 0]  # (0.6, 0, 0.8), z doubled
    np.testing.assert_allclose(tilted, np.array([0.6, 0, 1.6]) / np.hypot(
        0.6, 1.6), rtol=1e-5)


@pytest.mark.parametrize(
    'damage, message',
    [('not_hdf5', 'not a MATLAB v7.3 (HDF5) file'),
     ('instances', "missing ['instances']"),
     ('names', "missing ['names']"),
     ('normals_png', '0003.png: no such file'),
     ('splits', "missing 'testNdxs'"),
     ('labels_shape', "'labels' is (8, 32, 23), expected (8, 32, 24)"),
     ('corrupt_chunk', "cannot read 'depths' of image 3 (0-based)")])
def test_malformed_inputs_name_the_problem(tmp_path, damage, message):
    converter = syn.load_converter()
    drop = damage if damage in ('instances', 'names') else None
    paths = syn.write_nyuv2(tmp_path / 'raw', drop_key=drop)
    if damage == 'labels_shape':  # one row short
        with h5py.File(paths['mat'], 'r+') as mat:
            labels = mat['labels'][()]
            del mat['labels']
            mat.create_dataset('labels', data=labels[..., :-1])
    elif damage == 'corrupt_chunk':
        # Depth stored compressed, one chunk per image; image 3's chunk
        # overwritten: HDF5 cannot inflate it (an OSError from h5py).
        with h5py.File(paths['mat'], 'r+') as mat:
            depths = mat['depths'][()]
            del mat['depths']
            mat.create_dataset('depths', data=depths,
                               chunks=(1, ) + depths.shape[1:],
                               compression='gzip')
        with h5py.File(paths['mat'], 'r') as mat:
            chunk = mat['depths'].id.get_chunk_info_by_coord((3, 0, 0))
        with open(paths['mat'], 'r+b') as f:
            f.seek(chunk.byte_offset)
            f.write(b'\xff' * chunk.size)
    elif damage == 'not_hdf5':
        paths['mat'].write_bytes(b'MATLAB 5.0 MAT-file, not HDF5' * 10)
    elif damage == 'normals_png':
        (paths['normals'] / 'normals' / '0003.png').unlink()
    elif damage == 'splits':
        from scipy.io import savemat
        savemat(paths['splits'], dict(trainNdxs=np.array([[1.0]])))
    with pytest.raises(converter.NYUv2FormatError, match=re.escape(message)) as error:
        converter.convert(paths['mat'], paths['splits'], paths['normals'],
                          tmp_path / 'out', paths['val_split'])
    # The message starts with the file at fault.
    assert str(error.value).startswith(str(tmp_path / 'raw'))


def test_crop_cuts_the_window_it_tested_so_thin_boxes_keep_a_width():
    """One-pixel-wide boxes on every column: the boxes kept are exactly the
    columns of the cut image, none clipped to zero width (a zero width
    gives infinite regression targets), with their labels."""
    random.seed(0)
    np.random.seed(0)
    height, width = 48, 64
    columns = np.arange(width, dtype=np.float32)
    thin = np.stack([columns, np.full(width, 10.), columns + 1,
                     np.full(width, 30.)], axis=1)
    crop = ROCKRandomCrop(force_crops=True)
    for _ in range(20):
        results = aux_results(height, width)
        results.update(
            gt_bboxes=HorizontalBoxes(thin),
            gt_bboxes_labels=np.arange(width),
            gt_ignore_flags=np.zeros(width, bool))
        results = crop(results)
        left = int(results['gt_depth'][0, 0])  # depth = column index
        cut_width = results['img'].shape[1]
        boxes = results['gt_bboxes'].tensor.numpy()
        assert ((boxes[:, 2] - boxes[:, 0]) >= 1).all()
        assert ((boxes[:, 3] - boxes[:, 1]) >= 1).all()
        np.testing.assert_array_equal(results['gt_bboxes_labels'],
                                      np.arange(left, left + cut_width))
        np.testing.assert_array_equal(boxes[:, 0], np.arange(cut_width))
        assert len(results['gt_ignore_flags']) == cut_width
