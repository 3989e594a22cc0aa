import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.config import Config
from mmengine.structures import InstanceData

from conftest import REPO, dct_inputs
from dct_mmdet.registry import MODELS
from dct_mmdet.utils import register_all_modules

register_all_modules()

TOY_CONFIG = REPO / 'configs/ssd_dct/ssd300_dct-lcrfa-thinner-w025_1xb8-24e_toy.py'


def packed_batch(num_images=2, size=300):
    batch = dict(inputs=[], data_samples=[])
    for index in range(num_images):
        batch['inputs'].append(dct_inputs(size, packed=True))
        sample = DetDataSample(
            metainfo=dict(
                img_shape=(size, size),
                ori_shape=(size, size),
                scale_factor=(1.0, 1.0)))
        sample.gt_instances = InstanceData(
            bboxes=torch.tensor([[20., 30., 150., 170.]]),
            labels=torch.tensor([index % 3]))
        batch['data_samples'].append(sample)
    return batch


@pytest.fixture(scope='module')
def detector():
    cfg = Config.fromfile(TOY_CONFIG)
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model


def test_loss_mode(detector):
    detector.train()
    data = detector.data_preprocessor(packed_batch(), True)
    losses = detector(**data, mode='loss')
    assert set(losses) == {'loss_cls', 'loss_bbox'}
    total = sum(sum(v) for v in losses.values())
    assert torch.isfinite(total) and total > 0
    total.backward()
    assert detector.backbone.stem.y_norm.weight.grad is not None


def test_predict_mode_works_with_mmdets_ssd_head(detector):
    # mmdet 3.3.0's SSDHead has no `loss_cls` and crashed here.
    assert type(detector.bbox_head).__name__ == 'SSDHead'
    assert detector.bbox_head.loss_cls is None
    detector.eval()
    data = detector.data_preprocessor(packed_batch(), False)
    with torch.no_grad():
        results = detector(**data, mode='predict')
    assert len(results) == 2
    pred = results[0].pred_instances
    assert pred.bboxes.shape[1] == 4 and len(pred.scores) == len(pred.labels)
    assert len(pred.scores) <= 200


def test_tensor_mode_and_anchor_count(detector):
    detector.eval()
    data = detector.data_preprocessor(packed_batch(1), False)
    with torch.no_grad():
        cls_scores, bbox_preds = detector(**data, mode='tensor')
    sizes = [tuple(s.shape[-2:]) for s in cls_scores]
    assert sizes == [(38, 38), (19, 19), (10, 10), (5, 5), (3, 3), (1, 1)]
    anchors = sum(s.shape[1] // 4 * s.shape[2] * s.shape[3]
                  for s in cls_scores)  # (num_classes + 1) = 4 per anchor
    assert anchors == 8732
    assert sum(b.shape[1] // 4 * b.shape[2] * b.shape[3]
               for b in bbox_preds) == 8732
