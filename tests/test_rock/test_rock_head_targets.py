"""ROCKSSDHead's detection loss on a handful of hand-placed priors: the
regression targets and smooth-L1 value, the 0.4-0.5 ignored band, hard
negative mining (3 negatives per positive, the highest CE first) and the
per-image division by the number of positives.

The head is the one of configs/_base_/models/rock-ssd_r50-d16.py (its
assigner, coder and loss settings) with 3 classes (background = 3) and its
prior generator swapped for a single level of chosen priors on a 200 x 200
image; the scores and offsets are given directly to ``loss_by_feat``."""
import math

import pytest
import torch
from mmengine.config import Config
from mmengine.structures import InstanceData

from conftest import REPO
from dct_mmdet.registry import MODELS
from dct_mmdet.utils import register_all_modules

register_all_modules()

IMG = (200, 200)
NUM_CLASSES = 3
BACKGROUND = NUM_CLASSES
GT = [20., 20., 60., 60.]  # 40 x 40, centre (40, 40)
# Prior 0: 32 x 40 at centre (38, 38); IoU with GT = 32*38 / (1600 + 1280
# - 1216) = 1216 / 1664 = 0.73.
PRIOR_0 = [22., 18., 54., 58.]
# Its targets (g - p) / (0.1 p) for x, y and ln(g / p) / 0.2 for w, h.
TARGET_0 = [(40 - 38) / (0.1 * 32), (40 - 38) / (0.1 * 40),
            math.log(40 / 32) / 0.2, 0.0]  # 0.625, 0.5, 1.1157, 0


class FixedPriors:
    """One level of ``len(priors)`` cells, one prior each."""

    num_levels = 1
    num_base_priors = [1]
    img_size = IMG

    def __init__(self, priors):
        self.priors = torch.tensor(priors)

    def grid_priors(self, featmap_sizes, dtype=torch.float32, device='cpu'):
        assert [tuple(s) for s in featmap_sizes] == [(1, len(self.priors))]
        return [self.priors.to(dtype=dtype, device=device)]

    def valid_flags(self, featmap_sizes, pad_shape, device='cpu'):
        return [torch.ones(len(self.priors), dtype=torch.bool)]


def rock_head(priors, **options):
    model = Config.fromfile(REPO /
                            'configs/_base_/models/rock-ssd_r50-d16.py').model
    assert model.train_cfg.assigner.pos_iou_thr == 0.5
    assert model.train_cfg.assigner.neg_iou_thr == 0.4
    assert model.train_cfg.neg_pos_ratio == 3
    cfg = dict(model.bbox_head, num_classes=NUM_CLASSES, in_channels=(4, ) * 6,
               train_cfg=model.train_cfg, **options)
    head = MODELS.build(cfg)
    head.prior_generator = FixedPriors(priors)
    return head


def metas(num_images):
    return [dict(img_shape=IMG, pad_shape=IMG, batch_input_shape=IMG)
            for _ in range(num_images)]


def gt(box, label):
    return InstanceData(bboxes=torch.tensor([box]),
                        labels=torch.tensor([label]))


def as_maps(per_prior):
    """(N, K, C) per-prior values -> the head's (N, C, 1, K) maps."""
    n, k, c = per_prior.shape
    return per_prior.permute(0, 2, 1).reshape(n, c, 1, k)


def smooth_l1(diff, beta=1.0):
    diff = abs(diff)
    return 0.5 * diff**2 / beta if diff < beta else diff - 0.5 * beta


def value(loss):
    return float(loss.detach())


def ce(logits, label):
    return math.log(sum(math.exp(v) for v in logits)) - logits[label]


def test_one_box_one_prior_regression_target_and_smooth_l1():
    far = [150., 150., 190., 190.]  # IoU 0: the one negative
    head = rock_head([PRIOR_0, far])
    scores = as_maps(torch.zeros(1, 2, NUM_CLASSES + 1))

    def loss_bbox(offsets):
        preds = torch.zeros(1, 2, 4)
        preds[0, 0] = torch.tensor(offsets)
        preds[0, 1] = 9.0  # the negative's offsets do not count
        losses = head.loss_by_feat([scores], [as_maps(preds)],
                                   [gt(GT, 1)], metas(1))
        return value(losses['loss_bbox'][0])

    # The hand-computed targets give zero.
    assert loss_bbox(TARGET_0) == pytest.approx(0, abs=1e-5)
    # Zero offsets: 0.5 * 0.625^2 + 0.5 * 0.5^2 + (1.1157 - 0.5) + 0, times
    # loc_weight 6, over P = 1.
    at_zero = 0.5 * 0.625**2 + 0.5 * 0.5**2 + (5 * math.log(1.25) - 0.5)
    assert sum(smooth_l1(t) for t in TARGET_0) == pytest.approx(at_zero)
    assert loss_bbox([0, 0, 0, 0]) == pytest.approx(6 * at_zero, rel=1e-5)
    # Errors -1, +1, +2 and -0.4 (both sides of beta = 1, both signs):
    # 0.5 + 0.5 + 1.5 + 0.08.
    off = [TARGET_0[0] - 1, TARGET_0[1] + 1, TARGET_0[2] + 2, -0.4]
    assert loss_bbox(off) == pytest.approx(6 * 2.58, rel=1e-5)


# Image 1: two positives, two priors in the ignored band, ten negatives.
PRIORS = [
    PRIOR_0,                # 0: positive, IoU 0.73
    GT,                     # 1: positive, IoU 1
    [35., 20., 75., 60.],   # 2: ignored, IoU 25*40 / 2200 = 0.455
    [20., 34., 60., 74.],   # 3: ignored, IoU 26*40 / 2160 = 0.481
    [38., 20., 78., 60.],   # 4: negative, IoU 22*40 / 2320 = 0.379
] + [[5. + 20 * j, 150., 20. + 20 * j, 170.] for j in range(9)]  # 5-13: IoU 0
POSITIVES, IGNORED, NEGATIVES = (0, 1), (2, 3), tuple(range(4, 14))
# Negative j's scores are (a_j, 0, 0, 0): CE against background =
# ln(e^a + 3), increasing with a.
NEG_LOGIT = dict(zip(NEGATIVES, (2.6, 0.3, 2.0, -1.0, 1.2, 3.1, 0.0, -0.5,
                                 1.7, 0.9)))
# 3 x 2 = 6 hardest: a = 3.1, 2.6, 2.0, 1.7, 1.2, 0.9.
SELECTED = (4, 6, 8, 9, 12, 13)
POS_LOGITS = {0: [0., 1., 0., 0.], 1: [0., 2., 0., 0.]}
# Priors in the ignored band get the highest CE of all (as background or as
# class 1): counted either way they would change the loss.
IGNORED_LOGITS = [6., 0., 0., 0.]
# Image 2: one box exactly on prior 5 (class 2), every other prior at IoU 0.
GT_2 = PRIORS[5]


def batch_inputs():
    scores = torch.zeros(2, len(PRIORS), NUM_CLASSES + 1)
    for j, logits in POS_LOGITS.items():
        scores[0, j] = torch.tensor(logits)
    for j in IGNORED:
        scores[0, j] = torch.tensor(IGNORED_LOGITS)
    for j, a in NEG_LOGIT.items():
        scores[0, j, 0] = a
    preds = torch.full((2, len(PRIORS), 4), 5.0)  # only positives count
    preds[:, POSITIVES] = 0
    preds[1, 5] = 0
    return scores.requires_grad_(), preds


def test_targets_leave_the_ignored_band_out():
    head = rock_head(PRIORS)
    anchors, valid = head.get_anchors([(1, len(PRIORS))], metas(1), 'cpu')
    labels, weights, _, bbox_weights, _ = head.get_targets(
        anchors, valid, [gt(GT, 1)], metas(1))
    expected_labels = [1, 1] + [BACKGROUND] * 12
    assert labels[0][0].tolist() == expected_labels
    assert weights[0][0].tolist() == [1, 1, 0, 0] + [1] * 10
    assert bbox_weights[0][0][:, 0].tolist() == [1, 1] + [0] * 12


def batch_losses(**options):
    """The head's losses on the two-image batch, and the sums they are
    made of: image 1's CE over its 2 positives and the 6 hardest negatives,
    image 2's (1 + 3) ln 4 (uniform scores: CE = ln 4 everywhere), and image
    1's smooth L1 with prior 0 at zero offsets (prior 1's targets are 0;
    image 2's positive is exact)."""
    head = rock_head(PRIORS, **options)
    scores, preds = batch_inputs()
    losses = head.loss_by_feat([as_maps(scores)], [as_maps(preds)],
                               [gt(GT, 1), gt(GT_2, 2)], metas(2))
    image_1_ce = sum(ce(POS_LOGITS[j], 1) for j in POSITIVES) + sum(
        math.log(math.exp(NEG_LOGIT[j]) + 3) for j in SELECTED)
    at_zero = sum(smooth_l1(t) for t in TARGET_0)
    return losses, scores, (image_1_ce, 4 * math.log(4), at_zero)


def test_hard_negatives_are_the_top_3p_by_loss_and_each_image_over_its_p():
    losses, scores, (image_1_ce, image_2_ce, at_zero) = batch_losses()
    # Each image over its own P (2, then 1), then over the 2 images.
    assert value(losses['loss_cls'][0]) == pytest.approx(
        image_1_ce / 2 / 2, rel=1e-5)
    assert value(losses['loss_cls'][1]) == pytest.approx(
        image_2_ce / 1 / 2, rel=1e-5)
    # Localisation weight 6.
    assert value(losses['loss_bbox'][0]) == pytest.approx(
        6 * at_zero / 2 / 2, rel=1e-5)
    assert value(losses['loss_bbox'][1]) == pytest.approx(0, abs=1e-6)
    # Exactly the positives and the selected negatives have a gradient:
    # not the ignored band, not the 4 easiest negatives.
    losses['loss_cls'][0].backward()
    used = scores.grad[0].abs().sum(-1) > 0
    assert used.nonzero().flatten().tolist() == sorted(POSITIVES + SELECTED)
    assert not scores.grad[1].any()


def test_ssd_normalisation_divides_by_the_batch_positives():
    """per_image_norm=False (mmdet's SSD): both images over P = 2 + 1."""
    losses, _, (image_1_ce, image_2_ce, at_zero) = batch_losses(
        per_image_norm=False, loc_weight=1.0)
    assert value(losses['loss_cls'][0]) == pytest.approx(
        image_1_ce / 3, rel=1e-5)
    assert value(losses['loss_cls'][1]) == pytest.approx(
        image_2_ce / 3, rel=1e-5)
    assert value(losses['loss_bbox'][0]) == pytest.approx(at_zero / 3,
                                                          rel=1e-5)
