"""The all-priors confidence loss of rock-pytorch (``--use_all_priors_conf_loss``):
every negative prior contributes, instead of the 3:1 hard negatives."""
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

from dct_mmdet.registry import MODELS


@MODELS.register_module()
class AllPriorsConfLoss(nn.Module):
    """``P * (mean CE over positives + neg_factor * mean CE over negatives)
    / avg_factor`` for the priors of one image.

    With ``avg_factor=None`` it divides by the number of positives P, i.e.
    ``mean_pos + neg_factor * mean_neg``, the published form; an SSD head
    passes its own normaliser. Labels follow mmdet's softmax convention: the
    last class index is background. Priors with zero weight (the 0.4-0.5 IoU
    band) are neither positive nor negative. An image without positives
    gives zero, as in rock-pytorch.

    Args:
        neg_factor (float): weight of the negatives as a group relative to
            the positives (5 in rock-pytorch, "to speed up learning").
        loss_weight (float): overall weight.
    """

    def __init__(self, neg_factor: float = 5.0, loss_weight: float = 1.0):
        super().__init__()
        self.neg_factor = neg_factor
        self.loss_weight = loss_weight

    def forward(self,
                cls_score: torch.Tensor,
                label: torch.Tensor,
                weight: Optional[torch.Tensor] = None,
                avg_factor: Optional[float] = None,
                **kwargs) -> torch.Tensor:
        """``cls_score``: (num_priors, num_classes + 1) logits; ``label``:
        (num_priors,) with background = num_classes."""
        background = cls_score.size(-1) - 1
        counted = torch.ones_like(label, dtype=torch.bool) if weight is None \
            else weight > 0
        positive = counted & (label < background)
        negative = counted & (label == background)
        ce = F.cross_entropy(cls_score, label, reduction='none')
        num_pos = positive.sum()
        num_neg = negative.sum().clamp(min=1)
        total = ce[positive].sum() + self.neg_factor * \
            num_pos / num_neg * ce[negative].sum()
        if avg_factor is None:
            avg_factor = num_pos.clamp(min=1)
        return self.loss_weight * total / avg_factor
