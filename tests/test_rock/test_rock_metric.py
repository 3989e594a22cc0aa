"""ROCKMetric on hand-made predictions and ground truths with known
scene accuracy, depth and normals errors."""
import numpy as np
import pytest
import torch
from mmdet.structures import DetDataSample
from mmengine.structures import InstanceData, PixelData

from dct_mmdet.datasets.nyuv2 import NYUV2_CLASSES
from dct_mmdet.registry import METRICS
from dct_mmdet.utils import register_all_modules

register_all_modules()


def normals_at(degrees):
    """(3, 2, 2) unit normals tilted by ``degrees`` from (0, 0, 1) towards
    x, so their angle to a camera-facing normal is that angle."""
    angles = np.radians(np.asarray(degrees, np.float64)).reshape(2, 2)
    return torch.tensor(
        np.stack([np.sin(angles), np.zeros_like(angles), np.cos(angles)]),
        dtype=torch.float32)


def sample(img_id, scene_label, pred_scene, depth=None, normals=None):
    """One image's data sample as the evaluator hands it over (a dict):
    one box of class 4, detected exactly (box AP 1), except image 2."""
    data = DetDataSample(
        metainfo=dict(
            img_id=img_id,
            ori_shape=(48, 64),
            scene_label=scene_label,
            instances=[] if img_id == 2 else [
                dict(bbox=[8., 6., 40., 30.], bbox_label=4, ignore_flag=0)
            ]))
    boxes = torch.tensor([[8., 6., 40., 30.]]) if img_id != 2 else \
        torch.zeros(0, 4)
    data.pred_instances = InstanceData(
        bboxes=boxes,
        scores=torch.ones(len(boxes)),
        labels=torch.full((len(boxes), ), 4))
    data.pred_scene = dict(
        scores=torch.zeros(27), label=torch.tensor(pred_scene))
    if depth is not None:
        pred, gt = depth
        data.pred_depth = PixelData(data=torch.tensor(pred)[None])
        data.gt_depth = PixelData(data=torch.tensor(gt)[None])
    if normals is not None:
        pred_degrees, valid = normals
        data.pred_normals = PixelData(data=normals_at(pred_degrees))
        data.gt_normals = PixelData(
            data=normals_at([0, 0, 0, 0]),
            valid=torch.tensor(valid).reshape(1, 2, 2))
    return data.to_dict()


def test_known_scene_depth_and_normals_metrics(tmp_path):
    metric = METRICS.build(
        dict(
            type='ROCKMetric',
            ann_file=None,
            metric='bbox',
            proposal_nums=(1, 10, 100),
            outfile_prefix=str(tmp_path / 'results')))
    metric.dataset_meta = dict(classes=NYUV2_CLASSES)
    samples = [
        # Scene right. Depth: the 0 pixel has no ground truth; errors
        # 1, 0, -2 (relative 1, 0, 0.5). Normals: 0, 10, 20 degrees and an
        # invalid pixel at 90.
        sample(0, 3, 3,
               depth=([[2., 2.], [2., 9.]], [[1., 2.], [4., 0.]]),
               normals=([0, 10, 20, 90], [True, True, True, False])),
        # Scene wrong. Depth: errors 1, -1, 0, 0 against 2 (relative 0.5,
        # 0.5, 0, 0). Normals: 25, 45, 5 and an invalid pixel at 180.
        sample(1, 5, 2,
               depth=([[3., 1.], [2., 2.]], [[2., 2.], [2., 2.]]),
               normals=([25, 45, 180, 5], [True, True, False, True])),
        # Scene right, no box and no dense predictions.
        sample(2, 1, 1),
    ]
    metric.process({}, samples[:2])
    metric.process({}, samples[2:])
    results = metric.evaluate(len(samples))

    assert results['coco/bbox_mAP'] == pytest.approx(1.0)
    assert results['nyuv2/scene_acc'] == pytest.approx(200 / 3)
    # 7 pixels with depth: squared errors 1 + 0 + 4 + 1 + 1 = 7,
    # relative errors 1 + 0.5 + 0.5 + 0.5 = 2.5.
    assert results['nyuv2/depth_rmse'] == pytest.approx(1.0)
    assert results['nyuv2/depth_abs_rel'] == pytest.approx(2.5 / 7)
    # The 6 valid angles 0, 5, 10, 20, 25, 45: mean 105 / 6, median
    # (10 + 20) / 2; within 11.25: 3, 22.5: 4, 30: 5 (of 6).
    # Counting the invalid 90 and 180 would give a mean of 375 / 8.
    assert results['nyuv2/normals_mean'] == pytest.approx(17.5, abs=1e-3)
    assert results['nyuv2/normals_median'] == pytest.approx(15.0, abs=1e-3)
    assert results['nyuv2/normals_11.25'] == pytest.approx(50.0)
    assert results['nyuv2/normals_22.5'] == pytest.approx(400 / 6)
    assert results['nyuv2/normals_30'] == pytest.approx(500 / 6)
    assert results['coco/bbox_mAP_50'] == pytest.approx(1.0)
    # The aux metrics are only under nyuv2/.
    assert {key.split('/')[0] for key in results} == {'coco', 'nyuv2'}
    assert len([key for key in results if key.startswith('nyuv2/')]) == 8
