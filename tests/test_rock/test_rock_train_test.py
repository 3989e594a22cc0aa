"""ROCK and the baseline SSD through tools/train.py and tools/test.py on
the synthetic NYUv2 (2 iterations of a narrow network at 480 x 640), and
the demo on the trained checkpoint."""
import json
import re

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


def test_rock_on_dct_coefficients_trains_and_tests(data_root,
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


def test_demo_writes_boxes_scene_depth_normals(rock_run, data_root,
                                               tmp_path):
    work_dir, _ = rock_run
    out = tmp_path / 'demo'
    log = run_tool('demo/rock_demo.py', ROCK, work_dir / 'iter_2.pth',
                   data_root / 'jpeg', '--out-dir', out, '--score-thr', '0',
                   '--benchmark', '--warmup', '1', '--cfg-options',
                   *syn.TINY_MODEL, 'model.test_cfg.score_thr=0.0')
    names = sorted(p.stem for p in (data_root / 'jpeg').glob('*.jpg'))
    for folder, suffix in (('detections', 'jpg'), ('depth', 'png'),
                           ('normals', 'png'), ('scene', 'txt')):
        assert sorted(p.stem for p in (out / folder).glob(f'*.{suffix}')) \
            == names, folder
    ranking = (out / 'scene' / f'{names[0]}.txt').read_text().splitlines()
    assert len(ranking) == 27
    assert re.search(r'network only \d+\.\d+ img/s, end to end \d+\.\d+',
                     log)
