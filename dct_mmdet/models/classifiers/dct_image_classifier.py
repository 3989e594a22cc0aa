from typing import List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement

from dct_mmdet.registry import MODELS


@MODELS.register_module()
class DCTImageClassifier(BaseModel):
    """Backbone -> global average pool -> linear -> softmax cross entropy,
    for ImageNet pretraining of DCT backbones with the same tools.

    Parameters keep the ``backbone.`` prefix, so a detector loads a
    classification checkpoint with ``init_cfg=dict(type='Pretrained',
    checkpoint=..., prefix='backbone.')``. Data samples carry ``gt_label``;
    ``predict`` adds ``pred_score`` (softmax) and ``pred_label``.

    Args:
        backbone (dict): the backbone config; its last output is pooled.
        num_classes (int): number of classes.
        in_channels (int, optional): width of that output (default: the
            backbone's ``stage_channels`` of its last ``out_indices``).
        dropout (float): dropout before the linear layer.
        data_preprocessor (dict, optional): e.g. ``DCTDataPreprocessor``.
    """

    def __init__(self,
                 backbone: dict,
                 num_classes: int,
                 in_channels: Optional[int] = None,
                 dropout: float = 0.,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg=None):
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        if in_channels is None:
            in_channels = self.backbone.stage_channels[
                self.backbone.out_indices[-1]]
        self.dropout = nn.Dropout(dropout) if dropout else nn.Identity()
        self.fc = nn.Linear(in_channels, num_classes)

    def extract_feat(self, inputs) -> torch.Tensor:
        features = self.backbone(inputs)[-1]
        return F.adaptive_avg_pool2d(features, 1).flatten(1)

    def forward(self,
                inputs,
                data_samples: Optional[List[BaseDataElement]] = None,
                mode: str = 'tensor'):
        logits = self.fc(self.dropout(self.extract_feat(inputs)))
        if mode == 'tensor':
            return logits
        if mode == 'loss':
            labels = torch.stack([
                torch.as_tensor(s.gt_label, device=logits.device).reshape(())
                for s in data_samples
            ])
            return dict(loss_cls=F.cross_entropy(logits, labels.long()))
        if mode == 'predict':
            scores = logits.softmax(dim=1)
            if data_samples is None:
                data_samples = [BaseDataElement() for _ in scores]
            for sample, score in zip(data_samples, scores):
                sample.pred_score = score
                sample.pred_label = score.argmax()
            return data_samples
        raise ValueError(f"mode must be 'loss', 'predict' or 'tensor', got "
                         f'{mode!r}')
