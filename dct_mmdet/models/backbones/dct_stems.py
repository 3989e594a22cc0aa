"""The input layers ("stems") of the DCT backbones: how luma and chroma
coefficients meet before the first stage.

A preset row's ``merge`` names one class of ``STEMS``; adding a way to merge
is adding a class here, for every family (``DCTResNet``, ``DCTVGG``). A stem
takes ``dict(y=(N, 64, 2h, 2w), cb=(N, 64, h, w), cr=(N, 64, h, w))`` (or an
image tensor for ``rgb``) and returns ``(x, chroma)``: the map the stages
read, and the normalised Cb+Cr a ``late`` merge joins further down (``None``
for every other merge).
"""
from typing import Callable, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import build_conv_layer, build_norm_layer

Width = Callable[[int], int]


class DCTStem(nn.Module):
    """Base of the stems: ``out_channels`` of ``x``, ``chroma_channels`` of
    the chroma map it returns for a later join (0 when it returns none).

    Each stem is built from the preset row (it reads its own keys of it),
    ``chroma`` (whether the network has a chroma branch, for ``late``),
    ``width`` (the family's channel scaling) and the conv/norm configs.
    """

    out_channels: int
    chroma_channels: int = 0


def _concat_norm(stem: nn.Module, y, cb, cr) -> torch.Tensor:
    return stem.input_norm(torch.cat([y, cb, cr], dim=1))


def _to_luma_grid(y, cb, cr):
    """Nearest-neighbour chroma on the luma grid (a no-op for 4:4:4)."""
    if cb.shape[-2:] != y.shape[-2:]:
        cb = F.interpolate(cb, size=y.shape[-2:], mode='nearest')
        cr = F.interpolate(cr, size=y.shape[-2:], mode='nearest')
    return y, cb, cr


class LateStem(DCTStem):
    """``late``: Y through an input BN; Cb and Cr concatenated (Cb first)
    through their own input BN, returned to join at a later stride (when the
    network has a chroma branch; a Y-only network reads no chroma)."""

    def __init__(self, setting, chroma, width, conv_cfg, norm_cfg):
        super().__init__()
        self.y_norm = build_norm_layer(norm_cfg, 64)[1]
        if chroma:
            self.cbcr_norm = build_norm_layer(norm_cfg, 128)[1]
        self.out_channels = 64
        self.chroma_channels = 128 if chroma else 0

    def forward(self, inputs: dict):
        x = self.y_norm(inputs['y'])
        if not self.chroma_channels:
            return x, None
        return x, self.cbcr_norm(
            torch.cat([inputs['cb'], inputs['cr']], dim=1))


class UpsampleStem(DCTStem):
    """``upsample``: Cb and Cr brought to the luma grid (nearest x2),
    concatenated after Y (192 channels), input BN."""

    def __init__(self, setting, chroma, width, conv_cfg, norm_cfg):
        super().__init__()
        self.out_channels = 192
        self.input_norm = build_norm_layer(norm_cfg, 192)[1]

    def forward(self, inputs: dict):
        return _concat_norm(self, *_to_luma_grid(
            inputs['y'], inputs['cb'], inputs['cr'])), None


class SubsetStem(DCTStem):
    """``subset`` (DCTNet): the row's ``subset`` frequencies of each
    component (raster indices), chroma upsampled (nearest) to the luma grid,
    concatenated, input BN."""

    def __init__(self, setting, chroma, width, conv_cfg, norm_cfg):
        super().__init__()
        for component, indices in setting['subset'].items():
            self.register_buffer(f'{component}_subset',
                                 torch.tensor(indices), False)
        self.out_channels = sum(map(len, setting['subset'].values()))
        self.input_norm = build_norm_layer(norm_cfg, self.out_channels)[1]

    def forward(self, inputs: dict):
        y, cb, cr = (inputs[c][:, getattr(self, f'{c}_subset')]
                     for c in ('y', 'cb', 'cr'))
        return _concat_norm(self, *_to_luma_grid(y, cb, cr)), None


class DeconvStem(DCTStem):
    """``deconv``: Cb and Cr each through a 2x2 stride-2 transposed conv to
    the luma grid, concatenated after Y (192 channels), input BN."""

    def __init__(self, setting, chroma, width, conv_cfg, norm_cfg):
        super().__init__()
        self.cb_deconv = nn.ConvTranspose2d(64, 64, 2, stride=2)
        self.cr_deconv = nn.ConvTranspose2d(64, 64, 2, stride=2)
        self.out_channels = 192
        self.input_norm = build_norm_layer(norm_cfg, 192)[1]

    def forward(self, inputs: dict):
        return _concat_norm(self, inputs['y'], self.cb_deconv(inputs['cb']),
                            self.cr_deconv(inputs['cr'])), None


class DownsampleStem(DCTStem):
    """``downsample``: Y (after an input BN) through a 2x2 stride-2 conv to
    256 channels, meeting Cb and Cr at their grid (384 channels, BN)."""

    def __init__(self, setting, chroma, width, conv_cfg, norm_cfg):
        super().__init__()
        self.y_norm = build_norm_layer(norm_cfg, 64)[1]
        self.y_down = build_conv_layer(
            conv_cfg, 64, width(256), 2, stride=2)
        self.out_channels = width(256) + 128
        self.input_norm = build_norm_layer(norm_cfg, self.out_channels)[1]

    def forward(self, inputs: dict):
        return _concat_norm(self, self.y_down(self.y_norm(inputs['y'])),
                            inputs['cb'], inputs['cr']), None


class BlockStackStem(DCTStem):
    """``stack`` (Deguerre et al., ITSC 2019, 4:4:4 input): Y, Cb and Cr on
    the luma grid concatenated (192), input BN, a 1x1 conv with ReLU to the
    row's ``stem`` channels. It is the ITSC 8x8 stride-8 conv over the
    spatial block layout, which sees exactly one block's 3 x 64 coefficients
    (the ITSC BN normalises per component, ours per coefficient)."""

    def __init__(self, setting, chroma, width, conv_cfg, norm_cfg):
        super().__init__()
        self.input_norm = build_norm_layer(norm_cfg, 192)[1]
        self.out_channels = width(setting['stem'])
        self.block_conv = build_conv_layer(conv_cfg, 192, self.out_channels,
                                           1)

    def forward(self, inputs: dict):
        x = _concat_norm(self, inputs['y'], inputs['cb'], inputs['cr'])
        return F.relu(self.block_conv(x), inplace=True), None


class RGBStem(DCTStem):
    """``rgb``: not DCT, an ``(N, 3, H, W)`` image through ResNet's 7x7
    stride-2 conv, BN, ReLU and 3x3 stride-2 max pool (the RGB baseline)."""

    def __init__(self, setting, chroma, width, conv_cfg, norm_cfg):
        super().__init__()
        self.conv1 = build_conv_layer(
            conv_cfg, 3, 64, 7, stride=2, padding=3, bias=False)
        self.bn1 = build_norm_layer(norm_cfg, 64)[1]
        self.out_channels = 64

    def forward(self, image: torch.Tensor):
        x = F.relu(self.bn1(self.conv1(image)), inplace=True)
        return F.max_pool2d(x, 3, stride=2, padding=1), None


STEMS = {
    'late': LateStem,
    'upsample': UpsampleStem,
    'subset': SubsetStem,
    'deconv': DeconvStem,
    'downsample': DownsampleStem,
    'stack': BlockStackStem,
    'rgb': RGBStem,
}


def merge_of(setting: dict) -> str:
    """A preset row's ``merge``: ``late`` unless it names another."""
    return setting.get('merge', 'late')


def build_stem(setting: dict, chroma: bool, width: Width,
               conv_cfg: Optional[dict] = None,
               norm_cfg: dict = dict(type='BN')) -> DCTStem:
    """The stem a preset row's :func:`merge_of` names."""
    merge = merge_of(setting)
    if merge not in STEMS:
        raise ValueError(f'unknown merge {merge!r}; choose one of '
                         f'{sorted(STEMS)}')
    return STEMS[merge](setting, chroma, width, conv_cfg, norm_cfg)


# Checkpoints saved before the input layers moved into ``stem`` named them
# at the backbone's top level (and the ITSC block conv ``stem.0``).
_LEGACY_NAMES = {
    **{name: f'stem.{name}'
       for name in ('y_norm', 'cbcr_norm', 'y_down', 'cb_deconv',
                    'cr_deconv', 'input_norm', 'conv1', 'bn1')},
    'stem.0': 'stem.block_conv',
}


def current_name(name: str) -> str:
    """A backbone parameter or module name from before the stems were
    modules -> today's (``y_norm.weight`` -> ``stem.y_norm.weight``)."""
    for old, new in _LEGACY_NAMES.items():
        if name == old or name.startswith(old + '.'):
            return new + name[len(old):]
    return name


def rename_legacy_keys(module: nn.Module, state_dict: dict, prefix: str,
                       *args) -> None:
    """A ``load_state_dict`` pre-hook: old checkpoints load unchanged."""
    for key in [k for k in state_dict if k.startswith(prefix)]:
        name = current_name(key[len(prefix):])
        if prefix + name != key:
            state_dict[prefix + name] = state_dict.pop(key)
