"""ROCK and the baseline SSD through tools/train.py and tools/test.py on
the synthetic NYUv2 (2 iterations of a narrow network at 480 x 640), and
the demo on the trained checkpoints."""
import json
import re
import shutil

import cv2
import numpy as np
import pytest

import rock_synthetic as syn
from conftest import run_tool

ROCK = 'configs/rock/rock_r50-d16_1xb8-30k_nyuv2.py'
BASELINE = 'configs/rock/ssd_r50-d16_1xb8-30k_nyuv2.py'
DCT = 'configs/rock/rock_dct-lcrfa-thinner-d16_1xb8-30k_nyuv2.py'
AUX_LOSSES = ('loss_scene', 'loss_depth', 'loss_normals')
AUX_METRICS = ('nyuv2/scene_acc', 'nyuv2/depth_rmse', 'nyuv2/depth_abs_rel',
               'nyuv2/normals_mean', 'nyuv2/normals_median',
               'nyuv2/normals_11.25', 'nyuv2/normals_22.5',
               'nyuv2/normals_30')


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    return syn.convert_nyuv2(tmp_path_factory.mktemp('rock'))


def run_train(config, data_root, work_dir, model=syn.TINY_MODEL):
    log = run_tool('tools/train.py', config, '--work-dir', work_dir,
                   *syn.cli_options(data_root, model=model))
    assert re.search(r'Iter\(train\) \[2/2\]', log)
    assert (work_dir / 'iter_2.pth').is_file()
    return log


def run_test(config, data_root, checkpoint, work_dir,
             model=syn.TINY_MODEL):
    log = run_tool('tools/test.py', config, checkpoint, '--work-dir',
                   work_dir, *syn.cli_options(data_root, model=model))
    metrics = json.loads(next(work_dir.rglob('*.json')).read_text())
    assert re.search(r'coco/bbox_mAP: -?\d\.\d+', log)
    assert 'bbox_mAP_50' in log and 'toilet' in log  # per-class table
    return metrics


@pytest.fixture(scope='module')
def rock_run(data_root, tmp_path_factory):
    work_dir = tmp_path_factory.mktemp('rock_work')
    return work_dir, run_train(ROCK, data_root, work_dir)


def test_rock_trains_with_aux_losses(rock_run):
    _, log = rock_run
    for loss in ('loss_cls', 'loss_bbox', *AUX_LOSSES):
        assert re.search(rf'{loss}: \d+\.\d+', log), loss
    assert 'nyuv2/scene_acc' in log  # validation after the last iteration


def test_rock_test_reports_boxes_and_aux_metrics(rock_run, data_root,
                                                 tmp_path):
    work_dir, _ = rock_run
    metrics = run_test(ROCK, data_root, work_dir / 'iter_2.pth', tmp_path)
    assert 'coco/bbox_mAP' in metrics and 'coco/bbox_mAP_50' in metrics
    for key in AUX_METRICS:
        assert key in metrics, key
    assert 0 <= metrics['nyuv2/normals_mean'] <= 180
    assert metrics['nyuv2/depth_rmse'] > 0


def test_baseline_trains_and_tests_without_aux_tasks(data_root,
                                                     tmp_path_factory):
    work_dir = tmp_path_factory.mktemp('ssd_work')
    log = run_train(BASELINE, data_root, work_dir)
    iterations = '\n'.join(
        line for line in log.splitlines() if 'Iter(train)' in line)
    assert 'loss_cls' in iterations
    assert not any(loss in iterations for loss in AUX_LOSSES)
    metrics = run_test(BASELINE, data_root, work_dir / 'iter_2.pth',
                   tmp_path_factory.mktemp('ssd_test'))
    assert 'coco/bbox_mAP' in metrics
    assert not any(key.startswith('nyuv2/') for key in metrics)


def test_rock_on_dct_coefficients_trains_and_tests(data_root, demo_images,
                                                   tmp_path_factory):
    """The DCT config re-encodes the augmented image and reads its
    coefficients; the aux targets follow at the backbone's stride 16."""
    work_dir = tmp_path_factory.mktemp('rock_dct_work')
    log = run_train(DCT, data_root, work_dir, model=syn.TINY_DCT_MODEL)
    for loss in ('loss_cls', 'loss_bbox', *AUX_LOSSES):
        assert re.search(rf'{loss}: \d+\.\d+', log), loss
    metrics = run_test(DCT, data_root, work_dir / 'iter_2.pth',
                       tmp_path_factory.mktemp('rock_dct_test'),
                       model=syn.TINY_DCT_MODEL)
    for key in ('coco/bbox_mAP', *AUX_METRICS):
        assert key in metrics, key
    # The demo feeds the test pipeline (DCTTestInput) files and crops.
    out = tmp_path_factory.mktemp('rock_dct_demo')
    run_demo(DCT, work_dir / 'iter_2.pth', demo_images[0], out,
             syn.TINY_DCT_MODEL)
    check_demo_outputs(out, demo_images)


@pytest.fixture(scope='module')
def demo_images(data_root, tmp_path_factory):
    """The synthetic JPEGs (4:3, entering as files) and ``wide.png``: the
    first one with 4 columns on each side, which the demo crops back."""
    folder = tmp_path_factory.mktemp('demo_images')
    paths = sorted((data_root / 'jpeg').glob('*.jpg'))
    for path in paths:
        shutil.copy(path, folder)
    first = cv2.imread(str(paths[0]))
    cv2.imwrite(str(folder / 'wide.png'),
                cv2.copyMakeBorder(first, 0, 0, 4, 4, cv2.BORDER_REFLECT))
    return folder, paths[0].stem


def run_demo(config, checkpoint, images, out, model, *options):
    return run_tool('demo/rock_demo.py', config, checkpoint, images,
                    '--out-dir', out, '--score-thr', '0', *options,
                    '--cfg-options', *model, 'model.test_cfg.score_thr=0.0')


def check_demo_outputs(out, images):
    folder, first = images
    names = sorted(p.stem for p in folder.iterdir())
    for sub, suffix in (('detections', 'jpg'), ('depth', 'png'),
                        ('normals', 'png'), ('scene', 'txt')):
        assert sorted(p.stem for p in (out / sub).glob(f'*.{suffix}')) \
            == names, sub
    for name in names:  # the 4:3 region, at the input's resolution
        for sub, suffix in (('detections', 'jpg'), ('depth', 'png'),
                            ('normals', 'png')):
            image = cv2.imread(str(out / sub / f'{name}.{suffix}'))
            assert image.shape == (syn.HEIGHT, syn.WIDTH, 3), (sub, name)
    ranking = (out / 'scene' / f'{first}.txt').read_text()
    assert len(ranking.splitlines()) == 27
    # The crop of wide.png is the first image's pixels: the same outputs.
    assert (out / 'scene' / 'wide.txt').read_text() == ranking
    for sub in ('depth', 'normals'):
        assert np.array_equal(cv2.imread(str(out / sub / f'{first}.png')),
                              cv2.imread(str(out / sub / 'wide.png'))), sub


def test_demo_writes_boxes_scene_depth_normals(rock_run, demo_images,
                                               tmp_path):
    work_dir, _ = rock_run
    out = tmp_path / 'demo'
    log = run_demo(ROCK, work_dir / 'iter_2.pth', demo_images[0], out,
                   syn.TINY_MODEL, '--benchmark', '--warmup', '1')
    check_demo_outputs(out, demo_images)
    assert re.search(r'wide.png: \d+ detections with score >= 0.0, scene '
                     r'\w+ \d\.\d{4}', log)
    assert re.search(r'network only \d+\.\d+ img/s, end to end \d+\.\d+',
                     log)
