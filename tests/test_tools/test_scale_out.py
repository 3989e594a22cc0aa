"""Distributed training on CPU, exact resume, publishing, the model index and
config inheritance across packages."""
import functools
import http.server
import os
import re
import shutil
import socket
import sys
import threading
from pathlib import Path

import pytest
import torch
import yaml
from mmengine.config import Config
from mmengine.runner.checkpoint import CheckpointLoader

from conftest import CDAUG_TOY_CONFIG, REPO, TOY_CONFIG as CONFIG
from conftest import run_tool, toy_options as options
from dct_mmdet.registry import MODELS
from dct_mmdet.utils import register_all_modules

register_all_modules()


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def metric(log, name='coco/bbox_mAP'):
    return re.findall(rf'{name}: (\d\.\d+)', log)[-1]


def step_losses(log, epoch):
    return re.findall(rf'Epoch\(train\)\s+\[{epoch}\]\[\d+/\d+\].*?'
                      r'loss: (\d+\.\d+)', log)


def test_two_process_gloo_training_evaluates_like_one_process(
        toy_root, tmp_path):
    import subprocess
    env = dict(
        os.environ,
        PYTHON=sys.executable,
        PORT=str(free_port()),
        MASTER_ADDR='127.0.0.1',
        OMP_NUM_THREADS='1')
    result = subprocess.run(
        ['bash', 'tools/dist_train.sh', CONFIG, '2', '--work-dir',
         str(tmp_path), *options(toy_root, 1)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-4000:]
    assert "backend': 'gloo'" in log or 'backend=gloo' in log or \
        "'gloo'" in log
    # 16 images, 2 processes x batch 4: 2 iterations each.
    assert re.search(r'Epoch\(train\) \[1\]\[2/2\]', log)
    distributed = metric(log)
    single = run_tool('tools/test.py', CONFIG, tmp_path / 'epoch_1.pth',
                      '--work-dir', tmp_path / 'single',
                      *options(toy_root, 1))
    assert metric(single) == distributed


@pytest.mark.parametrize('config,resume_from', [
    (CONFIG, 'epoch_1.pth'),
    (CDAUG_TOY_CONFIG, None),
], ids=['published', 'cdaug'])
def test_resume_continues_exactly_like_an_uninterrupted_run(
        config, resume_from, toy_root, tmp_path):
    """``--resume CKPT`` and ``--resume`` alone (the work dir's latest
    checkpoint) continue at the next epoch with the losses of a run never
    stopped. Also with the compressed-domain pipeline: its lazy flips are
    drawn in the (re-seeded) workers, the materialisation in the main
    process."""
    exact = [
        'default_hooks.logger.interval=1', 'train_dataloader.num_workers=1',
        'train_cfg.val_interval=10'
    ]
    straight = run_tool('tools/train.py', config, '--work-dir',
                        tmp_path / 'straight', *options(toy_root, 2), *exact)
    cut = tmp_path / 'cut'
    run_tool('tools/train.py', config, '--work-dir', cut,
             *options(toy_root, 1), *exact)
    resume = ['--resume'] + ([cut / resume_from] if resume_from else [])
    resumed = run_tool('tools/train.py', config, '--work-dir', cut,
                       *resume, *options(toy_root, 2), *exact)
    assert 'resumed epoch: 1, iter: 4' in resumed
    assert not re.search(r'Epoch\(train\)\s+\[1\]\[', resumed)
    assert (cut / 'epoch_2.pth').exists()
    expected = step_losses(straight, 2)
    assert len(expected) == 4
    assert step_losses(resumed, 2) == expected


@pytest.fixture(scope='module')
def published(trained, tmp_path_factory):
    work_dir, _ = trained
    out = run_tool('tools/model_converters/publish_model.py',
                   work_dir / 'epoch_1.pth',
                   tmp_path_factory.mktemp('zoo') / 'toy.pth')
    path = Path(re.search(r'published (\S+)', out).group(1))
    return work_dir, path


def test_published_checkpoint_is_stripped_and_safe(published):
    work_dir, path = published
    assert re.fullmatch(r'toy_\d{8}-[0-9a-f]{8}\.pth', path.name)
    checkpoint = torch.load(path)  # torch's default weights_only=True
    assert set(checkpoint) == {'meta', 'state_dict'}
    assert checkpoint['meta']['dataset_meta']['classes'] == [
        'circle', 'square', 'triangle'
    ]
    full = torch.load(work_dir / 'epoch_1.pth', weights_only=False)
    for key, value in full['state_dict'].items():
        assert torch.equal(checkpoint['state_dict'][key], value)


def test_url_checkpoints_are_hash_checked(published, tmp_path, monkeypatch):
    _, path = published
    served = tmp_path / 'served'
    served.mkdir()
    shutil.copy(path, served / path.name)
    bad_name = re.sub(r'-[0-9a-f]{8}\.', '-00000000.', path.name)
    shutil.copy(path, served / bad_name)
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch_home'))
    try:
        base = f'http://127.0.0.1:{server.server_address[1]}'
        loaded = CheckpointLoader.load_checkpoint(f'{base}/{path.name}')
        assert set(loaded) == {'meta', 'state_dict'}
        with pytest.raises(RuntimeError, match='invalid hash value'):
            CheckpointLoader.load_checkpoint(f'{base}/{bad_name}')
    finally:
        server.shutdown()
        server.server_close()


def test_every_config_has_a_model_index_entry():
    index = yaml.safe_load((REPO / 'model-index.yml').read_text())
    listed = set()
    for metafile in index['Import']:
        meta = yaml.safe_load((REPO / metafile).read_text())
        collections = {c['Name'] for c in meta['Collections']}
        for model in meta['Models']:
            assert (REPO / model['Config']).is_file(), model['Config']
            assert model['In Collection'] in collections
            assert Path(model['Config']).stem == model['Name']
            listed.add(model['Config'])
    configs = {
        str(p.relative_to(REPO))
        for p in (REPO / 'configs').rglob('*.py') if '_base_' not in p.parts
    }
    assert configs == listed


def test_a_config_outside_the_repo_inherits_ours(tmp_path):
    user = tmp_path / 'my_detector.py'
    user.write_text(
        "_base_ = 'dct_mmdet::ssd_dct/"
        "ssd300_dct-lcrfa-thinner-w025_1xb8-24e_toy.py'\n"
        'model = dict(bbox_head=dict(num_classes=5))\n')
    cfg = Config.fromfile(user)
    assert cfg.model.backbone.widen_factor == 0.25
    model = MODELS.build(cfg.model)
    assert model.bbox_head.num_classes == 5
    assert type(model.backbone).__name__ == 'DCTResNet'


def test_our_configs_can_inherit_mmdets(tmp_path):
    user = tmp_path / 'runtime.py'
    user.write_text("_base_ = 'mmdet::_base_/default_runtime.py'\n")
    cfg = Config.fromfile(user)
    assert cfg.default_scope == 'mmdet'
    assert cfg.default_hooks.checkpoint.type == 'CheckpointHook'
