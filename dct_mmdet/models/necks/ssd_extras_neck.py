"""An SSD neck for backbones that are not VGG16: L2Norm on any taps, the
VGG ``pool5``/``fc6``/``fc7`` block on the deepest tap, extra levels of any
width."""
import re
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmdet.models.necks.ssd_neck import L2Norm
from mmengine.logging import print_log
from mmengine.model import BaseModule

from dct_mmdet.registry import MODELS


@MODELS.register_module()
class SSDExtrasNeck(BaseModule):
    """Generalises mmdet's ``SSDNeck`` for the published SSD-DCT detectors.

    mmdet's ``SSDNeck`` normalises only its first input and sizes each extra
    level's 1x1 conv at half its output; the INSA ``ssd_custom`` detector
    normalises three taps and uses a 256-wide 1x1 before a 256-wide 3x3,
    and the VGG-DCT and INSA detectors end the backbone with VGG16's
    ``pool5`` (3x3/1) -> ``fc6`` (3x3, dilation 6) -> ``fc7`` (1x1).

    Outputs: the inputs (the last one through ``fc6``/``fc7`` when
    ``fc7_channels`` is set), then one map per extra level, each a 1x1
    conv to ``mid_channels[i]`` and a 3x3 conv (``last_kernel_size`` for
    the last) with ``level_strides[i]`` and ``level_paddings[i]``.

    Args:
        in_channels (Sequence[int]): channels of the backbone taps.
        out_channels (Sequence[int]): channels of every output level.
        level_strides (Sequence[int]): stride of each extra level's 3x3.
        level_paddings (Sequence[int]): padding of each extra level's 3x3.
        mid_channels (Sequence[int], optional): width of each extra level's
            1x1 conv; default half its output, as ``SSDNeck``.
        fc7_channels (int, optional): add pool5/fc6/fc7 of this width on
            the last tap.
        fc6_dilation (int): dilation (and padding) of ``fc6``.
        fc_init_checkpoint (str, optional): a ``DCTImageClassifier``
            checkpoint with VGG's head (flatten 7x7, FC-4096 x 2) whose two
            hidden FC layers start ``fc6``/``fc7``, as jpeg_deep's
            ``classification2ssd.py`` (and Caffe SSD) do: see
            :func:`fc_layers_to_fc6_fc7`. Applied by ``init_weights``.
        l2_norm_levels (Sequence[int]): input taps to L2-normalise, each
            with its own learned scale.
        l2_norm_scale (float): initial L2Norm scale (Caffe SSD: 20).
        last_kernel_size (int): kernel of the last extra level's conv.
    """

    def __init__(self,
                 in_channels: Sequence[int],
                 out_channels: Sequence[int],
                 level_strides: Sequence[int],
                 level_paddings: Sequence[int],
                 mid_channels: Optional[Sequence[int]] = None,
                 fc7_channels: Optional[int] = None,
                 fc6_dilation: int = 6,
                 fc_init_checkpoint: Optional[str] = None,
                 l2_norm_levels: Sequence[int] = (0, ),
                 l2_norm_scale: float = 20.,
                 last_kernel_size: int = 3,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: Optional[dict] = None,
                 act_cfg: dict = dict(type='ReLU'),
                 init_cfg=[
                     dict(
                         type='Xavier', distribution='uniform',
                         layer='Conv2d'),
                     dict(type='Constant', val=1, layer='BatchNorm2d'),
                 ]):
        super().__init__(init_cfg)
        if fc_init_checkpoint and not fc7_channels:
            raise ValueError('fc_init_checkpoint needs fc7_channels (the '
                             'fc6/fc7 it initialises)')
        self.fc_init_checkpoint = fc_init_checkpoint
        num_extra = len(out_channels) - len(in_channels)
        tap_channels = [*in_channels[:-1], fc7_channels or in_channels[-1]]
        if list(out_channels[:len(in_channels)]) != tap_channels:
            raise ValueError(
                f'out_channels {tuple(out_channels)} must start with the '
                f'tap channels {tuple(tap_channels)} (the last tap is fc7 '
                'when fc7_channels is set)')
        if not len(level_strides) == len(level_paddings) == num_extra:
            raise ValueError(
                f'{num_extra} extra levels need as many level_strides and '
                f'level_paddings, got {len(level_strides)} and '
                f'{len(level_paddings)}')
        mid_channels = mid_channels or [c // 2 for c in
                                        out_channels[len(in_channels):]]
        if len(mid_channels) != num_extra:
            raise ValueError(f'mid_channels needs {num_extra} values, got '
                             f'{len(mid_channels)}')
        if not all(0 <= level < len(in_channels) for level in l2_norm_levels):
            raise ValueError(f'l2_norm_levels {tuple(l2_norm_levels)} must '
                             f'index the {len(in_channels)} inputs')

        self.l2_norms = nn.ModuleDict({
            str(level): L2Norm(in_channels[level], l2_norm_scale)
            for level in l2_norm_levels
        })
        self.fc7 = None
        if fc7_channels:
            self.fc7 = nn.Sequential(
                nn.MaxPool2d(3, stride=1, padding=1),
                nn.Conv2d(
                    in_channels[-1],
                    fc7_channels,
                    3,
                    padding=fc6_dilation,
                    dilation=fc6_dilation), nn.ReLU(inplace=True),
                nn.Conv2d(fc7_channels, fc7_channels, 1),
                nn.ReLU(inplace=True))
        self.extra_layers = nn.ModuleList()
        previous = tap_channels[-1]
        for index, (mid, out, stride, padding) in enumerate(
                zip(mid_channels, out_channels[len(in_channels):],
                    level_strides, level_paddings)):
            kernel = last_kernel_size if index == num_extra - 1 else 3
            common = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg,
                          act_cfg=act_cfg)
            self.extra_layers.append(
                nn.Sequential(
                    ConvModule(previous, mid, 1, **common),
                    ConvModule(
                        mid, out, kernel, stride=stride, padding=padding,
                        **common)))
            previous = out

    def init_weights(self):
        super().init_weights()
        # The scale is a learned weight: (re)start it at l2_norm_scale.
        for l2_norm in self.l2_norms.values():
            nn.init.constant_(l2_norm.weight, l2_norm.scale)
        if self.fc_init_checkpoint:
            self.load_fc6_fc7(self.fc_init_checkpoint)

    def load_fc6_fc7(self, checkpoint: str) -> None:
        """Start ``fc6``/``fc7`` from a VGG classifier's FC layers."""
        from mmengine.runner.checkpoint import CheckpointLoader
        state = CheckpointLoader.load_checkpoint(checkpoint,
                                                 map_location='cpu')
        state = state.get('state_dict', state)
        hidden = sorted(
            (int(match.group(1)), key) for key in state
            for match in [re.fullmatch(r'hidden\.(\d+)\.weight', key)]
            if match)
        if len(hidden) < 2:
            raise ValueError(
                f'{checkpoint}: no VGG classifier head (two hidden FC '
                f'layers hidden.N.weight), found {len(hidden)}')
        (_, fc1), (_, fc2) = hidden[:2]
        fc6, fc7 = self.fc7[1], self.fc7[3]
        try:
            weights = fc_layers_to_fc6_fc7(
                state[fc1], state[fc1[:-6] + 'bias'], state[fc2],
                state[fc2[:-6] + 'bias'], fc6.in_channels,
                fc6.out_channels, fc6.kernel_size[0])
        except ValueError as error:
            raise ValueError(f'{checkpoint}: {error}') from error
        with torch.no_grad():
            for param, value in zip(
                (fc6.weight, fc6.bias, fc7.weight, fc7.bias), weights):
                param.copy_(value)
        print_log(
            f'fc6 {tuple(fc6.weight.shape)} and fc7 '
            f'{tuple(fc7.weight.shape)} from {fc1[:-7]} '
            f'{tuple(state[fc1].shape)} and {fc2[:-7]} '
            f'{tuple(state[fc2].shape)} of {checkpoint}', logger='current')

    def forward(self, inputs: Sequence[torch.Tensor]) -> tuple:
        outs = [
            self.l2_norms[str(level)](x) if str(level) in self.l2_norms
            else x for level, x in enumerate(inputs)
        ]
        if self.fc7 is not None:
            outs[-1] = self.fc7(outs[-1])
        feat = outs[-1]
        for layer in self.extra_layers:
            feat = layer(feat)
            outs.append(feat)
        return tuple(outs)


def fc_layers_to_fc6_fc7(fc1_weight: torch.Tensor, fc1_bias: torch.Tensor,
                         fc2_weight: torch.Tensor, fc2_bias: torch.Tensor,
                         channels: int, width: int,
                         kernel: int) -> Tuple[torch.Tensor, ...]:
    """VGG's FC-4096 layers -> SSD's convolutional ``fc6``/``fc7``.

    FC1 ``(4096, channels * s * s)`` (a flattened ``channels x s x s``
    map, channels first) becomes ``fc6`` ``(width, channels, kernel,
    kernel)``: every ``4096 / width``-th filter, each decimated spatially
    to every ``(s - 1) / (kernel - 1)``-th tap (7 -> 3: taps 0, 3, 6, which
    is what jpeg_deep's zoom by 3/7 gives, corner-aligned, and Caffe SSD's
    subsampling). FC2 ``(4096, 4096)`` becomes ``fc7`` ``(width, width, 1,
    1)``: every ``4096 / width``-th output and input. Returns fc6 weight,
    fc6 bias, fc7 weight, fc7 bias.
    """
    features, flat = fc1_weight.shape
    side = round((flat / channels)**0.5)
    if channels * side * side != flat or fc2_weight.shape != (features,
                                                             features):
        raise ValueError(
            f'FC layers {tuple(fc1_weight.shape)} and '
            f'{tuple(fc2_weight.shape)} are not VGG\'s flatten of a '
            f'{channels}-channel square map then a square FC')
    if features % width or (side - 1) % (kernel - 1):
        raise ValueError(
            f'cannot subsample {features} features to {width} or a '
            f'{side}x{side} kernel to {kernel}x{kernel}')
    step, tap = features // width, (side - 1) // (kernel - 1)
    fc6 = fc1_weight.reshape(features, channels, side, side)[::step, :, ::tap,
                                                               ::tap]
    fc7 = fc2_weight[::step, ::step, None, None]
    return (fc6.contiguous(), fc1_bias[::step].contiguous(), fc7.contiguous(),
            fc2_bias[::step].contiguous())
