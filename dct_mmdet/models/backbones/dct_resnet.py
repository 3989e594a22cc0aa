"""ResNet-50 variants that take JPEG DCT coefficients instead of pixels.

One class, :class:`DCTResNet`; each published variant is a row of
``DCTResNet.arch_settings``.
"""
from typing import NamedTuple, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmcv.cnn import build_conv_layer, build_norm_layer
from mmengine.model import BaseModule, ModuleList, Sequential

from dct_mmdet.registry import MODELS
from .dct_stems import build_stem, merge_of, rename_legacy_keys
from .freezing import StageFreezing
from .rgb_transfer import load_rgb_resnet50


class Stage(NamedTuple):
    """A run of bottlenecks ``CB(k, [mid, mid, out], stride)`` + ``IB`` x
    (blocks - 1), in the notation of ``dct_inputs_and_backbones.md``.

    ``kernel`` is the middle conv's size, or one size per block: RFA, the
    receptive-field-aware stage, is ``kernel=(1, 2, 3)``. ``rgb`` names the
    ImageNet ResNet-50 layer whose blocks match, and the index of the first
    matching block there (``('layer2', 1)``: res3b onwards).
    """
    mid: int
    out: int
    blocks: int = 1
    stride: int = 1
    kernel: Union[int, Tuple[int, ...]] = 3
    rgb: Optional[Tuple[str, int]] = None


def rfa(mid: int, out: int) -> Stage:
    return Stage(mid, out, blocks=3, stride=1, kernel=(1, 2, 3))


def late(y: Tuple[Stage, ...], trunk: Tuple[Stage, ...],
         chroma: Optional[Tuple[int, int]] = None) -> dict:
    """A ``late`` row: the ``y`` stages, then ``trunk``; Cb+Cr pass one 1x1
    bottleneck of ``chroma`` (mid, out) widths and join before ``trunk``
    (no ``chroma``: a Y-only network)."""
    row = dict(y=y, trunk=trunk)
    if chroma is not None:
        row['cbcr'] = (Stage(*chroma, blocks=1, stride=1, kernel=1), )
    return row


class DCTBottleneck(BaseModule):
    """ResNet-v1 bottleneck with a configurable middle kernel; even kernels
    pad one extra row/column at the bottom/right, like Keras' ``same``.

    ``style='caffe'`` puts the stride on the first 1x1 conv (the Keras
    placement of every published DCT ResNet), ``'pytorch'`` on the middle
    conv (torchvision's, whose ImageNet weights it matches best).
    """

    def __init__(self,
                 in_channels: int,
                 mid_channels: int,
                 out_channels: int,
                 kernel_size: int = 3,
                 stride: int = 1,
                 style: str = 'caffe',
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN', requires_grad=True),
                 init_cfg=None):
        super().__init__(init_cfg)
        if style not in ('caffe', 'pytorch'):
            raise ValueError(f"style must be 'caffe' or 'pytorch', got "
                             f'{style!r}')
        stride1, stride2 = (stride, 1) if style == 'caffe' else (1, stride)
        self.conv1 = build_conv_layer(
            conv_cfg, in_channels, mid_channels, 1, stride=stride1,
            bias=False)
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
            stride=stride2,
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


# DCTNet's static frequency subsets (Xu et al., CVPR 2020), raster indices
# k = 8 * v + u per component.
_LOW_4X4 = tuple(8 * v + u for v in range(4) for u in range(4))
_TRIANGLE_22 = tuple(8 * v + u for v, width in enumerate((5, 5, 5, 4, 3))
                     for u in range(width))
DCTNET_SUBSETS = {
    24: dict(y=_LOW_4X4, cb=(0, 1, 8, 9), cr=(0, 1, 8, 9)),
    32: dict(y=_TRIANGLE_22, cb=(0, 1, 2, 8, 9), cr=(0, 1, 2, 8, 9)),
    192: dict(y=tuple(range(64)), cb=tuple(range(64)), cr=tuple(range(64))),
}

# ResNet-50 stages 3-5 after a merge at stride 8 (res3a at stride 1 on the
# 28x28 map at 224) and the RFA version of the same.
_STAGE5 = Stage(512, 2048, 3, 2, rgb=('layer4', 0))
_AFTER_INPUT_MERGE = (Stage(128, 512, 4, 1, rgb=('layer2', 0)),
                      Stage(256, 1024, 6, 2, rgb=('layer3', 0)), _STAGE5)
# res4b-f and stage 5 after a merge at stride 16 (before res4b).
_AFTER_RES4A = (Stage(256, 1024, 5, 1, rgb=('layer3', 1)), _STAGE5)
# INSA: pretrained res3b-d, then stages 4 and 5 (merge before res3b).
_AFTER_RES3A = (Stage(128, 512, 3, 1, rgb=('layer2', 1)),
                Stage(256, 1024, 6, 2, rgb=('layer3', 0)), _STAGE5)
_STEM_LESS = (Stage(64, 256, 3, 1, rgb=('layer1', 0)),
              Stage(128, 512, 4, 2, rgb=('layer2', 0)),
              Stage(256, 1024, 6, 2, rgb=('layer3', 0)), _STAGE5)


@MODELS.register_module()
class DCTResNet(StageFreezing, BaseModule):
    """ResNets on JPEG DCT coefficients: every published variant is a row of
    ``arch_settings`` (named after its source: ``uber_*`` for Gueguen et al.
    2018, ``jpeg_deep_*`` for Deguerre et al. 2020, the INSA Rouen seed's
    ``--archi`` names, ``dctnet_<channels>`` for Xu et al. 2020).

    Input: ``dict(y=(N, 64, 2h, 2w), cb=(N, 64, h, w), cr=(N, 64, h, w))``
    (as :class:`DCTDataPreprocessor` makes it), or an ``(N, 3, H, W)``
    image for ``merge='rgb'``. A row's ``merge`` (default ``late``) names
    the stem where luma and chroma meet (:mod:`.dct_stems`); with ``late``,
    Y passes the ``y`` stages and Cb+Cr the ``cbcr`` stages, and the two are
    concatenated once at the same stride, before the ``trunk`` stages (no
    ``cbcr`` stages: a Y-only network). The other stems merge everything
    before the ``trunk`` stages.

    Args:
        arch (str): a key of ``arch_settings``.
        widen_factor (float): multiply every width (for tiny smoke-test and
            demo models); 1.0 is the published network.
        out_indices (Sequence[int]): stages to return, indexing the ``y``
            stages followed by the ``trunk`` stages.
        strides (Sequence[int], optional): override the table's stride of
            each of those stages, e.g. stride 1 in the last stage for SSD.
        frozen_stages (int): freeze the stem and the first k stages of
            that sequence (the chroma stages freeze with the stem); -1
            freezes nothing.
        norm_eval (bool): keep BN layers in eval mode while training.
        zero_init_residual (bool): start each block's last BN at zero.
        style (str): 'caffe' (stride on the first 1x1 conv, as the Keras
            sources) or 'pytorch' (on the 3x3, as torchvision).
        rgb_pretrained (str, optional): an ImageNet RGB ResNet-50 checkpoint
            (torchvision or mmdet naming); ``init_weights`` loads it into
            every block the table marks as matching, where shapes agree,
            and logs what it loaded and skipped.
    """

    arch_settings = {
        # Gueguen et al., NeurIPS 2018 (diagrams of uber-research/jpeg2dct).
        'uber_upsampling':
        dict(merge='upsample', trunk=_AFTER_INPUT_MERGE),
        'uber_upsampling_rfa':
        dict(merge='upsample', trunk=(rfa(256, 1024), *_AFTER_INPUT_MERGE)),
        'uber_deconvolution_rfa':
        dict(merge='deconv', trunk=(rfa(256, 1024), *_AFTER_INPUT_MERGE)),
        'uber_downsampling':
        dict(
            merge='downsample',
            trunk=(rfa(256, 1024), Stage(128, 512, 4, 1, rgb=('layer2', 0)),
                   Stage(256, 1024, 6, 1, rgb=('layer3', 0)), _STAGE5)),
        'uber_late_concat':
        late((Stage(128, 512, 4, 1), Stage(256, 512, 1, 2)),
             _AFTER_RES4A, chroma=(256, 512)),
        'uber_late_concat_rfa':
        late((rfa(256, 1024), Stage(128, 512, 4, 1), Stage(256, 512, 1, 2)),
             _AFTER_RES4A, chroma=(256, 512)),
        # Y 768 + CbCr 256 channels meet before res4b.
        'uber_late_concat_rfa_thinner':
        late((rfa(96, 384), Stage(96, 384, 4, 1), Stage(192, 768, 1, 2)),
             _AFTER_RES4A, chroma=(128, 256)),
        # jpeg_deep (Deguerre et al., ICPR 2020), its own widths.
        'jpeg_deep_lc_rfa':
        late((rfa(256, 1024), Stage(128, 512, 4, 1), Stage(128, 512, 1, 2)),
             _AFTER_RES4A, chroma=(128, 512)),
        'jpeg_deep_lc_rfa_thinner':
        late((rfa(256, 384), Stage(128, 384, 4, 1), Stage(128, 768, 1, 2)),
             _AFTER_RES4A, chroma=(128, 256)),
        'jpeg_deep_lc_rfa_y':
        late((rfa(256, 1024), Stage(128, 512, 4, 1), Stage(128, 1024, 1, 2)),
             _AFTER_RES4A),
        'jpeg_deep_lc_rfa_thinner_y':
        late((rfa(256, 384), Stage(128, 384, 4, 1), Stage(128, 1024, 1, 2)),
             _AFTER_RES4A),
        'jpeg_deep_deconv_rfa':
        dict(merge='deconv', trunk=(rfa(256, 1024), *_AFTER_INPUT_MERGE)),
        # INSA Rouen student project (the seed), its --archi names: the
        # merged map enters pretrained ImageNet stages (res3b or res5a).
        'late_concat_rfa_thinner':
        late((rfa(256, 384), Stage(128, 384, 4, 1), Stage(256, 384, 1, 2)),
             _AFTER_RES3A, chroma=(256, 128)),
        'late_concat_more_channels':
        late((rfa(256, 768), Stage(256, 768, 4, 1), Stage(256, 384, 1, 2)),
             _AFTER_RES3A, chroma=(256, 128)),
        'up_sampling':
        dict(merge='upsample', trunk=(Stage(128, 512, 1, 1), *_AFTER_RES3A)),
        'up_sampling_rfa':
        dict(
            merge='upsample',
            trunk=(rfa(256, 1024), Stage(128, 512, 1, 1), *_AFTER_RES3A)),
        'deconv':
        dict(
            merge='deconv',
            trunk=(rfa(256, 1024), Stage(128, 512, 1, 1), *_AFTER_RES3A)),
        'cb5_only':
        late((rfa(256, 768), Stage(256, 768, 4, 1), Stage(256, 768, 1, 2)),
             (_STAGE5, ), chroma=(256, 256)),
        'y_cb4_cbcr_cb5':
        late((rfa(256, 384), Stage(128, 512, 4, 1), Stage(256, 768, 6, 2)),
             (_STAGE5, ), chroma=(256, 256)),
        # The seed's RGB baseline: torchvision's ResNet-50 on pixels.
        'resnet_rgb':
        dict(merge='rgb', trunk=_STEM_LESS),
        # DCTNet-style: no stem, a static frequency subset into layer1.
        **{
            f'dctnet_{channels}': dict(
                merge='subset', subset=subset, trunk=_STEM_LESS)
            for channels, subset in DCTNET_SUBSETS.items()
        },
    }

    def __init__(self,
                 arch: str = 'uber_late_concat_rfa_thinner',
                 widen_factor: float = 1.0,
                 out_indices: Sequence[int] = (-1, ),
                 strides: Optional[Sequence[int]] = None,
                 frozen_stages: int = -1,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN', requires_grad=True),
                 norm_eval: bool = False,
                 zero_init_residual: bool = True,
                 style: str = 'caffe',
                 rgb_pretrained: Optional[str] = None,
                 init_cfg=None):
        if arch not in self.arch_settings:
            raise KeyError(f'unknown DCTResNet arch {arch!r}; choose one of '
                           f'{sorted(self.arch_settings)}')
        if init_cfg is None:
            init_cfg = [
                dict(type='Kaiming', layer=['Conv2d', 'ConvTranspose2d']),
                dict(type='Constant', val=1, layer=['_BatchNorm', 'GroupNorm'])
            ]
        super().__init__(init_cfg)
        setting = self.arch_settings[arch]
        self.arch = arch
        self.merge = merge_of(setting)
        self.widen_factor = widen_factor
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval
        self.rgb_pretrained = rgb_pretrained
        self._block_cfg = dict(
            style=style, conv_cfg=conv_cfg, norm_cfg=norm_cfg,
            init_cfg=dict(type='Constant', val=0, override=dict(name='bn3'))
            if zero_init_residual else None)
        y_specs, trunk_specs = self._with_strides(
            arch, setting.get('y', ()), setting['trunk'], strides)
        num_stages = len(y_specs) + len(trunk_specs)
        self.out_indices = tuple(
            i % num_stages if -num_stages <= i < 0 else i
            for i in out_indices)
        if not self.out_indices or \
                not all(0 <= i < num_stages for i in self.out_indices):
            raise ValueError(f'out_indices must be in [0, {num_stages}), '
                             f'got {out_indices}')
        self._specs = (*y_specs, *trunk_specs)

        self.stem = build_stem(setting, bool(setting.get('cbcr')),
                               self._width, conv_cfg, norm_cfg)
        self.register_load_state_dict_pre_hook(rename_legacy_keys)
        self.y_stages, y_channels = self._make_stages(
            y_specs, self.stem.out_channels)
        self.cbcr_stages, cbcr_channels = self._make_stages(
            setting.get('cbcr', ()), self.stem.chroma_channels)
        self.trunk_stages, _ = self._make_stages(
            trunk_specs, y_channels + cbcr_channels)
        self.stage_channels = tuple(self._width(s.out) for s in self._specs)
        self._freeze_stages()

    @staticmethod
    def _with_strides(arch, y_specs, trunk_specs, strides):
        """The table's ``y`` and ``trunk`` stages, with ``strides`` (one per
        stage, in that order) replacing theirs when given."""
        y_specs, trunk_specs = list(y_specs), list(trunk_specs)
        if strides is None:
            return y_specs, trunk_specs
        if len(strides) != len(y_specs) + len(trunk_specs):
            raise ValueError(f'{arch} has {len(y_specs) + len(trunk_specs)} '
                             f'stages, got {len(strides)} strides')
        specs = [spec._replace(stride=stride)
                 for spec, stride in zip([*y_specs, *trunk_specs], strides)]
        return specs[:len(y_specs)], specs[len(y_specs):]

    def _width(self, channels: int) -> int:
        return max(8, int(round(channels * self.widen_factor)))

    def _make_stages(self, specs: Sequence[Stage],
                     in_channels: int) -> Tuple[ModuleList, int]:
        """One ``Sequential`` of bottlenecks per spec; returns them and the
        channels the last one gives (``in_channels`` for no spec)."""
        stages = ModuleList()
        for spec in specs:
            kernels = spec.kernel if isinstance(spec.kernel, tuple) \
                else (spec.kernel, ) * spec.blocks
            blocks = []
            for index, kernel in enumerate(kernels):
                blocks.append(
                    DCTBottleneck(in_channels, self._width(spec.mid),
                                  self._width(spec.out), kernel,
                                  spec.stride if index == 0 else 1,
                                  **self._block_cfg))
                in_channels = self._width(spec.out)
            stages.append(Sequential(*blocks))
        return stages, in_channels

    @property
    def stages(self):
        """The indexable stages: ``y`` stages, then ``trunk`` stages."""
        return [*self.y_stages, *self.trunk_stages]

    def forward(self, inputs) -> Tuple[torch.Tensor, ...]:
        x, cbcr = self.stem(inputs)
        for stage in self.cbcr_stages:
            cbcr = stage(cbcr)
        outs = []
        for index, stage in enumerate(self.stages):
            if self.cbcr_stages and index == len(self.y_stages):
                x = torch.cat([x, cbcr], dim=1)
            x = stage(x)
            if index in self.out_indices:
                outs.append(x)
        return tuple(outs)

    def rgb_key_map(self) -> dict:
        """Our block prefix -> the matching ImageNet ResNet-50 block."""
        names = [f'y_stages.{i}' for i in range(len(self.y_stages))] + \
            [f'trunk_stages.{i}' for i in range(len(self.trunk_stages))]
        mapping = {'stem.conv1.': 'conv1.', 'stem.bn1.': 'bn1.'} \
            if self.merge == 'rgb' else {}
        for name, spec in zip(names, self._specs):
            if spec.rgb is not None:
                layer, first = spec.rgb
                for block in range(spec.blocks):
                    mapping[f'{name}.{block}.'] = f'{layer}.{first + block}.'
        return mapping

    def load_rgb_resnet50(self, checkpoint, logger=None) -> Tuple[list, list]:
        """See :func:`~.rgb_transfer.load_rgb_resnet50`."""
        return load_rgb_resnet50(self, checkpoint, logger)

    def init_weights(self):
        super().init_weights()
        if self.rgb_pretrained:
            self.load_rgb_resnet50(self.rgb_pretrained)

    def _frozen_modules(self):
        return [self.stem, *self.cbcr_stages,
                *self.stages[:self.frozen_stages]]
