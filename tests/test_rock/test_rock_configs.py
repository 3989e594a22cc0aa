"""Every config in configs/rock/: the published settings (rock.md /
rock-pytorch) read from the merged config, and one training step of a
narrow copy of its model on the synthetic NYUv2 through its own pipeline."""
import math
import random
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config, DictAction
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper

import rock_synthetic as syn
from conftest import REPO
from dct_mmdet.registry import DATASETS, MODELS
from dct_mmdet.utils import register_all_modules

register_all_modules()

ALL_TASKS = ('scene', 'depth', 'normals')
# Per config: aux tasks, (iterations, LR step), train / val annotations,
# all-priors confidence loss, DCT input.
CONFIGS = {
    'rock_r50-d16_1xb8-30k_nyuv2.py':
    dict(tasks=ALL_TASKS),
    'ssd_r50-d16_1xb8-30k_nyuv2.py':
    dict(tasks=()),
    'rock-scene-only_r50-d16_1xb8-30k_nyuv2.py':
    dict(tasks=('scene', )),
    'rock-depth-only_r50-d16_1xb8-30k_nyuv2.py':
    dict(tasks=('depth', )),
    'rock-normals-only_r50-d16_1xb8-30k_nyuv2.py':
    dict(tasks=('normals', )),
    'rock_r50-d16_1xb8-40k_nyuv2-673_nyuv2-654.py':
    dict(tasks=ALL_TASKS, schedule=(40000, 30000), split=('train_minus_val',
                                                          'val')),
    'rock_r50-d16_all-priors_1xb8-40k_nyuv2-673_nyuv2-654.py':
    dict(tasks=ALL_TASKS, schedule=(40000, 30000),
         split=('train_minus_val', 'val'), all_priors=True),
    'rock_dct-lcrfa-thinner-d16_1xb8-30k_nyuv2.py':
    dict(tasks=ALL_TASKS, dct=True),
}
AUX_LOSSES = dict(scene='loss_scene', depth='loss_depth',
                  normals='loss_normals')


def settings(name):
    return dict(
        dict(schedule=(30000, 25000), split=('train', 'test'),
             all_priors=False, dct=False), **CONFIGS[name])


def load(name):
    return Config.fromfile(REPO / 'configs/rock' / name)


def test_every_config_is_listed():
    assert sorted(p.name for p in (REPO / 'configs/rock').glob('*.py')) == \
        sorted(CONFIGS)


@pytest.mark.parametrize('name', sorted(CONFIGS))
def test_published_settings(name):
    cfg, expected = load(name), settings(name)
    iters, step = expected['schedule']
    # Adam, coupled L2 weight decay, no clipping, no warm-up.
    assert cfg.optim_wrapper == dict(
        type='OptimWrapper',
        optimizer=dict(type='Adam', lr=5e-5, weight_decay=2e-3))
    assert cfg.param_scheduler == [
        dict(type='MultiStepLR', by_epoch=False, begin=0, end=iters,
             milestones=[step], gamma=0.1)
    ]
    assert cfg.train_cfg.type == 'IterBasedTrainLoop'
    assert cfg.train_cfg.max_iters == iters
    # Batch 8, shuffled, last incomplete batch dropped.
    train = cfg.train_dataloader
    assert train.batch_size == 8 and train.drop_last
    assert train.sampler == dict(type='InfiniteSampler', shuffle=True)
    assert cfg.auto_scale_lr.base_batch_size == 8
    assert not cfg.auto_scale_lr.enable
    train_ann, val_ann = expected['split']
    assert train.dataset.ann_file == f'annotations/{train_ann}.json'
    assert cfg.val_dataloader.dataset.ann_file == f'annotations/{val_ann}.json'
    assert cfg.test_dataloader.dataset.ann_file == 'annotations/test.json'
    # Images without boxes are kept (the dataset's default, not overridden).
    dataset = DATASETS.build(dict(train.dataset, lazy_init=True))
    assert dataset.filter_cfg == dict(filter_empty_gt=False)
    # Augmentation: SSD crop with its defaults, flip 0.5, 480 x 640,
    # torchvision colour jitter, aux targets at stride 16.
    steps = {t.type: t for t in train.dataset.pipeline}
    assert steps['ROCKRandomCrop'] == dict(type='ROCKRandomCrop')
    assert steps['ROCKRandomFlip'].prob == 0.5
    assert steps['Resize'].scale == (640, 480)
    assert not steps['Resize'].keep_ratio
    assert steps['ROCKColorJitter'] == dict(type='ROCKColorJitter')
    assert steps['ROCKAuxTargets'].stride == 16
    assert ('JPEGToDCT' in steps) == expected['dct']

    model = cfg.model
    assert model.type == 'ROCKDetector'
    assert tuple(model.neck.aux_tasks) == expected['tasks']
    assert model.neck.get('momentum', 0.01) == 0.01
    assert model.backbone.norm_eval == (not expected['dct'])
    head = model.bbox_head
    assert head.num_classes == 19
    assert head.loc_weight == 6 and head.per_image_norm
    assert head.anchor_generator == dict(type='ROCKPriorGenerator',
                                         img_size=(480, 640))
    assert head.bbox_coder.target_stds == [0.1, 0.1, 0.2, 0.2]
    assert head.bbox_coder.target_means == [0, 0, 0, 0]
    if expected['all_priors']:
        assert head.loss_cls == dict(type='AllPriorsConfLoss', neg_factor=5.0)
    else:
        assert head.get('loss_cls') is None
    assert model.loss_scene.loss_weight == 3
    assert model.loss_depth.loss_weight == 3
    assert model.loss_normals.loss_weight == 30
    train_cfg = model.train_cfg
    assert train_cfg.assigner == dict(
        type='MaxIoUAssigner', pos_iou_thr=0.5, neg_iou_thr=0.4,
        min_pos_iou=0., ignore_iof_thr=-1, gt_max_assign_all=False)
    assert train_cfg.neg_pos_ratio == 3 and train_cfg.smoothl1_beta == 1
    test_cfg = model.test_cfg
    assert test_cfg.nms == dict(type='nms', iou_threshold=0.3)
    assert test_cfg.score_thr == 0.05 and test_cfg.max_per_img == 100
    for evaluator, ann in ((cfg.val_evaluator, val_ann),
                           (cfg.test_evaluator, 'test')):
        assert evaluator.type == 'ROCKMetric'
        assert tuple(evaluator.proposal_nums) == (1, 10, 100)
        assert evaluator.ann_file.endswith(f'annotations/{ann}.json')


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    return syn.convert_nyuv2(tmp_path_factory.mktemp('rock_configs'))


def tiny_config(name, data_root: Path):
    """The config with the narrow model of the CLI tests."""
    cfg = load(name)
    options = syn.TINY_DCT_MODEL if settings(name)['dct'] else syn.TINY_MODEL
    cfg.merge_from_dict({
        key: DictAction._parse_iterable(value)
        for key, value in (option.split('=', 1) for option in options)
    })
    cfg.train_dataloader.dataset.data_root = f'{data_root}/'
    return cfg


@pytest.mark.parametrize('name', sorted(CONFIGS))
def test_every_config_trains_one_step(name, data_root):
    """A batch of image 0 and the box-less image 2, through the config's
    own train pipeline; the losses are the config's, all finite, and the
    step changes the weights."""
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    cfg = tiny_config(name, data_root)
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    ids = [dataset.get_data_info(i)['img_id'] for i in range(len(dataset))]
    batch = pseudo_collate([dataset[ids.index(i)] for i in (0, 2)])
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.train()
    # Frozen backbone BN statistics for RGB, trained for the DCT stem.
    assert model.backbone.norm_eval == (not settings(name)['dct'])
    momenta = {m.momentum for m in model.neck.modules()
               if isinstance(m, torch.nn.BatchNorm2d)}
    assert momenta == {0.01}
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    before = model.bbox_head.cls_convs[0][0].weight.detach().clone()
    log_vars = model.train_step(batch, optim_wrapper)
    expected = {'loss', 'loss_cls', 'loss_bbox'} | {
        AUX_LOSSES[task] for task in settings(name)['tasks']}
    assert set(log_vars) == expected
    assert all(
        math.isfinite(float(torch.as_tensor(v).detach()))
        for v in log_vars.values())
    assert not torch.equal(model.bbox_head.cls_convs[0][0].weight, before)
