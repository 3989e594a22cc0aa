"""ROCK's losses on hand-made inputs with known values."""
import math

import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.config import Config
from mmengine.structures import InstanceData

from conftest import REPO, dct_inputs
from dct_mmdet.registry import MODELS
from dct_mmdet.utils import register_all_modules

register_all_modules()


def test_all_priors_loss_is_mean_positive_plus_5_mean_negative():
    loss = MODELS.build(dict(type='AllPriorsConfLoss'))
    # 3 classes + background (index 3); CE of a prior = log(sum exp) - own.
    scores = torch.tensor([[2., 0., 0., 0.], [0., 1., 0., 0.],
                           [0., 0., 0., 3.], [0., 0., 0., 0.],
                           [5., 0., 0., 0.]])
    labels = torch.tensor([0, 1, 3, 3, 3])
    weights = torch.tensor([1., 1., 1., 1., 0.])  # the last one is ignored

    def ce(row, label):
        return math.log(sum(math.exp(v) for v in scores[row])) - \
            float(scores[row, label])

    mean_pos = (ce(0, 0) + ce(1, 1)) / 2
    mean_neg = (ce(2, 3) + ce(3, 3)) / 2
    assert float(loss(scores, labels, weights)) == pytest.approx(
        mean_pos + 5 * mean_neg)
    # The head's normaliser replaces P: (sum_pos + 5 P/N sum_neg) / 4.
    assert float(loss(scores, labels, weights, avg_factor=4)) == \
        pytest.approx(2 * (mean_pos + 5 * mean_neg) / 4)
    # No positive: zero, as rock-pytorch.
    assert float(loss(scores, torch.full((5, ), 3), weights)) == 0


def test_normals_loss_values():
    loss = MODELS.build(dict(type='ROCKNormalsLoss'))
    target = torch.zeros(1, 3, 2, 2)
    target[:, 2] = 1
    valid = torch.ones(1, 1, 2, 2, dtype=torch.bool)
    assert float(loss(5 * target, target, valid)) == pytest.approx(0)
    assert float(loss(-target, target, valid)) == pytest.approx(6)
    sideways = torch.zeros(1, 3, 2, 2)
    sideways[:, 0] = 0.3  # 90 degrees: (1 - 0) + 2
    assert float(loss(sideways, target, valid)) == pytest.approx(3)
    # Invalid pixels do not count.
    mixed = target.clone()
    mixed[..., 0, 0] = -1
    valid[..., 0, 0] = False
    assert float(loss(mixed, target, valid)) == pytest.approx(0)


def test_depth_loss_on_log_depth():
    loss = MODELS.build(dict(type='ROCKDepthLoss'))
    depth = torch.tensor([[[[0.5, 2.0], [4.0, 8.0]]]])
    assert float(loss(depth.log(), depth)) == pytest.approx(0)
    # |diff| = 0.5 < beta: 0.5 * 0.5^2 ; |diff| = 2 >= beta: 2 - 0.5.
    assert float(loss(torch.zeros(1, 1, 1, 2),
                      torch.tensor([[[[math.exp(0.5),
                                       math.exp(2)]]]]))) == \
        pytest.approx((0.125 + 1.5) / 2)
    # Ground truth beyond 10 m is clamped to 10 m.
    assert float(loss(torch.full((1, 1, 1, 1), math.log(10)),
                      torch.full((1, 1, 1, 1), 25.))) == pytest.approx(0)


# The ROCK configs' assignment and sampling (SSD300's, background < 0.4).
ROCK_TRAIN_CFG = Config.fromfile(
    REPO / 'configs/_base_/models/rock-ssd_r50-d16.py').model.train_cfg
HEAD = dict(
    num_classes=19,
    in_channels=(4, ) * 6,
    anchor_generator=dict(type='ROCKPriorGenerator'),
    bbox_coder=dict(
        type='DeltaXYWHBBoxCoder',
        target_means=[0., 0., 0., 0.],
        target_stds=[0.1, 0.1, 0.2, 0.2]),
    train_cfg=ROCK_TRAIN_CFG)
SIZES = [(30, 40), (15, 20), (8, 10), (4, 5), (2, 3), (1, 1)]


def head_losses(head_type='ROCKSSDHead', seed=0, **options):
    """Losses of a 2-image batch: one box in the first image, none in the
    second; the conv weights are zero (uniform scores: CE = ln 20 for every
    prior) unless ``seed`` asks for random features and weights."""
    torch.manual_seed(seed)
    head = MODELS.build(dict(type=head_type, **HEAD, **options))
    feats = [torch.randn(2, 4, h, w) for h, w in SIZES]
    if seed == 0:
        for conv in [*head.cls_convs, *head.reg_convs]:
            torch.nn.init.zeros_(conv[0].weight)
            torch.nn.init.zeros_(conv[0].bias)
    samples = []
    for boxes in ([[100., 80., 300., 260.]], []):
        sample = DetDataSample(
            metainfo=dict(
                img_shape=(480, 640),
                batch_input_shape=(480, 640),
                pad_shape=(480, 640)))
        sample.gt_instances = InstanceData(
            bboxes=torch.tensor(boxes).reshape(-1, 4),
            labels=torch.zeros(len(boxes), dtype=torch.long))
        samples.append(sample)
    with torch.no_grad():
        return head.loss(feats, samples)


def test_head_normalises_each_image_by_its_positives():
    losses = head_losses()
    cls_first, cls_empty = [float(x) for x in losses['loss_cls']]
    # (P + 3P) ln 20 / P, then the batch mean over 2 images.
    assert cls_first == pytest.approx(4 * math.log(20) / 2, rel=1e-5)
    assert cls_empty == 0 and float(losses['loss_bbox'][1]) == 0
    loc6 = float(losses['loss_bbox'][0])
    loc1 = float(head_losses(loc_weight=1.0)['loss_bbox'][0])
    assert loc6 == pytest.approx(6 * loc1) and loc1 > 0
    # All-priors confidence: ln 20 + 5 ln 20 over the image, / 2 images.
    all_priors = head_losses(loss_cls=dict(type='AllPriorsConfLoss'))
    assert float(all_priors['loss_cls'][0]) == pytest.approx(
        6 * math.log(20) / 2, rel=1e-5)


def test_head_in_ssd_mode_equals_mmdet_ssd_head():
    ours = head_losses(seed=1, loc_weight=1.0, per_image_norm=False)
    ssd = head_losses('SSDHead', seed=1)
    for key in ('loss_cls', 'loss_bbox'):
        torch.testing.assert_close(torch.stack(ours[key]),
                                   torch.stack(ssd[key]))


def test_plain_ssd_config_with_the_all_priors_loss():
    """An SSD config of configs/ssd_dct switched to ROCKSSDHead with SSD's
    normalisation (loc_weight=1, per_image_norm=False) and
    AllPriorsConfLoss: finite losses, the localisation loss equal to
    mmdet's SSDHead with the same weights, a different confidence loss,
    and predict works."""
    from mmengine.config import DictAction

    from conftest import MODEL_OPTIONS, TOY_CONFIG

    torch.manual_seed(0)
    cfg = Config.fromfile(REPO / TOY_CONFIG)
    cfg.merge_from_dict({
        key: DictAction._parse_iterable(value)
        for key, value in (option.split('=', 1) for option in MODEL_OPTIONS)
    })
    ssd = MODELS.build(cfg.model)
    ssd.init_weights()
    cfg.model.bbox_head.update(
        type='ROCKSSDHead',
        loc_weight=1.0,
        per_image_norm=False,
        loss_cls=dict(type='AllPriorsConfLoss'))
    model = MODELS.build(cfg.model)
    model.load_state_dict(ssd.state_dict())
    batch = dict(inputs=[], data_samples=[])
    for index in range(2):
        batch['inputs'].append(dct_inputs(300, packed=True))
        sample = DetDataSample(
            metainfo=dict(img_shape=(300, 300), ori_shape=(300, 300),
                          scale_factor=(1., 1.)))
        sample.gt_instances = InstanceData(
            bboxes=torch.tensor([[20., 30., 150., 170.]]),
            labels=torch.tensor([index]))
        batch['data_samples'].append(sample)
    data = model.data_preprocessor(batch, True)
    with torch.no_grad():
        ours = model(**data, mode='loss')
        theirs = ssd(**data, mode='loss')
    assert set(ours) == {'loss_cls', 'loss_bbox'}
    for key in ours:
        assert torch.isfinite(torch.stack(ours[key])).all() and \
            float(sum(ours[key])) > 0
    torch.testing.assert_close(torch.stack(ours['loss_bbox']),
                               torch.stack(theirs['loss_bbox']))
    assert not torch.allclose(torch.stack(ours['loss_cls']),
                              torch.stack(theirs['loss_cls']))
    model.eval()
    with torch.no_grad():
        results = model(**model.data_preprocessor(batch, False),
                        mode='predict')
    assert len(results) == 2
