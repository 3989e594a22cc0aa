"""``frozen_stages`` and ``norm_eval`` for the DCT backbones, as mmdet's
ResNet has them, written once for every family."""
from typing import List

import torch.nn as nn
from torch.nn.modules.batchnorm import _BatchNorm


class StageFreezing:
    """Mixin for a module with ``frozen_stages``, ``norm_eval`` and a
    ``_frozen_modules()`` method naming what ``frozen_stages`` freezes."""

    frozen_stages: int = -1
    norm_eval: bool = False

    def _frozen_modules(self) -> List[nn.Module]:
        raise NotImplementedError

    def _freeze_stages(self) -> None:
        if self.frozen_stages < 0:
            return
        for module in self._frozen_modules():
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
