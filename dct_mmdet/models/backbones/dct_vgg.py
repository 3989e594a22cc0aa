"""VGG networks on JPEG DCT coefficients (Deguerre et al.), one class, a
row of ``DCTVGG.arch_settings`` per published variant."""
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmengine.model import BaseModule

from dct_mmdet.registry import MODELS
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
    Stage 0: ``merge='late'``: input BN on Y, then the ``y`` 3x3 convs
    (a 256-wide adapter and VGG's block-4 convs); ``merge='deconv'``: Cb and
    Cr each pass a 2x2 stride-2 transposed conv to the luma grid, are
    concatenated after Y (192 channels) with an input BN, then the ``y``
    convs; ``merge='stack'`` (ITSC 2019, 4:4:4 input: Cb and Cr on the
    luma grid): the three concatenated (192), input BN, a 1x1 conv with
    ReLU to ``stem`` channels -- the ITSC 8x8 stride-8 conv over the
    spatial block layout, which sees exactly one block's 3 x 64
    coefficients (the ITSC BN normalises per component, ours per
    coefficient) -- then the ``y`` convs. Stage 1: 2x2 max pool, then (``late`` with ``chroma``) the
    input-BN'd Cb+Cr concatenated, block 5's convs and a 2x2 max pool. At
    224 px: 28x28x512, then 7x7x512.

    Args:
        arch (str): a key of ``arch_settings``.
        out_indices (Sequence[int]): stages to return (0 and/or 1).
        widen_factor (float): multiply every conv width.
        final_pool (bool): end stage 1 with the 2x2 max pool (classification);
            SSD drops it, ``SSDExtrasNeck``'s pool5/fc6/fc7 follow instead
            (19x19x512 at 300 px).
        frozen_stages (int): freeze the input layers (input BNs, transposed
            convs, ITSC stem) and the first k stages; -1 freezes nothing.
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
        self.merge = setting.get('merge', 'late')
        self.chroma = setting.get('chroma', True) and self.merge == 'late'
        y_widths = [max(8, round(w * widen_factor)) for w in setting['y']]
        trunk_widths = [
            max(8, round(w * widen_factor)) for w in setting['trunk']
        ]
        if self.merge == 'deconv':
            self.cb_deconv = nn.ConvTranspose2d(64, 64, 2, stride=2)
            self.cr_deconv = nn.ConvTranspose2d(64, 64, 2, stride=2)
            self.input_norm = build_norm_layer(norm_cfg, 192)[1]
            y_in = 192
        elif self.merge == 'stack':
            self.input_norm = build_norm_layer(norm_cfg, 192)[1]
            y_in = max(8, round(setting['stem'] * widen_factor))
            self.stem = nn.Sequential(
                nn.Conv2d(192, y_in, 1), nn.ReLU(inplace=True))
        else:
            self.y_norm = build_norm_layer(norm_cfg, 64)[1]
            y_in = 64
        if self.chroma:
            self.cbcr_norm = build_norm_layer(norm_cfg, 128)[1]
        self.y_convs = conv_relu(y_in, y_widths)
        self.pool = nn.MaxPool2d(2, 2)
        self.final_pool = final_pool
        self.trunk_convs = conv_relu(y_widths[-1] + 128 * self.chroma,
                                     trunk_widths)
        self.stage_channels = (y_widths[-1], trunk_widths[-1])
        if not -1 <= frozen_stages <= 2:
            raise ValueError(f'frozen_stages must be in -1..2, got '
                             f'{frozen_stages}')
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval
        self._freeze_stages()

    def _frozen_modules(self):
        inputs = [
            getattr(self, name)
            for name in ('y_norm', 'cbcr_norm', 'cb_deconv', 'cr_deconv',
                         'input_norm', 'stem') if hasattr(self, name)
        ]
        return [*inputs, *(self.y_convs, self.trunk_convs)[:self.frozen_stages]]

    def forward(self, inputs: dict) -> Tuple[torch.Tensor, ...]:
        if self.merge == 'deconv':
            x = self.input_norm(
                torch.cat([
                    inputs['y'],
                    self.cb_deconv(inputs['cb']),
                    self.cr_deconv(inputs['cr'])
                ], dim=1))
        elif self.merge == 'stack':
            x = self.stem(
                self.input_norm(
                    torch.cat([inputs['y'], inputs['cb'], inputs['cr']],
                              dim=1)))
        else:
            x = self.y_norm(inputs['y'])
        x = self.y_convs(x)
        outs = [x] if 0 in self.out_indices else []
        x = self.pool(x)
        if self.chroma:
            cbcr = self.cbcr_norm(
                torch.cat([inputs['cb'], inputs['cr']], dim=1))
            x = torch.cat([x, cbcr], dim=1)
        x = self.trunk_convs(x)
        if self.final_pool:
            x = self.pool(x)
        if 1 in self.out_indices:
            outs.append(x)
        return tuple(outs)
