from typing import List, Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement

from dct_mmdet.registry import MODELS


@MODELS.register_module()
class DCTImageClassifier(BaseModel):
    """Backbone -> average pool -> [FC -> ReLU -> dropout]* -> linear ->
    softmax cross entropy, for ImageNet pretraining of DCT backbones with
    the same tools: global pooling for the ResNets; VGG's classifier
    (``pool_size=7, hidden_channels=(4096, 4096), dropout=0.5``: flatten
    7x7x512, FC-4096 x 2) for the VGG-DCT family.

    Parameters keep the ``backbone.`` prefix, so a detector loads a
    classification checkpoint with ``init_cfg=dict(type='Pretrained',
    checkpoint=..., prefix='backbone.')``. Data samples carry ``gt_label``;
    ``predict`` adds ``pred_score`` (softmax) and ``pred_label``.

    Args:
        backbone (dict): the backbone config; its last output is pooled.
        num_classes (int): number of classes.
        in_channels (int, optional): width of that output (default: the
            backbone's ``stage_channels`` of its last ``out_indices``).
        pool_size (int): average-pool the output to this square grid and
            flatten it (1: global pooling; 7 at 224 px: VGG's flatten).
        hidden_channels (Sequence[int]): widths of hidden FC layers.
        dropout (float): dropout after each hidden layer, or before the
            linear layer when there is none.
        data_preprocessor (dict, optional): e.g. ``DCTDataPreprocessor``.
    """

    def __init__(self,
                 backbone: dict,
                 num_classes: int,
                 in_channels: Optional[int] = None,
                 pool_size: int = 1,
                 hidden_channels: Sequence[int] = (),
                 dropout: float = 0.,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg=None):
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        if in_channels is None:
            in_channels = self.backbone.stage_channels[
                self.backbone.out_indices[-1]]
        self.pool_size = pool_size
        width = in_channels * pool_size**2
        hidden = []
        for channels in hidden_channels:
            hidden += [nn.Linear(width, channels), nn.ReLU(inplace=True)]
            hidden += [nn.Dropout(dropout)] if dropout else []
            width = channels
        if not hidden_channels and dropout:
            hidden.append(nn.Dropout(dropout))
        self.hidden = nn.Sequential(*hidden)
        self.fc = nn.Linear(width, num_classes)

    def extract_feat(self, inputs) -> torch.Tensor:
        features = self.backbone(inputs)[-1]
        return F.adaptive_avg_pool2d(features, self.pool_size).flatten(1)

    def forward(self,
                inputs,
                data_samples: Optional[List[BaseDataElement]] = None,
                mode: str = 'tensor'):
        logits = self.fc(self.hidden(self.extract_feat(inputs)))
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
