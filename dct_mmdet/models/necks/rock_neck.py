"""ROCK, the residual auxiliary block (Mordan et al., NeurIPS 2018), and the
SSD extra layers, as laid out by rock-pytorch (``auxiliary.py``,
``detection.py``); layer sizes in ``configs/rock/README.md``."""
from typing import Dict, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from dct_mmdet.registry import MODELS

AUX_TASKS = ('scene', 'depth', 'normals')
# (mid, out) channels, stride, padding and kernel of the 5 extra layers.
EXTRA_LAYERS = (((1024, 1024), 2, 1, 3), ((256, 512), 2, 1, 3),
                ((128, 256), 2, 1, 3), ((128, 256), 1, 0, 3),
                ((128, 256), 1, 0, (2, 3)))


def conv_bn_relu(in_channels: int,
                 out_channels: int,
                 kernel_size=1,
                 stride: int = 1,
                 padding: int = 0,
                 momentum: float = 0.01) -> nn.Sequential:
    """Conv (with bias, as in rock-pytorch) + BN + ReLU."""
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, kernel_size, stride, padding),
        nn.BatchNorm2d(out_channels, momentum=momentum), nn.ReLU(inplace=True))


def predict_scene(encoded: torch.Tensor) -> torch.Tensor:
    """Global spatial average: (N, num_scenes) logits."""
    return encoded.mean((2, 3))


def predict_depth(encoded: torch.Tensor) -> torch.Tensor:
    """Channel average: (N, 1, H, W) log-depth in metres."""
    return encoded.mean(1, keepdim=True)


def predict_normals(encoded: torch.Tensor) -> torch.Tensor:
    """Average of each third of the channels: (N, 3, H, W) x, y, z, not
    normalised (the loss and the detector normalise)."""
    n, c, h, w = encoded.shape
    return encoded.view(n, 3, c // 3, h, w).mean(2)


PREDICTORS = dict(
    scene=predict_scene, depth=predict_depth, normals=predict_normals)


class AuxBranch(nn.Module):
    """One task: rock-pytorch's extra 1x1/3x3/1x1 convs, the encoder (a 1x1
    conv whose channels are tied to the task), and the decoder back to the
    base width."""

    def __init__(self, task: str, reduced_channels: int,
                 branch_channels: int, encoder_channels: int,
                 out_channels: int, momentum: float):
        super().__init__()
        self.predict = PREDICTORS[task]
        self.convs = nn.Sequential(
            conv_bn_relu(reduced_channels, branch_channels, 1,
                         momentum=momentum),
            conv_bn_relu(branch_channels, branch_channels, 3, padding=1,
                         momentum=momentum),
            conv_bn_relu(branch_channels, reduced_channels, 1,
                         momentum=momentum))
        self.encoder = nn.Conv2d(reduced_channels, encoder_channels, 1)
        self.decoder = conv_bn_relu(encoder_channels, out_channels, 1,
                                    momentum=momentum)

    def forward(self, reduced: torch.Tensor):
        encoded = self.encoder(self.convs(reduced))
        return self.predict(encoded), self.decoder(encoded)


class ROCKBlock(nn.Module):
    """Shared reduction, one :class:`AuxBranch` per task, and the residual
    fusion ``ReLU(BN(x + sum of the decoded maps))``."""

    def __init__(self,
                 in_channels: int,
                 tasks: Sequence[str],
                 encoder_channels: Dict[str, int],
                 reduced_channels: int = 512,
                 branch_channels: int = 256,
                 momentum: float = 0.01):
        super().__init__()
        self.reduction = nn.Sequential(
            conv_bn_relu(in_channels, reduced_channels, 1, momentum=momentum),
            conv_bn_relu(reduced_channels, reduced_channels, 3, padding=1,
                         momentum=momentum))
        self.branches = nn.ModuleDict({
            task: AuxBranch(task, reduced_channels, branch_channels,
                            encoder_channels[task], in_channels, momentum)
            for task in tasks
        })
        self.fusion_norm = nn.BatchNorm2d(in_channels, momentum=momentum)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor):
        reduced = self.reduction(x)
        refined, predictions = x, {}
        for task, branch in self.branches.items():
            predictions[task], decoded = branch(reduced)
            refined = refined + decoded
        return self.relu(self.fusion_norm(refined)), predictions


@MODELS.register_module()
class ROCKNeck(BaseModule):
    """Backbone map -> ROCK block -> 5 SSD extra layers.

    Returns ``(feats, aux)``: ``feats`` are the 6 detection maps (the
    refined map first; 30x40 ... 1x1 for a 480x640 input), ``aux`` a dict
    with the enabled tasks' predictions: ``scene`` (N, num_scenes) logits,
    ``depth`` (N, 1, h, w) log-depth, ``normals`` (N, 3, h, w). With no aux
    task the block is left out: the baseline SSD, ``aux == {}``.

    Args:
        in_channels (int): channels of the backbone map (2048).
        aux_tasks (Sequence[str]): a subset of ``('scene', 'depth',
            'normals')``.
        num_scenes (int): scene classes (27 on NYUv2).
        depth_channels (int): depth encoder channels (128).
        normals_channels (int): normals encoder channels, 3 groups (384).
        widen_factor (float): scales the reduction, branch and extra-layer
            widths (not the task-tied encoders), for small test models.
        momentum (float): BN momentum of the block and extra layers (0.01).
    """

    def __init__(self,
                 in_channels: int = 2048,
                 aux_tasks: Sequence[str] = AUX_TASKS,
                 num_scenes: int = 27,
                 depth_channels: int = 128,
                 normals_channels: int = 384,
                 widen_factor: float = 1.0,
                 momentum: float = 0.01,
                 init_cfg=None):
        super().__init__(init_cfg)
        unknown = set(aux_tasks) - set(AUX_TASKS)
        if unknown:
            raise ValueError(f'unknown aux tasks {sorted(unknown)}; choose '
                             f'from {AUX_TASKS}')
        if normals_channels % 3:
            raise ValueError('normals_channels must split into 3 groups, got '
                             f'{normals_channels}')
        self.aux_tasks = tuple(t for t in AUX_TASKS if t in aux_tasks)

        def width(channels: int) -> int:
            return max(8, int(round(channels * widen_factor)))

        self.rock = ROCKBlock(
            in_channels,
            self.aux_tasks,
            dict(
                scene=num_scenes,
                depth=depth_channels,
                normals=normals_channels),
            reduced_channels=width(512),
            branch_channels=width(256),
            momentum=momentum) if self.aux_tasks else None
        self.extra_layers = nn.ModuleList()
        previous = in_channels
        for (mid, out), stride, padding, kernel in EXTRA_LAYERS:
            self.extra_layers.append(
                nn.Sequential(
                    conv_bn_relu(previous, width(mid), 1, momentum=momentum),
                    conv_bn_relu(width(mid), width(out), kernel, stride,
                                 padding, momentum)))
            previous = width(out)
        self.out_channels = (in_channels, ) + tuple(
            width(out) for (_, out), *_ in EXTRA_LAYERS)

    def init_weights(self):
        """rock-pytorch: Kaiming-normal extra layers (biases keep PyTorch's
        default); the ROCK block keeps PyTorch's default init."""
        super().init_weights()
        for module in self.extra_layers.modules():
            if isinstance(module, nn.Conv2d):
                nn.init.kaiming_normal_(module.weight, nonlinearity='relu')

    def forward(self, inputs: Tuple[torch.Tensor]):
        x = inputs[-1]
        aux = {}
        if self.rock is not None:
            x, aux = self.rock(x)
        feats = [x]
        for layer in self.extra_layers:
            feats.append(layer(feats[-1]))
        return tuple(feats), aux
