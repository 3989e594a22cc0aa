import pytest
from mmengine.config import Config

from conftest import REPO
from dct_mmdet.registry import MODELS
from dct_mmdet.utils import register_all_modules

register_all_modules()

CONFIGS = sorted(p for p in (REPO / 'configs').rglob('*.py')
                 if '_base_' not in p.parts)


def test_there_are_configs():
    assert CONFIGS


@pytest.mark.parametrize('path', CONFIGS, ids=lambda p: p.name)
def test_config_loads_and_builds(path):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmdet'
    assert cfg.custom_imports == dict(
        imports=['dct_mmdet'], allow_failed_imports=False)
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
