"""ROCK's SSD priors for rectangular images (rock-pytorch ``PriorBoxes``).

Sizes are fractions of the image *width* and *height*, so a "square" prior
is 4:3 in pixels on a 480x640 image; mmdet's ``SSDAnchorGenerator`` makes
square-in-pixel anchors, hence this generator.
"""
import math
from typing import List, Sequence, Tuple

import torch

from dct_mmdet.registry import TASK_UTILS


@TASK_UTILS.register_module()
class ROCKPriorGenerator:
    """Priors ``(x1, y1, x2, y2)`` in pixels, in mmdet's order (location
    major, the priors of one cell inner), so ``SSDHead`` can use them.

    Per level k with scale ``s_k`` and next scale ``s_{k+1}``, a cell has the
    sizes (as fractions of W, H): ``(s_k, s_k)``, ``(s', s')`` with
    ``s' = sqrt(s_k s_{k+1})``, then for each ratio a ``(s_k sqrt(a),
    s_k / sqrt(a))`` and ``(s_k / sqrt(a), s_k sqrt(a))``, widths and heights
    clamped to 1. Cell ``(i, j)`` is centred at ``((j + .5) step_w,
    (i + .5) step_h)`` with ``step = floor(image size / feature size)``,
    as in rock-pytorch (level 4 of 480x640: steps 240 x 213).

    Args:
        img_size (tuple[int, int]): network input ``(H, W)``; the priors are
            defined relative to it.
        scales (Sequence[float]): ``num_levels + 1`` scales.
        ratios (Sequence[Sequence[float]]): extra aspect ratios per level.
        clamp (bool): clamp widths and heights to the image (rock-pytorch
            clamps ``(cx, cy, w, h)`` to [0, 1]).
    """

    def __init__(self,
                 img_size: Tuple[int, int] = (480, 640),
                 scales: Sequence[float] = (0.07, 0.15, 0.33, 0.51, 0.69,
                                            0.87, 1.05),
                 ratios: Sequence[Sequence[float]] = ([2], [2, 3], [2, 3],
                                                      [2, 3], [2], [2]),
                 clamp: bool = True):
        if len(scales) != len(ratios) + 1:
            raise ValueError(f'need one scale per level plus one, got '
                             f'{len(scales)} scales for {len(ratios)} levels')
        self.img_size = tuple(img_size)
        self.scales = tuple(scales)
        self.ratios = tuple(tuple(r) for r in ratios)
        self.clamp = clamp

    @property
    def num_levels(self) -> int:
        return len(self.ratios)

    @property
    def num_base_priors(self) -> List[int]:
        return [2 + 2 * len(r) for r in self.ratios]

    def relative_sizes(self, level: int) -> List[Tuple[float, float]]:
        """``(w, h)`` of one cell's priors, as fractions of W and H."""
        scale, next_scale = self.scales[level], self.scales[level + 1]
        between = math.sqrt(scale * next_scale)
        sizes = [(scale, scale), (between, between)]
        for ratio in self.ratios[level]:
            root = math.sqrt(ratio)
            sizes += [(scale * root, scale / root), (scale / root, scale * root)]
        if self.clamp:
            sizes = [(min(w, 1.), min(h, 1.)) for w, h in sizes]
        return sizes

    def single_level_grid_priors(self,
                                 featmap_size: Tuple[int, int],
                                 level_idx: int,
                                 dtype: torch.dtype = torch.float32,
                                 device='cuda') -> torch.Tensor:
        img_h, img_w = self.img_size
        feat_h, feat_w = int(featmap_size[0]), int(featmap_size[1])
        step_h, step_w = img_h // feat_h, img_w // feat_w
        sizes = torch.tensor(
            self.relative_sizes(level_idx), dtype=torch.float64) * \
            torch.tensor([img_w, img_h], dtype=torch.float64)
        cy, cx = torch.meshgrid(
            (torch.arange(feat_h, dtype=torch.float64) + 0.5) * step_h,
            (torch.arange(feat_w, dtype=torch.float64) + 0.5) * step_w,
            indexing='ij')
        centres = torch.stack([cx, cy], -1).reshape(-1, 1, 2)
        half = sizes[None] / 2
        priors = torch.cat([centres - half, centres + half], -1)
        return priors.reshape(-1, 4).to(dtype=dtype, device=device)

    def grid_priors(self,
                    featmap_sizes: List[Tuple[int, int]],
                    dtype: torch.dtype = torch.float32,
                    device='cuda') -> List[torch.Tensor]:
        if len(featmap_sizes) != self.num_levels:
            raise ValueError(f'{self.num_levels} prior levels, got '
                             f'{len(featmap_sizes)} feature maps')
        return [
            self.single_level_grid_priors(size, level, dtype, device)
            for level, size in enumerate(featmap_sizes)
        ]

    def valid_flags(self,
                    featmap_sizes: List[Tuple[int, int]],
                    pad_shape: Tuple,
                    device='cuda') -> List[torch.Tensor]:
        """All priors are valid: ROCK has no padding and matches every
        prior (SSD's ``allowed_border=-1``)."""
        return [
            torch.ones(
                int(h) * int(w) * num, dtype=torch.bool, device=device)
            for (h, w), num in zip(featmap_sizes, self.num_base_priors)
        ]

    def __repr__(self):
        return (f'{self.__class__.__name__}(img_size={self.img_size}, '
                f'scales={self.scales}, ratios={self.ratios}, '
                f'clamp={self.clamp})')
