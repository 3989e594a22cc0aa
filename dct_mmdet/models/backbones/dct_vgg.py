"""VGG networks on JPEG DCT coefficients (Deguerre et al.), one class, a
row of ``DCTVGG.arch_settings`` per published variant."""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from dct_mmdet.registry import MODELS
from .dct_stems import build_stem, merge_of, rename_legacy_keys
from .freezing import StageFreezing


def conv_relu(in_channels: int, widths: Sequence[int]) -> nn.Sequential:
    layers = []
    for width in widths:
        layers += [nn.Conv2d(in_channels, width, 3, padding=1),
                   nn.ReLU(inplace=True)]
        in_channels = width
    return nn.Sequential(*layers)


@MODELS.register_module()
class DCTVGG(StageFreezing, BaseModule):
    """VGG-DCT: Y enters at VGG's block 4 (stride 8), chroma joins block 5.

    Input: ``dict(y=(N, 64, 2h, 2w), cb=(N, 64, h, w), cr=(N, 64, h, w))``.
    Stage 0: the row's stem (:mod:`.dct_stems`; ``late``: Y alone,
    ``deconv``: chroma brought to the luma grid, ``stack``: the ITSC 2019
    block stem over 4:4:4 input), then the ``y`` 3x3 convs (a 256-wide
    adapter and VGG's block-4 convs for ``late``). Stage 1: 2x2 max pool,
    then (``late`` with ``chroma``) the input-BN'd Cb+Cr concatenated,
    block 5's convs and a 2x2 max pool. At 224 px: 28x28x512, then 7x7x512.

    Args:
        arch (str): a key of ``arch_settings``.
        out_indices (Sequence[int]): stages to return (0 and/or 1).
        widen_factor (float): multiply every conv width.
        final_pool (bool): end stage 1 with the 2x2 max pool (classification);
            SSD drops it, ``SSDExtrasNeck``'s pool5/fc6/fc7 follow instead
            (19x19x512 at 300 px).
        frozen_stages (int): freeze the stem and the first k stages; -1
            freezes nothing.
        norm_eval (bool): keep BN layers in eval mode while training.
    """

    arch_settings = {
        # INSA Rouen seed's --archi names.
        'vggA_dct': dict(y=(256, 512, 512), trunk=(512, 512)),
        'vggD_dct': dict(y=(256, 512, 512, 512), trunk=(512, 512, 512)),
        # jpeg_deep (Deguerre et al., ICPR 2020).
        'jpeg_deep_vgg_dct': dict(
            y=(256, 512, 512, 512), trunk=(512, 512, 512)),
        'jpeg_deep_vgg_dct_y': dict(
            y=(256, 512, 512, 512), trunk=(512, 512, 512), chroma=False),
        'jpeg_deep_vgg_dct_deconv': dict(
            merge='deconv', y=(512, 512, 512), trunk=(512, 512, 512)),
        # Deguerre et al., ITSC 2019: 4:4:4 input, a 196-wide block stem.
        'itsc_vgg_dct': dict(
            merge='stack', stem=196, y=(512, 512, 512),
            trunk=(512, 512, 512)),
    }

    def __init__(self,
                 arch: str = 'jpeg_deep_vgg_dct',
                 out_indices: Sequence[int] = (1, ),
                 widen_factor: float = 1.0,
                 final_pool: bool = True,
                 frozen_stages: int = -1,
                 norm_eval: bool = False,
                 norm_cfg: dict = dict(type='BN', requires_grad=True),
                 init_cfg: Optional[dict] = None):
        if arch not in self.arch_settings:
            raise KeyError(f'unknown DCTVGG arch {arch!r}; choose one of '
                           f'{sorted(self.arch_settings)}')
        if not out_indices or not set(out_indices) <= {0, 1}:
            raise ValueError(f'out_indices must be 0 and/or 1, got '
                             f'{out_indices}')
        super().__init__(init_cfg or [
            dict(type='Kaiming', layer=['Conv2d', 'ConvTranspose2d']),
            dict(type='Constant', val=1, layer='_BatchNorm')
        ])
        setting = self.arch_settings[arch]
        self.arch = arch
        self.out_indices = tuple(out_indices)
        self.merge = merge_of(setting)
        self.chroma = setting.get('chroma', True) and self.merge == 'late'

        def width(channels: int) -> int:
            return max(8, round(channels * widen_factor))

        y_widths = [width(w) for w in setting['y']]
        trunk_widths = [width(w) for w in setting['trunk']]
        self.stem = build_stem(setting, self.chroma, width, None, norm_cfg)
        self.register_load_state_dict_pre_hook(rename_legacy_keys)
        self.y_convs = conv_relu(self.stem.out_channels, y_widths)
        self.pool = nn.MaxPool2d(2, 2)
        self.final_pool = final_pool
        self.trunk_convs = conv_relu(
            y_widths[-1] + self.stem.chroma_channels, trunk_widths)
        self.stage_channels = (y_widths[-1], trunk_widths[-1])
        if not -1 <= frozen_stages <= 2:
            raise ValueError(f'frozen_stages must be in -1..2, got '
                             f'{frozen_stages}')
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval
        self._freeze_stages()

    def _frozen_modules(self):
        return [self.stem,
                *(self.y_convs, self.trunk_convs)[:self.frozen_stages]]

    def forward(self, inputs: dict) -> Tuple[torch.Tensor, ...]:
        x, cbcr = self.stem(inputs)
        x = self.y_convs(x)
        outs = [x] if 0 in self.out_indices else []
        x = self.pool(x)
        if cbcr is not None:
            x = torch.cat([x, cbcr], dim=1)
        x = self.trunk_convs(x)
        if self.final_pool:
            x = self.pool(x)
        if 1 in self.out_indices:
            outs.append(x)
        return tuple(outs)
