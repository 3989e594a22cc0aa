import numpy as np
import pytest
import torch
from mmengine.logging import MMLogger

from dct_mmdet.evaluation import VOCAllModesMetric


def sample(gt_boxes, gt_labels, boxes, scores, labels):
    def tensor(values, dtype=torch.float32, width=4):
        return torch.tensor(values, dtype=dtype).reshape(-1, width) \
            if width else torch.tensor(values, dtype=dtype)

    return dict(
        gt_instances=dict(
            bboxes=tensor(gt_boxes), labels=tensor(gt_labels, torch.long,
                                                   None)),
        ignored_instances=dict(
            bboxes=torch.zeros((0, 4)), labels=torch.zeros(0, dtype=torch.long)),
        pred_instances=dict(
            bboxes=tensor(boxes),
            scores=tensor(scores, width=None),
            labels=tensor(labels, torch.long, None)))


def evaluate(metric, samples, classes=('cat', 'dog')):
    metric.dataset_meta = dict(classes=classes)
    metric.process({}, samples)
    return metric.evaluate(len(samples))


def test_both_modes_on_a_hand_made_case(capsys):
    # One class, two ground truths; detections ranked TP (0.9), FP (0.8),
    # TP (0.7): precision/recall (1, 1/2), (1/2, 1/2), (2/3, 1).
    # all-point AP = 1/2 * 1 + 1/2 * 2/3 = 5/6;
    # 11-point AP = (6 * 1 + 5 * 2/3) / 11 = 28/33.
    cat_a, cat_b = [10, 10, 50, 50], [100, 100, 150, 160]
    samples = [
        sample([cat_a, cat_b], [0, 0],
               [cat_a, [200, 10, 240, 50], cat_b], [0.9, 0.8, 0.7], [0, 0, 0])
    ]
    metric = VOCAllModesMetric(classwise=True)
    results = evaluate(metric, samples, classes=('cat', ))
    assert results['pascal_voc/mAP_area'] == pytest.approx(5 / 6, abs=1e-4)
    assert results['pascal_voc/mAP_11points'] == pytest.approx(
        28 / 33, abs=1e-4)
    # The first mode is the headline figure.
    assert results['pascal_voc/mAP'] == results['pascal_voc/mAP_area']
    assert results['pascal_voc/AP_area_cat'] == pytest.approx(5 / 6, abs=1e-4)


def test_11points_first_and_per_class_table():
    logger = MMLogger.get_instance('voc_table_test', log_level='INFO')
    box = [10, 10, 50, 50]
    samples = [
        # cat: found; dog: two ground truths, one found, one missed.
        sample([box, [60, 60, 90, 90], [100, 10, 140, 40]], [0, 1, 1],
               [box, [60, 60, 90, 90]], [0.9, 0.6], [0, 1])
    ]
    metric = VOCAllModesMetric(eval_modes=('11points', 'area'))
    messages = []
    handler_emit = logger.info
    logger.info = lambda message, *a, **k: messages.append(message)
    try:
        results = evaluate(metric, samples)
    finally:
        logger.info = handler_emit
    # dog: recall 1/2 at precision 1 -> area 0.5, 11 points 6/11.
    assert results['pascal_voc/mAP'] == results['pascal_voc/mAP_11points']
    assert results['pascal_voc/mAP_11points'] == pytest.approx(
        (1 + 6 / 11) / 2, abs=1e-4)
    assert results['pascal_voc/mAP_area'] == pytest.approx(0.75, abs=1e-4)
    table = next(m for m in messages if 'AP (area)' in m)
    dog_row = next(line for line in table.splitlines() if ' dog ' in line)
    cells = [cell.strip() for cell in dog_row.strip('|').split('|')]
    assert cells == ['dog', '2', '1', '0.500', '0.545', '0.500']


def test_rejects_unknown_modes():
    with pytest.raises(ValueError, match='eval_modes'):
        VOCAllModesMetric(eval_modes=('integrate', ))
