"""Every config loads, builds, and merges to the dict it merged to before.

The merged dicts are kept in ``tests/data/merged_configs.json.gz``. A change
that means to move a setting regenerates it with
``python tests/test_tools/test_configs.py --update`` and says why in its
commit; a refactor of the bases must leave it untouched.
"""
import difflib
import functools
import gzip
import json
import pprint
import sys
from pathlib import Path

import pytest
from mmengine.config import Config

from dct_mmdet.registry import MODELS
from dct_mmdet.utils import register_all_modules

register_all_modules()

REPO = Path(__file__).resolve().parents[2]

CONFIGS = sorted(p for p in (REPO / 'configs').rglob('*.py')
                 if '_base_' not in p.parts)
SNAPSHOT = REPO / 'tests' / 'data' / 'merged_configs.json.gz'
# Top-level keys that an inherited ``mmdet::`` base brings along and that
# nothing reads, each with the value it has there; merged_text drops them.
# ``cudnn_benchmark = True`` of mmdet's ``_base_/models/ssd300.py`` (the
# SSD300 model bases inherit it) is an MMDetection 2.x leftover: mmengine's
# runner reads ``env_cfg.cudnn_benchmark`` (False in default_runtime.py).
UNUSED_MMDET_KEYS = {'cudnn_benchmark': True}


def merged_text(cfg):
    """The merged config as sorted, pretty-printed text.

    ``_scope_='mmdet'``, which mmengine tags onto whatever a config inherits
    from an ``mmdet::`` base, is dropped: dct_mmdet registers into mmdet's
    registries and every config's ``default_scope`` is ``mmdet``, so the tag
    builds the same thing. So are the top-level UNUSED_MMDET_KEYS.
    """

    def strip(value):
        if isinstance(value, dict):
            return {key: strip(item) for key, item in value.items()
                    if not (key == '_scope_' and item == 'mmdet')}
        if isinstance(value, (list, tuple)):
            return type(value)(strip(item) for item in value)
        return value

    merged = {
        key: value
        for key, value in cfg.to_dict().items()
        if not (key in UNUSED_MMDET_KEYS
                and value == UNUSED_MMDET_KEYS[key])
    }
    return pprint.pformat(strip(merged), sort_dicts=True, width=79)


def snapshot_key(path):
    return path.relative_to(REPO).as_posix()


@functools.lru_cache(maxsize=None)
def load_snapshot():
    with gzip.open(SNAPSHOT, 'rt') as file:
        return json.load(file)


def test_there_are_configs():
    assert CONFIGS


def test_snapshot_lists_exactly_the_configs():
    assert sorted(load_snapshot()) == sorted(map(snapshot_key, CONFIGS))


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.name)
def test_config_loads_and_builds(path):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmdet'
    assert cfg.custom_imports == dict(
        imports=['dct_mmdet'], allow_failed_imports=False)

    expected = load_snapshot().get(snapshot_key(path))
    actual = merged_text(cfg)
    if expected != actual:
        diff = '\n'.join(difflib.unified_diff(
            (expected or '').splitlines(), actual.splitlines(),
            'snapshot', 'now', lineterm=''))
        pytest.fail(f'{snapshot_key(path)} merges differently:\n{diff}')

    cfg.model.backbone.init_cfg = None
    model = MODELS.build(cfg.model)
    if cfg.model.type == 'DCTImageClassifier':
        assert model.fc.out_features == 1000
        assert model.backbone.arch == cfg.model.backbone.arch
    else:
        assert model.with_bbox
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader',
                'val_evaluator', 'optim_wrapper', 'train_cfg'):
        assert key in cfg, key


def update_snapshot():
    snapshot = {snapshot_key(path): merged_text(Config.fromfile(path))
                for path in CONFIGS}
    with gzip.GzipFile(SNAPSHOT, 'wb', mtime=0) as raw:
        raw.write(json.dumps(snapshot, indent=0, sort_keys=True).encode())
    print(f'wrote {len(snapshot)} merged configs to {SNAPSHOT}')


if __name__ == '__main__':
    if sys.argv[1:] != ['--update']:
        sys.exit(f'usage: python {sys.argv[0]} --update')
    update_snapshot()
