"""ROCK's auxiliary losses on the dense tasks (rock-pytorch ``losses.py``);
the scene loss is mmdet's ``CrossEntropyLoss``."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from dct_mmdet.registry import MODELS


@MODELS.register_module()
class ROCKDepthLoss(nn.Module):
    """Smooth L1 (beta 1) between the predicted log-depth and the log of the
    ground truth in metres clamped to ``[min_depth, max_depth]``, averaged
    over all pixels (the labeled NYUv2 depth is dense, so no mask).

    rock-pytorch replaced the paper's berHu loss by this one, because berHu
    made single pixels very inaccurate.
    """

    def __init__(self,
                 min_depth: float = 1e-3,
                 max_depth: float = 10.0,
                 beta: float = 1.0,
                 loss_weight: float = 1.0):
        super().__init__()
        self.min_depth = min_depth
        self.max_depth = max_depth
        self.beta = beta
        self.loss_weight = loss_weight

    def forward(self, log_depth: torch.Tensor,
                depth: torch.Tensor) -> torch.Tensor:
        target = depth.clamp(self.min_depth, self.max_depth).log()
        return self.loss_weight * F.smooth_l1_loss(
            log_depth, target, beta=self.beta)


@MODELS.register_module()
class ROCKNormalsLoss(nn.Module):
    """``(1 - cos) + ||n_hat - n||^2`` per pixel, with ``n_hat`` the
    prediction normalised over its 3 channels, averaged over valid pixels
    of the whole batch. For unit targets this is ``3 (1 - cos)``: 0 for a
    perfect prediction, 6 for opposite normals.
    """

    def __init__(self, eps: float = 1e-5, loss_weight: float = 1.0):
        super().__init__()
        self.eps = eps
        self.loss_weight = loss_weight

    def forward(self, normals: torch.Tensor, target: torch.Tensor,
                valid: torch.Tensor) -> torch.Tensor:
        """``normals``/``target``: (N, 3, H, W); ``valid``: (N, 1, H, W)."""
        unit = F.normalize(normals, dim=1, eps=self.eps)
        per_pixel = (1 - (unit * target).sum(1, keepdim=True)) + \
            (unit - target).pow(2).sum(1, keepdim=True)
        valid = valid.to(per_pixel.dtype)
        return self.loss_weight * (per_pixel * valid).sum() / \
            valid.sum().clamp(min=1)
