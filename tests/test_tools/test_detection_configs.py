"""Every SSD-DCT / RGB-baseline config trains one iteration and predicts on
a tiny VOC-format tree (or the toy COCO set), through its own pipelines."""
from pathlib import Path

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import build_optim_wrapper
from PIL import Image

from conftest import CDAUG_TOY_CONFIG, REPO, smooth_image
from dct_mmdet.registry import DATASETS, METRICS, MODELS, TASK_UTILS
from dct_mmdet.utils import register_all_modules

register_all_modules()

ALL_CONFIGS = sorted((REPO / 'configs/ssd_dct').glob('*.py'))
# Augmentation siblings (`<parent schedule>-cdaug_` / `-lazyaug_`): the
# parent with the compressed-domain (DCT) or lazy (RGB) SSD augmentation.
LAZY_SIBLINGS = {
    path: path.with_name(
        path.name.replace('-cdaug_', '_').replace('-lazyaug_', '_'))
    for path in ALL_CONFIGS
    if '-cdaug_' in path.name or '-lazyaug_' in path.name
}
DETECTION_CONFIGS = sorted(
    p for p in (REPO / 'configs/ssd_dct').glob('ssd300_*_8xb8-*.py')
    if p not in LAZY_SIBLINGS)
# Test-set siblings (`<parent>_<test set>.py`): the parent's model and
# training, another test set. Each is tested with its parent's trained model.
SIBLINGS = {
    path: path.with_name(path.stem.rsplit('_', 1)[0] + '.py')
    for path in DETECTION_CONFIGS
    if path.with_name(path.stem.rsplit('_', 1)[0] + '.py').is_file()
}
TRAINED_CONFIGS = [p for p in DETECTION_CONFIGS if p not in SIBLINGS]
# One augmentation sibling per dataset base and input layout trains here
# (the others differ from these only in their parent's model:
# test_lazy_sibling_changes_only_the_train_pipeline; the toy one trains and
# resumes through tools/train.py in test_scale_out.py).
LAZY_TRAINED = [
    REPO / 'configs/ssd_dct' / f'{stem}.py' for stem in (
        'ssd300_dct-lcrfa-thinner_8xb8-120e-cdaug_voc0712',
        'ssd300_dct-itsc-vgg_8xb8-120e-cdaug_voc07',  # 4:4:4 input
        'ssd300_dct-lcrfa-y_8xb8-120e-cdaug_coco',
        'ssd300_dct-insa-custom_8xb8-120e-cdaug_voc0712-train',
        'ssd300_r50_8xb8-120e-lazyaug_voc07',
        'ssd300_vgg16_8xb8-120e-lazyaug_coco',
    )
]
INSA_CONFIGS = [p for p in DETECTION_CONFIGS if '_dct-insa-' in p.stem]
VOC_OBJECT = """<object><name>{name}</name><difficult>0</difficult>
<bndbox><xmin>{box[0]}</xmin><ymin>{box[1]}</ymin><xmax>{box[2]}</xmax>
<ymax>{box[3]}</ymax></bndbox></object>"""


def write_voc_tree(root: Path, per_split: int = 2) -> Path:
    """VOC2007 (train, val, test) and VOC2012 (train, val), trainval being
    train + val as in VOC, with a few smooth JPEGs and one or two boxes
    each."""
    rng = np.random.default_rng(0)
    classes = ('dog', 'car', 'person')
    for year, splits in (('VOC2007', ('train', 'val', 'test')),
                         ('VOC2012', ('train', 'val'))):
        base = root / year
        for folder in ('Annotations', 'JPEGImages', 'ImageSets/Main'):
            (base / folder).mkdir(parents=True, exist_ok=True)
        for split in splits:
            ids = [f'{split}_{i:03d}' for i in range(per_split)]
            (base / f'ImageSets/Main/{split}.txt').write_text(
                '\n'.join(ids) + '\n')
            for index, image_id in enumerate(ids):
                height, width = 180 + 20 * index, 240
                Image.fromarray(smooth_image(height, width, index)).save(
                    base / f'JPEGImages/{image_id}.jpg', quality=90)
                objects = []
                for number in range(1 + index % 2):
                    x1, y1 = rng.integers(0, 100), rng.integers(0, 80)
                    box = (x1, y1, x1 + rng.integers(50, 130),
                           y1 + rng.integers(50, 90))
                    objects.append(
                        VOC_OBJECT.format(
                            name=classes[(index + number) % 3], box=box))
                (base / f'Annotations/{image_id}.xml').write_text(
                    f'<annotation><filename>{image_id}.jpg</filename><size>'
                    f'<width>{width}</width><height>{height}</height>'
                    f'<depth>3</depth></size>{"".join(objects)}</annotation>')
        main = base / 'ImageSets/Main'
        (main / 'trainval.txt').write_text((main / 'train.txt').read_text() +
                                           (main / 'val.txt').read_text())
    return root


@pytest.fixture(scope='module')
def voc_root(tmp_path_factory):
    return write_voc_tree(tmp_path_factory.mktemp('VOCdevkit'))


def point_at_data(cfg: Config, voc_root: Path, toy_root: Path) -> None:
    """Point the config's datasets at the test data."""
    train = cfg.train_dataloader.dataset.dataset
    if cfg.train_dataloader.dataset.dataset.type == 'ConcatDataset':
        for dataset in train.datasets:
            dataset.data_root = f'{voc_root}/'
        cfg.test_dataloader.dataset.data_root = f'{voc_root}/'
        return
    toy = dict(
        data_root=f'{toy_root}/',
        metainfo=dict(classes=('circle', 'square', 'triangle')))
    train.update(toy, ann_file='annotations/train.json',
                 data_prefix=dict(img='train/'))
    cfg.test_dataloader.dataset.update(
        toy, ann_file='annotations/val.json', data_prefix=dict(img='val/'))


@pytest.mark.parametrize('path', TRAINED_CONFIGS + LAZY_TRAINED,
                         ids=lambda p: p.stem)
def test_config_trains_one_iteration_and_predicts(path, voc_root, toy_root):
    """One training iteration, then a prediction on the config's first test
    image and on each of its test-set siblings' (same model and training,
    test_sibling_changes_only_the_test_set), each through its own test
    pipeline and evaluator."""
    cfg = Config.fromfile(path)
    point_at_data(cfg, voc_root, toy_root)
    # ImageNet / classification checkpoints are not available here.
    cfg.model.backbone.init_cfg = None
    cfg.model.neck.pop('fc_init_checkpoint', None)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()

    train_set = DATASETS.build(cfg.train_dataloader.dataset)
    batch = pseudo_collate([train_set[0], train_set[1]])
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    model.train()
    losses = model.train_step(batch, optim_wrapper)
    assert set(losses) >= {'loss_cls', 'loss_bbox'}
    assert all(torch.isfinite(v) for v in losses.values())

    model.eval()
    predict_and_evaluate(model, cfg, toy_root)
    for sibling, parent in SIBLINGS.items():
        if parent == path:
            sibling_cfg = Config.fromfile(sibling)
            point_at_data(sibling_cfg, voc_root, toy_root)
            test_set = predict_and_evaluate(model, sibling_cfg, toy_root)
            assert test_set.metainfo['dataset_type'] == 'VOC2012'
            assert test_set.get_data_info(0)['img_path'] == \
                f'{voc_root}/VOC2012/JPEGImages/val_000.jpg'

    # SSD300's six grids and 8732 anchors on the 300x300 training batch,
    # in the head's outputs and in its prior generator alike.
    with torch.no_grad():
        inputs = model.data_preprocessor(batch, True)['inputs']
        _, bbox_preds = model(inputs, mode='tensor')
    grids = [tuple(b.shape[-2:]) for b in bbox_preds]
    assert grids == [(38, 38), (19, 19), (10, 10), (5, 5), (3, 3), (1, 1)]
    assert sum(b[0].numel() // 4 for b in bbox_preds) == 8732
    priors = model.bbox_head.prior_generator.grid_priors(grids, device='cpu')
    assert sum(len(p) for p in priors) == 8732


def predict_and_evaluate(model, cfg, toy_root):
    """The model's prediction for the first image of ``cfg``'s test set,
    through its test pipeline, evaluated by its evaluator; DCT configs also
    under the 'resample' test protocol (what
    ``--cfg-options test_dataloader.dataset.pipeline.0.protocol=resample``
    gives), whose network input has the re-encode protocol's shapes."""
    test_set = DATASETS.build(cfg.test_dataloader.dataset)
    with torch.no_grad():
        [result] = model.test_step(pseudo_collate([test_set[0]]))
    first = cfg.test_dataloader.dataset.pipeline[0]
    if first.type == 'DCTTestInput':
        resample_set = DATASETS.build(
            dict(cfg.test_dataloader.dataset,
                 pipeline=[dict(first, protocol='resample')] +
                 cfg.test_dataloader.dataset.pipeline[1:]))
        batches = [pseudo_collate([data[0]])
                   for data in (test_set, resample_set)]
        with torch.no_grad():
            inputs = [model.data_preprocessor(b)['inputs'] for b in batches]
            [resampled] = model.test_step(batches[1])
        for component in ('y', 'cb', 'cr'):
            assert inputs[0][component].shape == inputs[1][component].shape
        assert resampled.metainfo['scale_factor'] == \
            result.metainfo['scale_factor']
        assert resampled.pred_instances.bboxes.shape[1] == 4
    pred = result.pred_instances
    assert pred.bboxes.shape[1] == 4
    assert len(pred) <= cfg.model.test_cfg.max_per_img
    height, width = result.ori_shape
    if len(pred):  # boxes come back in the original image's pixels
        assert pred.bboxes[:, 2].max() <= width + 1e-3
        assert pred.bboxes[:, 3].max() <= height + 1e-3
    if 'VOC' in cfg.val_evaluator.type:
        metric = METRICS.build(cfg.val_evaluator)
        metric.dataset_meta = test_set.metainfo
        metric.process({}, [result.to_dict()])
        scores = metric.evaluate(1)
        assert 0 <= scores['pascal_voc/mAP_area'] <= 1
        assert 0 <= scores['pascal_voc/mAP_11points'] <= 1
    else:
        check_coco_evaluator(cfg, test_set, result, toy_root)
    return test_set


def check_coco_evaluator(cfg, test_set, result, toy_root):
    """The config's CocoMetric (classwise, COCO's maxDets 1/10/100) on the
    toy val annotations: the ground truth given back as predictions scores
    1 (so labels map to the right category ids), and the model's
    prediction for image 0 next to it evaluates."""
    assert cfg.val_evaluator.type == 'CocoMetric'
    assert cfg.val_evaluator.classwise is True
    assert tuple(cfg.val_evaluator.proposal_nums) == (1, 10, 100)

    def evaluate(samples):
        metric = METRICS.build(
            dict(cfg.val_evaluator,
                 ann_file=f'{toy_root}/annotations/val.json'))
        metric.dataset_meta = test_set.metainfo
        metric.process({}, samples)
        return metric.evaluate(len(samples))

    truth = []
    for index in range(len(test_set)):
        info = test_set.get_data_info(index)
        instances = [i for i in info['instances'] if not i['ignore_flag']]
        truth.append(
            dict(
                img_id=info['img_id'],
                ori_shape=(info['height'], info['width']),
                pred_instances=dict(
                    bboxes=torch.tensor([i['bbox'] for i in instances],
                                        dtype=torch.float32).reshape(-1, 4),
                    scores=torch.ones(len(instances)),
                    labels=torch.tensor([i['bbox_label']
                                         for i in instances]))))
    classes = test_set.metainfo['classes']
    keys = {f'coco/bbox_{k}' for k in ('mAP', 'mAP_50', 'mAP_75', 'mAP_s',
                                       'mAP_m', 'mAP_l')}
    keys |= {f'coco/{name}_precision' for name in classes}
    scores = evaluate(truth)
    assert set(scores) == keys
    assert scores['coco/bbox_mAP'] == scores['coco/bbox_mAP_50'] == 1
    assert all(scores[f'coco/{name}_precision'] == 1 for name in classes)

    # The 80-class head's predictions of the toy set's three classes.
    prediction = result.to_dict()
    instances = result.pred_instances
    prediction['pred_instances'] = \
        instances[instances.labels < len(classes)].to_dict()
    scores = evaluate([prediction] + truth[1:])
    assert set(scores) == keys
    assert 0 <= scores['coco/bbox_mAP'] <= 1


# (image list, sub_data_root) of each VOC split a config name can say:
# `_<train set>` or `_<train set>_<test set>` (test set VOC07 test if
# unnamed).
VOC_SPLITS = {
    'voc07': [('VOC2007/ImageSets/Main/trainval.txt', 'VOC2007/')],
    'voc0712': [('VOC2007/ImageSets/Main/trainval.txt', 'VOC2007/'),
                ('VOC2012/ImageSets/Main/trainval.txt', 'VOC2012/')],
    # The INSA seed's --p07p12.
    'voc0712-train': [('VOC2007/ImageSets/Main/train.txt', 'VOC2007/'),
                      ('VOC2012/ImageSets/Main/train.txt', 'VOC2012/')],
    'voc07-test': [('VOC2007/ImageSets/Main/test.txt', 'VOC2007/')],
    'voc12-val': [('VOC2012/ImageSets/Main/val.txt', 'VOC2012/')],
}
VOC_CONFIGS = [p for p in DETECTION_CONFIGS if '_voc' in p.stem]


def splits(datasets):
    return [(d.ann_file, d.data_prefix.sub_data_root) for d in datasets]


@pytest.mark.parametrize('path', VOC_CONFIGS, ids=lambda p: p.stem)
def test_voc_splits_are_the_ones_the_name_says(path):
    """Every INSA config trains on the seed's VOC07 train + VOC12 train;
    the other VOC configs on VOC07 trainval (+ VOC12 trainval); all test
    on VOC07 test but the `_voc12-val` siblings, on VOC2012 val."""
    cfg = Config.fromfile(path)
    names = path.stem.split('_')[3:]  # train set [, test set]
    train_set, test_set = (names + ['voc07-test'])[:2]
    if '_dct-insa-' in path.stem:
        assert train_set == 'voc0712-train'
    train = cfg.train_dataloader.dataset
    assert train.type == 'RepeatDataset' and train.times == 10
    assert train.dataset.type == 'ConcatDataset'
    assert splits(train.dataset.datasets) == VOC_SPLITS[train_set]
    # Only the image lists differ from the trainval sets: same pipeline,
    # filtering, data root.
    trainval = {'VOC2007/': cfg.voc07_trainval, 'VOC2012/': cfg.voc12_trainval}
    for dataset in train.dataset.datasets:
        assert dict(dataset, ann_file=None) == dict(
            trainval[dataset.data_prefix.sub_data_root], ann_file=None)
    test = cfg.test_dataloader.dataset
    assert cfg.val_dataloader.dataset == test
    assert splits([test]) == VOC_SPLITS[test_set]
    assert test.test_mode is True
    for evaluator in (cfg.val_evaluator, cfg.test_evaluator):
        assert evaluator == dict(
            type='VOCAllModesMetric', eval_modes=('area', '11points'))


def test_insa_configs_and_their_voc12_val_siblings():
    stems = sorted(p.stem for p in INSA_CONFIGS)
    prefixes = ('custom', 'y-cb4-cbcr-cb5', 'cb5-only', 'up-sampling-rfa',
                'deconv')
    trained = [
        f'ssd300_dct-insa-{p}_8xb8-120e_voc0712-train' for p in prefixes
    ]
    assert stems == sorted(trained + [f'{s}_voc12-val' for s in trained])
    assert sorted((p.stem, q.stem) for p, q in SIBLINGS.items()) == \
        sorted((f'{s}_voc12-val', s) for s in trained)


@pytest.mark.parametrize('sibling', list(SIBLINGS), ids=lambda p: p.stem)
def test_sibling_changes_only_the_test_set(sibling):
    """A test-set sibling is its parent (same model, training, schedule)
    with another image list in its val/test dataloaders (same pipeline)
    and the same evaluator."""
    child = Config.fromfile(sibling).to_dict()
    parent = Config.fromfile(SIBLINGS[sibling]).to_dict()
    for key in ('val_dataloader', 'test_dataloader'):
        child_test, parent_test = child[key].pop('dataset'), \
            parent[key].pop('dataset')
        assert dict(child_test, ann_file=None, data_prefix=None) == \
            dict(parent_test, ann_file=None, data_prefix=None)
    assert child == parent


def pretrained_dct_backbone(path):
    backbone = Config.fromfile(path).model.backbone
    init = backbone.get('init_cfg') or {}
    return backbone.type in ('DCTResNet', 'DCTVGG') and \
        init.get('type') == 'Pretrained'


@pytest.mark.parametrize(
    'path', [p for p in TRAINED_CONFIGS if pretrained_dct_backbone(p)],
    ids=lambda p: p.stem)
def test_backbone_init_is_the_matching_classification_run(path):
    """A DCT detector starts from what `tools/train.py` writes for the
    ImageNet config of the same backbone."""
    backbone = Config.fromfile(path).model.backbone
    work_dir, checkpoint = Path(backbone.init_cfg.checkpoint).parts[-2:]
    classification = Config.fromfile(
        REPO / 'configs/dct_imagenet' / f'{work_dir}.py')
    assert backbone.init_cfg.prefix == 'backbone.'
    # The same network: only its taps, strides and final pooling may
    # differ (a different style or batch-norm eps computes something else
    # with the same tensors).
    where = ('out_indices', 'strides', 'final_pool', 'init_cfg',
             'rgb_pretrained')
    classifier = {
        k: v for k, v in classification.model.backbone.items()
        if k not in where
    }
    assert {k: v for k, v in backbone.items() if k not in where} == \
        classifier
    assert checkpoint == \
        f'epoch_{classification.train_cfg.max_epochs}.pth'


@pytest.mark.parametrize(
    'path', [p for p in TRAINED_CONFIGS if pretrained_dct_backbone(p)],
    ids=lambda p: p.stem)
def test_classification_checkpoint_fits_the_detector_backbone(path):
    """``backbone.*`` of the classification model, prefix stripped as
    init_cfg's ``prefix='backbone.'`` does, loads into the detector's
    backbone with no missing, unexpected or mis-shaped tensor. Built on the
    meta device: shapes only, no memory, no init."""
    backbone = Config.fromfile(path).model.backbone
    work_dir = Path(backbone.init_cfg.checkpoint).parts[-2]
    classifier = Config.fromfile(
        REPO / 'configs/dct_imagenet' / f'{work_dir}.py').model
    backbone.init_cfg = None
    with torch.device('meta'):
        detector_backbone = MODELS.build(backbone)
        classification_model = MODELS.build(classifier)
    wanted = {k: v.shape for k, v in detector_backbone.state_dict().items()}
    given = {
        k[len('backbone.'):]: v.shape
        for k, v in classification_model.state_dict().items()
        if k.startswith('backbone.')
    }
    assert wanted, 'the detector backbone has no tensors'
    assert sorted(set(wanted) - set(given)) == []  # missing
    assert sorted(set(given) - set(wanted)) == []  # unexpected
    assert [k for k in wanted if wanted[k] != given[k]] == []  # shapes


@pytest.mark.parametrize(
    'path', [p for p in TRAINED_CONFIGS if 'DCTVGG' in str(
        Config.fromfile(p).model.backbone.type)], ids=lambda p: p.stem)
def test_vgg_dct_fc6_fc7_start_from_the_classifier_fc_layers(path):
    """jpeg_deep's VGG-DCT detectors take fc6/fc7 from the FC-4096 layers of
    the classification run their backbone starts from (its
    classification2ssd.py); the full-size shapes convert. The ITSC network's
    conversion is not in our reference: its fc6/fc7 start random."""
    from dct_mmdet.models.necks.ssd_extras_neck import fc_layers_to_fc6_fc7
    model = Config.fromfile(path).model
    if '-itsc-' in path.stem:
        assert 'fc_init_checkpoint' not in model.neck
        return
    assert model.neck.fc_init_checkpoint == model.backbone.init_cfg.checkpoint
    work_dir = Path(model.neck.fc_init_checkpoint).parts[-2]
    classifier = Config.fromfile(
        REPO / 'configs/dct_imagenet' / f'{work_dir}.py').model
    model.backbone.init_cfg = None
    model.neck.fc_init_checkpoint = None
    with torch.device('meta'):
        state = MODELS.build(classifier).state_dict()
        neck = MODELS.build(model.neck)
    converted = fc_layers_to_fc6_fc7(
        state['hidden.0.weight'], state['hidden.0.bias'],
        state['hidden.3.weight'], state['hidden.3.bias'], 512, 1024, 3)
    wanted = [neck.fc7[1].weight, neck.fc7[1].bias, neck.fc7[3].weight,
              neck.fc7[3].bias]
    assert [t.shape for t in converted] == [t.shape for t in wanted]


@pytest.mark.parametrize('path', ALL_CONFIGS, ids=lambda p: p.stem)
def test_train_workers_restart_every_epoch(path):
    """An exact --resume needs workers re-seeded each epoch (README)."""
    assert Config.fromfile(path).train_dataloader.persistent_workers is False


# Caffe SSD300 priors (reference section 5.1, MMDetection's SSD300 bases):
# VOC (and the toy set) basesize_ratio_range (0.2, 0.9), COCO (0.15, 0.9);
# min/max sizes in pixels as SSDAnchorGenerator derives them at 300 px.
ANCHOR_SIZES = {
    'voc': ((0.2, 0.9), [30, 60, 111, 162, 213, 264],
            [60, 111, 162, 213, 264, 315]),
    'coco': ((0.15, 0.9), [21, 45, 99, 153, 207, 261],
             [45, 99, 153, 207, 261, 315]),
}


@pytest.mark.parametrize('path', ALL_CONFIGS, ids=lambda p: p.stem)
def test_ssd300_prior_settings(path):
    head = Config.fromfile(path).model.bbox_head
    family = 'coco' if path.stem.endswith('_coco') else 'voc'
    ratio_range, min_sizes, max_sizes = ANCHOR_SIZES[family]
    anchors = head.anchor_generator
    assert anchors.type == 'SSDAnchorGenerator'
    assert anchors.input_size == 300 and anchors.scale_major is False
    assert tuple(anchors.basesize_ratio_range) == ratio_range
    assert list(anchors.strides) == [8, 16, 32, 64, 100, 300]
    assert [list(r) for r in anchors.ratios] == \
        [[2], [2, 3], [2, 3], [2, 3], [2], [2]]
    generator = TASK_UTILS.build(anchors)
    assert list(generator.base_sizes) == min_sizes
    # Level k's second square anchor: sqrt(min_k * max_k) = min_k * scale.
    derived_max = [
        size * float(scales[1])**2
        for size, scales in zip(generator.base_sizes, generator.scales)
    ]
    np.testing.assert_allclose(derived_max, max_sizes, rtol=1e-6)
    assert generator.num_base_priors == [4, 6, 6, 6, 4, 4]
    coder = TASK_UTILS.build(head.bbox_coder)
    assert head.bbox_coder.type == 'DeltaXYWHBBoxCoder'
    assert list(coder.means) == [0, 0, 0, 0]
    assert list(coder.stds) == [0.1, 0.1, 0.2, 0.2]


def test_every_trained_ssd_config_has_an_augmentation_sibling():
    """Every config that trains (not the test-set siblings) has a
    compressed-domain (DCT) or lazy (RGB) augmentation sibling."""
    parents = set(LAZY_SIBLINGS.values())
    trained = [p for p in ALL_CONFIGS
               if p not in LAZY_SIBLINGS and p not in SIBLINGS and
               '_r50-rgb-' not in p.name]
    assert sorted(p.name for p in trained if p not in parents) == []
    for path in LAZY_TRAINED:
        assert path in LAZY_SIBLINGS
    assert REPO / CDAUG_TOY_CONFIG in LAZY_SIBLINGS


def train_sets(cfg):
    dataset = cfg.train_dataloader.dataset
    while 'datasets' not in dataset and 'dataset' in dataset:
        dataset = dataset.dataset
    return dataset.get('datasets', [dataset])


@pytest.mark.parametrize('sibling', list(LAZY_SIBLINGS),
                         ids=lambda p: p.stem)
def test_lazy_sibling_changes_only_the_train_pipeline(sibling):
    """An augmentation sibling is its parent (model, schedule, test
    pipeline, image lists) with the lazy train pipeline of its
    representation in every train set, and (DCT) a data preprocessor that
    re-quantises the resampled input at the re-encode quality."""
    child_cfg = Config.fromfile(sibling)
    parent_cfg = Config.fromfile(LAZY_SIBLINGS[sibling])
    child_sets, parent_sets = train_sets(child_cfg), train_sets(parent_cfg)
    dct = '-cdaug_' in sibling.name
    toy = sibling.stem.endswith('_toy')
    expected = child_cfg.cdaug_train_pipeline if dct else \
        child_cfg.rgb_lazy_train_pipeline
    assert len(child_sets) == len(parent_sets)
    for child, parent in zip(child_sets, parent_sets):
        assert child.pipeline == expected
        assert dict(child, pipeline=None) == dict(parent, pipeline=None)
        types = [t.type for t in parent.pipeline]
        lazy_types = [t.type for t in child.pipeline]
        # The same geometric draws, in the same order, with the same args.
        geometric = ('Expand', 'MinIoURandomCrop', 'Resize', 'RandomFlip')
        assert [t for t in types if t in geometric] == \
            [t[4:] for t in lazy_types if t.startswith('Lazy')]
        for step in parent.pipeline:
            if step.type in geometric:
                [lazy] = [t for t in child.pipeline
                          if t.type == f'Lazy{step.type}']
                assert dict(lazy, type=None) == dict(step, type=None)
        if not toy:
            photometric = 'DCTPhotoMetricDistortion' if dct else \
                'PhotoMetricDistortion'
            [ours] = [t for t in child.pipeline if t.type == photometric]
            [theirs] = [t for t in parent.pipeline
                        if t.type == 'PhotoMetricDistortion']
            assert dict(ours, type=None) == dict(theirs, type=None)
    child, parent = child_cfg.to_dict(), parent_cfg.to_dict()
    for cfg in (child, parent):
        cfg.pop('train_dataloader')
        for key in [k for k in cfg if k.endswith('_lazy')]:
            cfg.pop(key)
    if dct:
        quality = [t.quality for t in parent_sets[0].pipeline
                   if t.type == 'JPEGToDCT']
        assert child['model']['data_preprocessor'].pop('requantize') == \
            quality[0] == 75
    assert child == parent
    assert child_cfg.train_dataloader == dict(
        parent_cfg.train_dataloader,
        dataset=child_cfg.train_dataloader.dataset)


@pytest.mark.parametrize('sibling', LAZY_TRAINED, ids=lambda p: p.stem)
def test_lazy_sibling_draws_the_parents_boxes(sibling, voc_root, toy_root):
    """With one seed, the sibling's training samples carry exactly the
    parent's boxes and labels (the same augmentation draws, bit for bit),
    at the same network input size."""
    samples = {}
    for path in (sibling, LAZY_SIBLINGS[sibling]):
        cfg = Config.fromfile(path)
        point_at_data(cfg, voc_root, toy_root)
        dataset = DATASETS.build(cfg.train_dataloader.dataset)
        np.random.seed(1)
        samples[path] = [dataset[i]['data_samples'] for i in range(6)]
    for ours, theirs in zip(*samples.values()):
        assert torch.equal(ours.gt_instances.bboxes.tensor,
                           theirs.gt_instances.bboxes.tensor)
        assert torch.equal(ours.gt_instances.labels,
                           theirs.gt_instances.labels)
        assert ours.img_shape == theirs.img_shape == (300, 300)
        assert ours.flip == theirs.flip
