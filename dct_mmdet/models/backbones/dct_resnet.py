"""ResNet-50 variants that take JPEG DCT coefficients instead of pixels.

One class, :class:`DCTResNet`; each published variant is a row of
``DCTResNet.arch_settings``.
"""
from typing import NamedTuple, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmcv.cnn import build_conv_layer, build_norm_layer
from mmengine.model import BaseModule, ModuleList, Sequential
from torch.nn.modules.batchnorm import _BatchNorm

from dct_mmdet.registry import MODELS


class Stage(NamedTuple):
    """A run of bottlenecks ``CB(k, [mid, mid, out], stride)`` + ``IB`` x
    (blocks - 1), in the notation of ``dct_inputs_and_backbones.md``.

    ``kernel`` is the middle conv's size, or one size per block: RFA, the
    receptive-field-aware stage, is ``kernel=(1, 2, 3)``.
    """
    mid: int
    out: int
    blocks: int = 1
    stride: int = 1
    kernel: Union[int, Tuple[int, ...]] = 3


def rfa(mid: int, out: int) -> Stage:
    return Stage(mid, out, blocks=3, stride=1, kernel=(1, 2, 3))


class DCTBottleneck(BaseModule):
    """ResNet-v1 bottleneck with the stride on the first 1x1 conv (the
    Keras/caffe placement used by every published DCT ResNet) and a
    configurable middle kernel; even kernels pad one extra row/column at the
    bottom/right, like Keras' ``same``."""

    def __init__(self,
                 in_channels: int,
                 mid_channels: int,
                 out_channels: int,
                 kernel_size: int = 3,
                 stride: int = 1,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN', requires_grad=True),
                 init_cfg=None):
        super().__init__(init_cfg)
        self.conv1 = build_conv_layer(
            conv_cfg, in_channels, mid_channels, 1, stride=stride, bias=False)
        self.bn1 = build_norm_layer(norm_cfg, mid_channels)[1]
        # 'same' padding; an even kernel's extra row/column goes bottom/right.
        before, after = (kernel_size - 1) // 2, kernel_size // 2
        self.pad2 = nn.ZeroPad2d((0, after - before, 0, after - before)) \
            if after != before else nn.Identity()
        self.conv2 = build_conv_layer(
            conv_cfg,
            mid_channels,
            mid_channels,
            kernel_size,
            padding=before,
            bias=False)
        self.bn2 = build_norm_layer(norm_cfg, mid_channels)[1]
        self.conv3 = build_conv_layer(
            conv_cfg, mid_channels, out_channels, 1, bias=False)
        self.bn3 = build_norm_layer(norm_cfg, out_channels)[1]
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or in_channels != out_channels:
            self.downsample = nn.Sequential(
                build_conv_layer(
                    conv_cfg,
                    in_channels,
                    out_channels,
                    1,
                    stride=stride,
                    bias=False),
                build_norm_layer(norm_cfg, out_channels)[1])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(self.pad2(out))))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


@MODELS.register_module()
class DCTResNet(BaseModule):
    """ResNet on JPEG DCT coefficients with a late luma/chroma merge.

    Input: ``dict(y=(N, 64, 2h, 2w), cb=(N, 64, h, w), cr=(N, 64, h, w))``
    (as :class:`DCTDataPreprocessor` makes it). Y passes an input BN and the
    ``y`` stages; Cb and Cr are concatenated (Cb first), pass an input BN
    and the ``cbcr`` stages; the two are concatenated on channels once both
    are at stride 16 and go through the ``trunk`` stages.

    Args:
        arch (str): a key of ``arch_settings``.
        widen_factor (float): multiply every width (for tiny smoke-test and
            demo models); 1.0 is the published network.
        out_indices (Sequence[int]): stages to return, indexing the ``y``
            stages followed by the ``trunk`` stages.
        strides (Sequence[int], optional): override the table's stride of
            each of those stages, e.g. stride 1 in the last stage for SSD.
        frozen_stages (int): freeze the input BNs and the first k stages of
            that sequence (the chroma stages freeze with the input BNs);
            -1 freezes nothing.
        norm_eval (bool): keep BN layers in eval mode while training.
        zero_init_residual (bool): start each block's last BN at zero.
    """

    arch_settings = {
        # Gueguen et al., NeurIPS 2018, Late-Concat-RFA-Thinner: Y 768 +
        # CbCr 256 channels meet before res4b.
        'uber_late_concat_rfa_thinner':
        dict(
            y=(rfa(96, 384), Stage(96, 384, 4, 1), Stage(192, 768, 1, 2)),
            cbcr=(Stage(128, 256, 1, 1, kernel=1), ),
            trunk=(Stage(256, 1024, 5, 1), Stage(512, 2048, 3, 2))),
        # Gueguen et al., NeurIPS 2018, Late-Concat-RFA: Y 512 + CbCr 512.
        'uber_late_concat_rfa':
        dict(
            y=(rfa(256, 1024), Stage(128, 512, 4, 1), Stage(256, 512, 1, 2)),
            cbcr=(Stage(256, 512, 1, 1, kernel=1), ),
            trunk=(Stage(256, 1024, 5, 1), Stage(512, 2048, 3, 2))),
    }

    def __init__(self,
                 arch: str = 'uber_late_concat_rfa_thinner',
                 widen_factor: float = 1.0,
                 out_indices: Sequence[int] = (4, ),
                 strides: Optional[Sequence[int]] = None,
                 frozen_stages: int = -1,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN', requires_grad=True),
                 norm_eval: bool = False,
                 zero_init_residual: bool = True,
                 init_cfg=None):
        if arch not in self.arch_settings:
            raise KeyError(f'unknown DCTResNet arch {arch!r}; choose one of '
                           f'{sorted(self.arch_settings)}')
        if init_cfg is None:
            init_cfg = [
                dict(type='Kaiming', layer='Conv2d'),
                dict(type='Constant', val=1, layer=['_BatchNorm', 'GroupNorm'])
            ]
        super().__init__(init_cfg)
        setting = self.arch_settings[arch]
        y_specs, trunk_specs = list(setting['y']), list(setting['trunk'])
        num_stages = len(y_specs) + len(trunk_specs)
        if strides is not None:
            if len(strides) != num_stages:
                raise ValueError(f'{arch} has {num_stages} stages, got '
                                 f'{len(strides)} strides')
            y_specs = [s._replace(stride=st)
                       for s, st in zip(y_specs, strides)]
            trunk_specs = [s._replace(stride=st) for s, st in
                           zip(trunk_specs, strides[len(y_specs):])]
        if not out_indices or \
                not all(0 <= i < num_stages for i in out_indices):
            raise ValueError(f'out_indices must be in [0, {num_stages}), '
                             f'got {out_indices}')
        self.arch = arch
        self.out_indices = tuple(out_indices)
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval
        block_init = dict(type='Constant', val=0, override=dict(
            name='bn3')) if zero_init_residual else None

        def width(channels: int) -> int:
            return max(8, int(round(channels * widen_factor)))

        def make_stages(specs, in_channels):
            stages = ModuleList()
            for spec in specs:
                kernels = spec.kernel if isinstance(spec.kernel, tuple) \
                    else (spec.kernel, ) * spec.blocks
                blocks = []
                for index, kernel in enumerate(kernels):
                    blocks.append(
                        DCTBottleneck(
                            in_channels,
                            width(spec.mid),
                            width(spec.out),
                            kernel,
                            spec.stride if index == 0 else 1,
                            conv_cfg=conv_cfg,
                            norm_cfg=norm_cfg,
                            init_cfg=block_init))
                    in_channels = width(spec.out)
                stages.append(Sequential(*blocks))
            return stages, in_channels

        self.y_norm = build_norm_layer(norm_cfg, 64)[1]
        self.cbcr_norm = build_norm_layer(norm_cfg, 128)[1]
        self.y_stages, y_channels = make_stages(y_specs, 64)
        self.cbcr_stages, cbcr_channels = make_stages(setting['cbcr'], 128)
        self.trunk_stages, _ = make_stages(trunk_specs,
                                           y_channels + cbcr_channels)
        self.stage_channels = tuple(
            width(s.out) for s in (*y_specs, *trunk_specs))
        self._freeze_stages()

    @property
    def stages(self):
        """The indexable stages: ``y`` stages, then ``trunk`` stages."""
        return [*self.y_stages, *self.trunk_stages]

    def forward(self, inputs: dict) -> Tuple[torch.Tensor, ...]:
        y = self.y_norm(inputs['y'])
        cbcr = self.cbcr_norm(torch.cat([inputs['cb'], inputs['cr']], dim=1))
        for stage in self.cbcr_stages:
            cbcr = stage(cbcr)
        outs = []
        x = y
        for index, stage in enumerate(self.stages):
            if index == len(self.y_stages):
                x = torch.cat([x, cbcr], dim=1)
            x = stage(x)
            if index in self.out_indices:
                outs.append(x)
        return tuple(outs)

    def _freeze_stages(self) -> None:
        if self.frozen_stages < 0:
            return
        frozen = [self.y_norm, self.cbcr_norm, *self.cbcr_stages,
                  *self.stages[:self.frozen_stages]]
        for module in frozen:
            module.eval()
            for param in module.parameters():
                param.requires_grad = False

    def train(self, mode: bool = True):
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            for module in self.modules():
                if isinstance(module, _BatchNorm):
                    module.eval()
        return self
