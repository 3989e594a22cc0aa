"""COCO box AP plus ROCK's auxiliary tasks (scene, depth, normals)."""
from typing import Dict, List, Sequence

import numpy as np
from mmdet.evaluation import CocoMetric

from dct_mmdet.registry import METRICS

NORMALS_THRESHOLDS = (11.25, 22.5, 30.0)
AUX_METRICS = ('scene_', 'depth_', 'normals_')


def _array(value) -> np.ndarray:
    """A tensor, or a ``PixelData`` turned into a dict, as numpy."""
    if isinstance(value, dict):
        value = value['data']
    return value.detach().cpu().numpy()


@METRICS.register_module()
class ROCKMetric(CocoMetric):
    """mmdet's ``CocoMetric`` (keys ``coco/bbox_mAP``, ``coco/bbox_mAP_50``,
    ...) plus, for the tasks the model predicts (keys ``nyuv2/...``):

    * ``scene_acc``: top-1 scene accuracy (%);
    * ``depth_rmse`` (metres) and ``depth_abs_rel`` (mean ``|d - g| / g``)
      over all pixels with ground truth, pooled over the set;
    * ``normals_mean``/``normals_median`` angular error (degrees) over the
      valid pixels, and ``normals_11.25``/``22.5``/``30``: % within.

    Depth and normals are compared at the prediction grid (stride 16),
    against the ground truth the test pipeline brings to it
    (``ROCKAuxTargets``). rock-pytorch reports none of these.
    """

    default_prefix = 'coco'
    aux_prefix = 'nyuv2'

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        super().process(data_batch, data_samples)
        for (_, result), sample in zip(self.results[-len(data_samples):],
                                       data_samples):
            result['aux'] = self._aux_errors(sample)

    @staticmethod
    def _aux_errors(sample: dict) -> dict:
        errors = {}
        if 'pred_scene' in sample and 'scene_label' in sample:
            errors['scene_correct'] = int(
                sample['pred_scene']['label']) == int(sample['scene_label'])
        if 'pred_depth' in sample and 'gt_depth' in sample:
            pred = _array(sample['pred_depth']).ravel()
            gt = _array(sample['gt_depth']).ravel()
            known = gt > 0
            diff = pred[known] - gt[known]
            errors['depth'] = (float(np.square(diff).sum()),
                               float((np.abs(diff) / gt[known]).sum()),
                               int(known.sum()))
        if 'pred_normals' in sample and 'gt_normals' in sample:
            pred = _array(sample['pred_normals']).reshape(3, -1)
            gt = _array(sample['gt_normals']).reshape(3, -1)
            valid = _array(sample['gt_normals']['valid']).ravel() > 0
            cos = np.clip((pred * gt).sum(0)[valid], -1, 1)
            errors['normals_deg'] = np.degrees(np.arccos(cos)).astype(
                np.float32)
        return errors

    def compute_metrics(self, results: List[tuple]) -> Dict[str, float]:
        metrics = super().compute_metrics(results)
        if self.format_only:
            return metrics
        aux = [result['aux'] for _, result in results]
        scene = [a['scene_correct'] for a in aux if 'scene_correct' in a]
        if scene:
            metrics['scene_acc'] = 100 * float(np.mean(scene))
        depth = [a['depth'] for a in aux if 'depth' in a]
        if depth:
            squared, relative, count = np.sum(depth, axis=0)
            metrics['depth_rmse'] = float(np.sqrt(squared / count))
            metrics['depth_abs_rel'] = float(relative / count)
        angles = np.concatenate(
            [a['normals_deg'] for a in aux if 'normals_deg' in a] +
            [np.zeros(0, np.float32)])
        if angles.size:
            metrics['normals_mean'] = float(angles.mean())
            metrics['normals_median'] = float(np.median(angles))
            for threshold in NORMALS_THRESHOLDS:
                metrics[f'normals_{threshold:g}'] = \
                    100 * float((angles < threshold).mean())
        return metrics

    def evaluate(self, size: int) -> dict:
        """Box metrics under ``coco/``, the aux tasks under ``nyuv2/``."""
        renamed = {}
        for key, value in super().evaluate(size).items():
            name = key.split('/', 1)[-1]
            if name.startswith(AUX_METRICS):
                key = f'{self.aux_prefix}/{name}'
            renamed[key] = value
        return renamed
