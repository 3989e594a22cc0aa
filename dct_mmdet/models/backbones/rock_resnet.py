from mmdet.models.backbones import ResNet
from torch import nn

from dct_mmdet.registry import MODELS


@MODELS.register_module()
class ROCKResNet(ResNet):
    """mmdet's ResNet with torchvision's dilation semantics, ROCK's backbone.

    Defaults: ResNet-50 whose last stage has stride 1 and dilation 2 (output
    stride 16, 2048 x 30 x 40 for 480 x 640), returning only that stage.
    torchvision's ``replace_stride_with_dilation`` keeps the *previous*
    dilation in the first block of a dilated stage, where mmdet dilates every
    block; ImageNet weights fit both, but the receptive field differs, so
    the first block is reset here to match rock-pytorch.
    """

    def __init__(self,
                 depth: int = 50,
                 strides=(1, 2, 2, 1),
                 dilations=(1, 1, 1, 2),
                 out_indices=(3, ),
                 **kwargs):
        super().__init__(
            depth=depth,
            strides=strides,
            dilations=dilations,
            out_indices=out_indices,
            **kwargs)
        previous = 1
        for name, dilation in zip(self.res_layers, self.dilations):
            if dilation != previous:
                for conv in getattr(self, name)[0].modules():
                    if isinstance(conv, nn.Conv2d) and \
                            conv.dilation == (dilation, dilation):
                        conv.dilation = (previous, previous)
                        conv.padding = (previous, previous)
            previous = dilation
