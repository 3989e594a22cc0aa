"""Single-stage detector whose neck also predicts auxiliary tasks (ROCK)."""
from typing import Dict, List, Tuple

import torch
import torch.nn.functional as F
from mmdet.models.detectors import SingleStageDetector
from mmdet.structures import DetDataSample
from mmengine.structures import PixelData

from dct_mmdet.registry import MODELS


@MODELS.register_module()
class ROCKDetector(SingleStageDetector):
    """SSD + ROCK: the neck returns ``(feats, aux)`` (see ``ROCKNeck``).

    Training adds, for each task the neck predicts, ``loss_scene`` (cross
    entropy with ``scene_label``), ``loss_depth`` (on ``gt_depth``, metres)
    and ``loss_normals`` (on ``gt_normals``, masked by its ``valid``), with
    the ground truth at the resolution of the predictions (as
    ``ROCKAuxTargets`` makes it). Prediction adds to each sample
    ``pred_scene`` (``scores``, the 27 probabilities, and ``label``),
    ``pred_depth`` (``PixelData``, metres) and ``pred_normals``
    (``PixelData``, unit vectors), at the stride of the backbone map.

    With a neck without aux tasks this is the baseline SSD.
    """

    def __init__(self,
                 *args,
                 loss_scene: dict = dict(
                     type='CrossEntropyLoss', loss_weight=3.0),
                 loss_depth: dict = dict(type='ROCKDepthLoss', loss_weight=3.0),
                 loss_normals: dict = dict(
                     type='ROCKNormalsLoss', loss_weight=30.0),
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_scene = MODELS.build(loss_scene)
        self.loss_depth = MODELS.build(loss_depth)
        self.loss_normals = MODELS.build(loss_normals)

    def extract_feat(self, batch_inputs) -> Tuple[tuple, Dict]:
        """Detection maps and auxiliary predictions."""
        return self.neck(self.backbone(batch_inputs))

    def loss(self, batch_inputs, batch_data_samples: List[DetDataSample]):
        feats, aux = self.extract_feat(batch_inputs)
        losses = self.bbox_head.loss(feats, batch_data_samples)
        if 'scene' in aux:
            labels = torch.as_tensor(
                [s.scene_label for s in batch_data_samples],
                device=aux['scene'].device)
            losses['loss_scene'] = self.loss_scene(aux['scene'], labels)
        if 'depth' in aux:
            depth = self._stack_targets(batch_data_samples, 'gt_depth',
                                        aux['depth'])
            losses['loss_depth'] = self.loss_depth(aux['depth'], depth)
        if 'normals' in aux:
            normals = self._stack_targets(batch_data_samples, 'gt_normals',
                                          aux['normals'])
            valid = torch.stack(
                [s.gt_normals.valid for s in batch_data_samples])
            losses['loss_normals'] = self.loss_normals(
                aux['normals'], normals, valid)
        return losses

    @staticmethod
    def _stack_targets(samples, field: str, prediction: torch.Tensor):
        targets = torch.stack([getattr(s, field).data for s in samples])
        if targets.shape[-2:] != prediction.shape[-2:]:
            raise ValueError(
                f'{field} is {tuple(targets.shape[-2:])} but the prediction '
                f'is {tuple(prediction.shape[-2:])}: set the stride of '
                'ROCKAuxTargets to the backbone\'s output stride')
        return targets

    def predict(self, batch_inputs, batch_data_samples, rescale: bool = True):
        feats, aux = self.extract_feat(batch_inputs)
        results = self.bbox_head.predict(
            feats, batch_data_samples, rescale=rescale)
        samples = self.add_pred_to_datasample(batch_data_samples, results)
        for index, sample in enumerate(samples):
            if 'scene' in aux:
                scores = aux['scene'][index].softmax(-1)
                sample.pred_scene = dict(scores=scores, label=scores.argmax())
            if 'depth' in aux:
                sample.pred_depth = PixelData(data=aux['depth'][index].exp())
            if 'normals' in aux:
                sample.pred_normals = PixelData(
                    data=F.normalize(aux['normals'][index], dim=0, eps=1e-5))
        return samples

    def _forward(self, batch_inputs, batch_data_samples=None):
        """Raw head outputs and the auxiliary predictions."""
        feats, aux = self.extract_feat(batch_inputs)
        return self.bbox_head.forward(feats), aux
