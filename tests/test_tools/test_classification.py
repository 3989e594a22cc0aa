"""ImageNet-style classification of DCT backbones with the same tools, on a
tiny class-folder set the test writes."""
import re

import numpy as np
import pytest
import yaml
import torch
from mmengine.config import Config
from PIL import Image

from conftest import REPO, TOY_CONFIG, dct_inputs, run_tool, smooth_image
from dct_mmdet.registry import DATASETS, MODELS
from dct_mmdet.utils import register_all_modules

register_all_modules()

CLS_CONFIG = ('configs/dct_imagenet/'
              'dct-resnet_uber-late-concat-rfa-thinner_8xb32-90e_in1k.py')
TINY = ['model.backbone.widen_factor=0.125']


@pytest.fixture(scope='module')
def class_folders(tmp_path_factory):
    """Three colour classes, 4 train and 2 val JPEGs each, varied sizes."""
    root = tmp_path_factory.mktemp('imagenet')
    colours = {'red': (200, 30, 30), 'green': (30, 200, 30),
               'blue': (30, 30, 200)}
    for split, count in (('train', 4), ('val', 2)):
        for name, colour in colours.items():
            (root / split / name).mkdir(parents=True)
            for i in range(count):
                texture = smooth_image(160 + 16 * i, 200, seed=i) // 4
                image = np.clip(texture + np.array(colour), 0, 255)
                Image.fromarray(image.astype(np.uint8)).save(
                    root / split / name / f'{i}.JPEG', quality=90)
    return root


def cls_options(root, max_epochs=1):
    return [
        '--cfg-options', f'train_dataloader.dataset.data_root={root}',
        f'val_dataloader.dataset.data_root={root}',
        f'test_dataloader.dataset.data_root={root}',
        'train_dataloader.batch_size=6', 'train_dataloader.num_workers=0',
        'val_dataloader.batch_size=6', 'val_dataloader.num_workers=0',
        'test_dataloader.num_workers=0', 'model.num_classes=3',
        f'train_cfg.max_epochs={max_epochs}', 'default_hooks.logger.interval=1',
        *TINY
    ]


def test_dataset_reads_class_folders_and_list_files(class_folders, tmp_path):
    dataset = DATASETS.build(
        dict(type='DCTImageNet', data_root=str(class_folders),
             data_prefix=dict(img_path='train'), pipeline=[]))
    assert dataset.metainfo['classes'] == ('blue', 'green', 'red')
    assert len(dataset) == 12 and dataset[0]['gt_label'] == 0
    listing = tmp_path / 'val.txt'
    listing.write_text('red/0.JPEG 2\nblue/1.JPEG 0\n')
    listed = DATASETS.build(
        dict(type='DCTImageNet', ann_file=str(listing),
             data_prefix=dict(img_path=str(class_folders / 'val')),
             metainfo=dict(classes=('blue', 'green', 'red')), pipeline=[]))
    assert [d['gt_label'] for d in listed] == [2, 0]
    listing.write_text('red/0.JPEG two\n')
    with pytest.raises(ValueError, match='val.txt:1'):
        DATASETS.build(dict(type='DCTImageNet', ann_file=str(listing),
                            pipeline=[]))


def test_accuracy_metric_top_k():
    from dct_mmdet.evaluation import DCTAccuracy
    metric = DCTAccuracy(topk=(1, 2))
    scores = torch.tensor([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.5, 0.4, 0.1]])
    metric.process({}, [dict(pred_score=s, gt_label=torch.tensor(label))
                        for s, label in zip(scores, [0, 1, 1])])
    result = metric.compute_metrics(metric.results)
    assert result['top1'] == pytest.approx(100 / 3)
    assert result['top2'] == pytest.approx(100.0)


def test_classifier_trains_evaluates_and_feeds_a_detector(
        class_folders, tmp_path):
    log = run_tool('tools/train.py', CLS_CONFIG, '--work-dir', tmp_path,
                   *cls_options(class_folders))
    assert re.search(r'Epoch\(train\) \[1\]\[2/2\].*loss_cls', log)
    assert re.search(r'accuracy/top1: \d+\.\d+', log)
    assert re.search(r'accuracy/top5: 100\.0', log)  # 3 classes
    checkpoint = tmp_path / 'epoch_1.pth'

    cfg = Config.fromfile(TOY_CONFIG)
    cfg.model.backbone.widen_factor = 0.125
    cfg.model.neck.in_channels = [48, 256]
    cfg.model.neck.out_channels = [48, 256, 64, 32, 32, 32]
    cfg.model.bbox_head.in_channels = [48, 256, 64, 32, 32, 32]
    cfg.model.backbone.init_cfg = dict(
        type='Pretrained', checkpoint=str(checkpoint), prefix='backbone.')
    detector = MODELS.build(cfg.model)
    detector.init_weights()
    trained = torch.load(checkpoint, weights_only=False)['state_dict']
    backbone = detector.backbone.state_dict()
    assert len(backbone) > 100
    for key, value in backbone.items():
        torch.testing.assert_close(value, trained[f'backbone.{key}'])


def test_vgg_classifier_head_flattens_into_fc4096_layers():
    cfg = Config.fromfile(
        REPO / 'configs/dct_imagenet/dct-vgg_jpeg-deep-vgg-dct_8xb32-90e_in1k.py')
    cfg.model.backbone.widen_factor = 0.0625
    cfg.model.hidden_channels = (64, 48)
    model = MODELS.build(cfg.model)
    linear = [m for m in model.hidden if isinstance(m, torch.nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linear] == [
        (32 * 7 * 7, 64), (64, 48)]
    assert sum(isinstance(m, torch.nn.Dropout) for m in model.hidden) == 2
    assert model.fc.in_features == 48 and model.fc.out_features == 1000
    model.eval()
    assert model(dct_inputs(224, batch=2)).shape == (2, 1000)


# The INSA seed's ImageNet table (reference §7.1): experiment -> backbone,
# RGB-initialised?, lr, published top-1 / top-5 (%).
INSA_EXPERIMENTS = {
    1: ('uber_late_concat_rfa_thinner', False, 0.01, 52.5, 76.8),
    2: ('resnet_rgb', False, 0.01, 51.9, 76.1),
    3: ('resnet_rgb', True, 0.01, 67.5, 88.5),
    4: ('late_concat_rfa_thinner', True, 0.01, 61.2, 83.4),
    5: ('late_concat_more_channels', True, 0.01, 61.8, 83.8),
    6: ('late_concat_more_channels', True, 0.1, 62.1, 84.3),
    7: ('up_sampling_rfa', True, 0.01, 67.8, 87.8),
    8: ('cb5_only', True, 0.01, 61.4, 83.9),
    9: ('y_cb4_cbcr_cb5', True, 0.01, 60.8, 83.2),
    10: ('deconv', True, 0.01, 68.4, 88.7),
}


def test_every_insa_experiment_has_its_config():
    """Each row of the seed's table is one config with its backbone, RGB
    init, learning rate and published accuracy in the metafile."""
    models = yaml.safe_load(
        (REPO / 'configs/dct_imagenet/metafile.yml').read_text())['Models']
    by_experiment = {
        m['Metadata']['INSA experiment']: m
        for m in models if 'INSA experiment' in m['Metadata']
    }
    assert sorted(by_experiment) == sorted(INSA_EXPERIMENTS)
    for number, (arch, rgb_init, lr, top1, top5) in INSA_EXPERIMENTS.items():
        entry = by_experiment[number]
        cfg = Config.fromfile(REPO / entry['Config'])
        backbone = cfg.model.backbone
        assert (backbone.arch, entry['Metadata']['Backbone']) == (arch, arch)
        assert bool(backbone.get('rgb_pretrained')) == rgb_init, number
        assert cfg.optim_wrapper.optimizer.lr == lr, number
        assert cfg.optim_wrapper.optimizer.nesterov, number
        # The seed's protocol: shorter side 224, PIL quality-75 re-encode.
        steps = {t.type: t for t in cfg.train_dataloader.dataset.pipeline}
        assert steps['ResizeShortEdge'].scale == 224
        assert ('JPEGToDCT' in steps) == (arch != 'resnet_rgb'), number
        if arch != 'resnet_rgb':
            assert steps['JPEGToDCT'].quality == 75
            assert steps['JPEGToDCT'].get('encoder', 'pil') == 'pil'
        # It validates on a straight 224 x 224 resize.
        val_steps = [t.type for t in cfg.val_dataloader.dataset.pipeline]
        assert 'CenterCrop' not in val_steps, number
        resize = cfg.val_dataloader.dataset.pipeline[1]
        assert (resize.type, resize.scale, resize.keep_ratio) == \
            ('Resize', (224, 224), False), number
        # Keras batch norms; the stride where the RGB weights had it
        # (torchvision: the 3x3), else where the seed's Keras blocks did.
        assert (backbone.norm_cfg.momentum, backbone.norm_cfg.eps) == \
            (0.01, 1e-3), number
        assert backbone.style == ('pytorch' if rgb_init else 'caffe'), number
        published = entry['Metadata']['Published']
        assert (published['Top 1 Accuracy'],
                published['Top 5 Accuracy']) == (top1, top5), number


def test_jpeg_deep_configs_reencode_with_opencv_at_quality_95():
    """jpeg_deep's protocol, also for Gueguen et al.'s presets (except
    the INSA seed's experiment 1, on the seed's protocol)."""
    configs = [
        path for path in sorted((REPO / 'configs/dct_imagenet').glob('*.py'))
        if ('jpeg-deep' in path.name or 'uber' in path.name)
        and 'insa' not in path.name
    ]
    assert len(configs) == 7 + 5 + 3
    for path in configs:
        cfg = Config.fromfile(path)
        for loader in (cfg.train_dataloader, cfg.val_dataloader):
            steps = {t.type: t for t in loader.dataset.pipeline}
            assert (steps['JPEGToDCT'].quality,
                    steps['JPEGToDCT'].encoder) == (95, 'cv2'), path.name


def test_itsc_classifier_reads_444_chroma_and_trains(class_folders):
    """The ITSC 2019 network's ImageNet config: 4:4:4 re-encodes, Cb/Cr on
    the luma grid (28x28 at 224 px) into its block stem."""
    from mmengine.dataset import pseudo_collate
    from mmengine.optim import OptimWrapper
    cfg = Config.fromfile(
        REPO / 'configs/dct_imagenet/dct-vgg_itsc-vgg-dct_8xb32-90e_in1k.py')
    cfg.model.backbone.widen_factor = 0.0625
    cfg.model.hidden_channels = (32, 32)
    cfg.model.num_classes = 3
    dataset = DATASETS.build(
        dict(cfg.train_dataloader.dataset, data_root=str(class_folders)))
    samples = [dataset[i] for i in (0, 5)]
    for sample in samples:
        assert {k: tuple(sample['inputs'][k].shape)
                for k in ('y', 'cb', 'cr')} == \
            dict(y=(64, 28, 28), cb=(64, 28, 28), cr=(64, 28, 28))
    model = MODELS.build(cfg.model)
    model.init_weights()
    assert model.backbone.stem.input_norm.eps == 1e-3
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    before = model.backbone.stem.block_conv.weight.clone()
    losses = model.train_step(pseudo_collate(samples), optim)
    assert torch.isfinite(losses['loss_cls'])
    assert not torch.equal(before, model.backbone.stem.block_conv.weight)
