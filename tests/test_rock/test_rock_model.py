"""ROCK's network: parameter counts of the published layer list, priors,
shapes, initialisation and predict outputs."""
import math

import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.config import Config

from conftest import REPO
from dct_mmdet.registry import MODELS, TASK_UTILS
from dct_mmdet.utils import register_all_modules

register_all_modules()

ROCK = 'configs/rock/rock_r50-d16_1xb8-30k_nyuv2.py'
BASELINE = 'configs/rock/ssd_r50-d16_1xb8-30k_nyuv2.py'
DCT = 'configs/rock/rock_dct-lcrfa-thinner-d16_1xb8-30k_nyuv2.py'


def build(config, **neck):
    cfg = Config.fromfile(REPO / config)
    cfg.model.backbone.init_cfg = None
    cfg.model.neck.update(neck)
    return MODELS.build(cfg.model)


def tiny(config=ROCK, **neck):
    """The same layout, narrow: ResNet-50 with 8 base channels."""
    cfg = Config.fromfile(REPO / config)
    cfg.model.backbone.update(init_cfg=None, base_channels=8)
    cfg.model.neck.update(in_channels=256, widen_factor=0.0625, **neck)
    cfg.model.bbox_head.in_channels = [256, 64, 32, 16, 16, 16]
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model.eval()


def count(module):
    return sum(p.numel() for p in module.parameters())


def test_parameter_counts_match_the_published_layer_list():
    rock = build(ROCK)
    assert count(rock.backbone) == 23_508_032
    assert count(rock.neck.rock) == 7_378_971
    branches = {t: count(b) for t, b in rock.neck.rock.branches.items()}
    assert branches == dict(scene=930_331, depth=1_188_992,
                            normals=1_844_608)
    assert count(rock.neck.extra_layers) == 13_905_536
    assert count(rock.bbox_head) == 4_534_992
    assert count(rock) == 49_327_531
    assert count(build(BASELINE)) == 41_948_560
    # An ablation keeps only its branch.
    assert count(build(ROCK, aux_tasks=('depth', ))) == \
        41_948_560 + 3_415_040 + 1_188_992


def test_7228_rectangular_priors():
    generator = TASK_UTILS.build(dict(type='ROCKPriorGenerator'))
    sizes = [(30, 40), (15, 20), (8, 10), (4, 5), (2, 3), (1, 1)]
    priors = generator.grid_priors(sizes, device='cpu')
    assert [len(p) for p in priors] == [4800, 1800, 480, 120, 24, 4]
    # (cx, cy, w, h) = (8, 8, 44.8, 33.6) px: 0.07 of W and of H.
    torch.testing.assert_close(
        priors[0][0], torch.tensor([8 - 22.4, 8 - 16.8, 8 + 22.4, 8 + 16.8]))
    # Level 4: steps 240 x 213 (floor), centres 106.5, 319.5, 532.5.
    centres = (priors[4][:, 0] + priors[4][:, 2]) / 2
    torch.testing.assert_close(centres[::4][:3],
                               torch.tensor([106.5, 319.5, 532.5]))
    # Level 5: the wide and tall priors are clamped to the image.
    widths = priors[5][:, 2] - priors[5][:, 0]
    heights = priors[5][:, 3] - priors[5][:, 1]
    assert widths[2] == pytest.approx(640) and heights[3] == pytest.approx(
        480)
    assert widths[0] == pytest.approx(0.87 * 640)
    assert heights[0] == pytest.approx(0.87 * 480)


def test_backbone_has_torchvision_dilation():
    model = tiny()
    layer4 = model.backbone.layer4
    assert layer4[0].conv2.dilation == (1, 1)
    assert layer4[0].conv2.stride == (1, 1)
    assert layer4[1].conv2.dilation == (2, 2)
    assert layer4[2].conv2.padding == (2, 2)


def test_shapes_aux_predictions_and_init():
    model = tiny()
    with torch.no_grad():
        (cls_scores, bbox_preds), aux = model._forward(
            torch.randn(2, 3, 480, 640))
    assert [tuple(s.shape[-2:]) for s in cls_scores] == \
        [(30, 40), (15, 20), (8, 10), (4, 5), (2, 3), (1, 1)]
    assert cls_scores[0].shape[1] == 4 * 20 and bbox_preds[1].shape[1] == 24
    assert aux['scene'].shape == (2, 27)
    assert aux['depth'].shape == (2, 1, 30, 40)
    assert aux['normals'].shape == (2, 3, 30, 40)
    bias = model.bbox_head.cls_convs[0][0].bias.view(4, 20)
    torch.testing.assert_close(bias[:, :19],
                               torch.full((4, 19), -math.log(99)))
    assert (bias[:, 19] == 0).all()
    baseline = tiny(aux_tasks=())
    assert baseline.neck.rock is None
    with torch.no_grad():
        assert baseline._forward(torch.randn(1, 3, 480, 640))[1] == {}


def test_predict_returns_boxes_and_aux_maps():
    model = tiny()
    sample = DetDataSample(
        metainfo=dict(
            img_shape=(480, 640),
            ori_shape=(480, 640),
            batch_input_shape=(480, 640),
            scale_factor=(1., 1.)))
    with torch.no_grad():
        result = model.predict(torch.randn(1, 3, 480, 640), [sample])[0]
    assert len(result.pred_instances) <= 100
    scores = result.pred_scene['scores']
    assert scores.shape == (27, ) and float(scores.sum()) == pytest.approx(1)
    assert result.pred_depth.data.shape == (1, 30, 40)
    assert (result.pred_depth.data > 0).all()
    torch.testing.assert_close(result.pred_normals.data.norm(dim=0),
                               torch.ones(30, 40))


def test_wrong_input_size_is_a_clear_error():
    model = tiny()
    sample = DetDataSample(
        metainfo=dict(
            img_shape=(512, 640),
            ori_shape=(512, 640),
            batch_input_shape=(512, 640),
            scale_factor=(1., 1.)))
    with pytest.raises(ValueError, match='img_size'):
        model.predict(torch.randn(1, 3, 512, 640), [sample])


def test_dct_backbone_gives_the_stride_16_map():
    cfg = Config.fromfile(REPO / DCT)
    cfg.model.backbone.update(rgb_pretrained=None, widen_factor=0.125)
    cfg.model.neck.update(in_channels=256, widen_factor=0.0625)
    cfg.model.bbox_head.in_channels = [256, 64, 32, 16, 16, 16]
    model = MODELS.build(cfg.model).eval()
    inputs = dict(
        y=torch.randn(1, 64, 60, 80),
        cb=torch.randn(1, 64, 30, 40),
        cr=torch.randn(1, 64, 30, 40))
    with torch.no_grad():
        (cls_scores, _), aux = model._forward(inputs)
    assert cls_scores[0].shape[-2:] == (30, 40)
    assert aux['normals'].shape == (1, 3, 30, 40)


def test_detector_weights_scene_depth_normals_by_3_3_30(monkeypatch):
    """Known auxiliary predictions: scene CE (uniform logits: ln 27) x3,
    depth smooth-L1 on log-depth (|diff| 0.5: 0.125) x3, normals opposite
    to the target (1 - cos + L2 = 2 + 4) x30."""
    from mmengine.structures import InstanceData, PixelData
    model = tiny()
    with torch.no_grad():
        feats, _ = model.extract_feat(torch.randn(1, 3, 480, 640))
    target_normals = torch.zeros(3, 30, 40)
    target_normals[2] = 1
    aux = dict(
        scene=torch.zeros(1, 27),
        depth=torch.zeros(1, 1, 30, 40),
        normals=-target_normals[None])
    monkeypatch.setattr(model, 'extract_feat', lambda inputs: (feats, aux))
    sample = DetDataSample(
        metainfo=dict(
            img_shape=(480, 640),
            batch_input_shape=(480, 640),
            pad_shape=(480, 640),
            scene_label=5))
    sample.gt_instances = InstanceData(
        bboxes=torch.tensor([[100., 80., 300., 260.]]),
        labels=torch.tensor([3]))
    sample.gt_depth = PixelData(data=torch.full((1, 30, 40), math.exp(0.5)))
    sample.gt_normals = PixelData(
        data=target_normals, valid=torch.ones(1, 30, 40, dtype=torch.bool))
    losses = model.loss(None, [sample])
    assert float(losses['loss_scene']) == pytest.approx(3 * math.log(27))
    assert float(losses['loss_depth']) == pytest.approx(3 * 0.125)
    assert float(losses['loss_normals']) == pytest.approx(30 * 6)
    assert {'loss_cls', 'loss_bbox'} <= set(losses)
