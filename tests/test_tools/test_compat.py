import re
import subprocess
import sys

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader

import dct_mmdet  # noqa: F401  (applies the fixes)
from conftest import REPO


def test_full_checkpoints_load_under_torch_weights_only_default(tmp_path):
    path = tmp_path / 'full.pth'
    torch.save(
        dict(
            state_dict=dict(w=torch.ones(2)),
            message_hub=dict(log_scalars=dict(loss=HistoryBuffer())),
            meta=dict(seed=np.int64(3))), path)
    with pytest.raises(Exception, match='HistoryBuffer|weights_only'):
        torch.load(path)  # what mmengine 0.10.7 did under torch >= 2.6
    loaded = CheckpointLoader.load_checkpoint(str(path), map_location='cpu')
    assert loaded['state_dict']['w'].sum() == 2
    with pytest.raises(FileNotFoundError, match='missing.pth'):
        CheckpointLoader.load_checkpoint(str(tmp_path / 'missing.pth'))


def test_mmengine_package_helpers_have_pkg_resources():
    from mmengine.utils import is_installed
    assert is_installed('mmdet')


def test_mmdet_bases_are_resolved_once_per_process(monkeypatch):
    """mmengine 0.10.7 re-read mmdet's whole model zoo (about 100 YAML
    files) and reloaded pkg_resources for every ``mmdet::`` base named."""
    import importlib

    from mmengine.config import Config
    from mmengine.config import utils as config_utils
    config = REPO / 'configs/ssd_dct/ssd300_dct-lcrfa_8xb8-120e_coco.py'
    first = Config.fromfile(config).to_dict()
    reads, reloads = [], []
    load, reload = config_utils.load, importlib.reload
    monkeypatch.setattr(config_utils, 'load',
                        lambda *a, **k: reads.append(a) or load(*a, **k))
    monkeypatch.setattr(importlib, 'reload',
                        lambda module: reloads.append(module) or
                        reload(module))
    assert Config.fromfile(config).to_dict() == first
    assert reads == [] and reloads == []


def test_check_env_reports_a_usable_stack():
    result = subprocess.run([sys.executable, '-m', 'dct_mmdet.check_env'],
                            cwd=REPO,
                            capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'mmcv ops compiled' in result.stdout
    assert re.search(r'fix: checkpoint loading with weights_only=False +: '
                     r'active \(torch >= 2\.6 with mmengine <= 0\.10\.7\)',
                     result.stdout)
    assert len(re.findall(r'^fix: .* : active', result.stdout, re.M)) == 5
    assert result.stdout.strip().endswith('environment OK')


def test_each_fix_applies_only_to_the_affected_versions(monkeypatch):
    """The pinned stack needs every fix; releases past the affected ones
    need none (and check_env would say 'not needed')."""
    from dct_mmdet.utils import upstream_fixes
    assert upstream_fixes.release('torch')[:2] >= (2, 6)
    assert upstream_fixes.release('no-such-package') is None
    assert upstream_fixes.apply_upstream_fixes() == tuple(
        fix.name for fix in upstream_fixes.FIXES)
    newer = {'torch': (2, 13, 0), 'mmengine': (0, 10, 8), 'mmdet': (3, 3, 1)}
    monkeypatch.setattr(upstream_fixes, 'release', newer.get)
    assert upstream_fixes.apply_upstream_fixes() == ()
    newer['torch'] = (2, 5, 1)  # torch before its weights_only default
    newer['mmengine'] = (0, 10, 7)
    assert 'checkpoint loading with weights_only=False' not in \
        upstream_fixes.apply_upstream_fixes()


def test_missing_mmcv_ops_is_one_actionable_error(monkeypatch):
    import importlib.util

    from dct_mmdet.utils import check_mmcv_ops
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, 'find_spec', lambda name, *a:
        None if name == 'mmcv._ext' else real_find_spec(name, *a))
    with pytest.raises(ImportError, match='no-build-isolation'):
        check_mmcv_ops()


def test_reader_benchmark_prints_medians_and_ratios(toy_root):
    from conftest import run_tool
    out = run_tool('tools/analysis_tools/benchmark_reader.py',
                   toy_root / 'val', '--repeats', '2')
    readers = ('floor', 'native', 'jpeg2dct', 'cv2.imdecode', 'PIL')
    rows = {fields[0]: fields[1:] for fields in map(str.split,
                                                     out.splitlines())
            if len(fields) == 4 and fields[0] in readers}
    assert set(rows) == set(readers)
    for ms, vs_floor, vs_cv2 in rows.values():
        assert float(ms) > 0 and vs_floor.endswith('x') and \
            vs_cv2.endswith('x')
    assert rows['floor'][1] == '1.00x' and rows['cv2.imdecode'][2] == '1.00x'
    assert '2 threads vs 1' in out


def test_l2_norm_starts_at_its_scale_without_init_weights():
    """mmdet's L2Norm weight would be uninitialised memory until
    init_weights (init_detector without a checkpoint never calls it)."""
    from mmdet.models.necks import SSDNeck
    from mmdet.models.necks.ssd_neck import L2Norm
    norm = L2Norm(512, 20.)
    assert torch.all(norm.weight == 20)
    neck = SSDNeck(in_channels=(64, 96), out_channels=(64, 96, 64),
                   level_strides=(2, ), level_paddings=(1, ),
                   l2_norm_scale=10.)
    assert torch.all(neck.l2_norm.weight == 10)
    with torch.no_grad():
        outs = neck([torch.randn(1, 64, 8, 8), torch.randn(1, 96, 4, 4)])
    assert all(torch.isfinite(o).all() for o in outs)
    # Training still starts from the scale, and the weight still learns.
    neck.init_weights()
    assert torch.all(neck.l2_norm.weight == 10)
    assert neck.l2_norm.weight.requires_grad
