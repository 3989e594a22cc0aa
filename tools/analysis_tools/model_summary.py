"""Parameters, multiply-accumulates and output shapes of every DCTResNet
and DCTVGG preset, beside an RGB ResNet-50 and the published ImageNet
accuracy.

    python tools/analysis_tools/model_summary.py [--arch NAME ...]

GMACs count convolutions and linear layers (one multiply-add = 1) of the
backbone for one 224x224 image (DCT input: Y 28x28x64, Cb/Cr 14x14x64;
4:4:4 chroma for the ITSC network; DCTNet's presets get their upscaled
input, all three components 56x56x64, as its 448 px crops give). Prints a
Markdown table.
"""
import argparse

import torch
import torch.nn as nn

from dct_mmdet.models import DCTVGG, DCTResNet
from dct_mmdet.models.backbones.presets import (PUBLISHED_IMAGENET,
                                               build_preset)


def dct_input(size: int, batch: int = 1, luma_per_chroma: int = 2) -> dict:
    """Random coefficients of a size x size image: 4:2:0 chroma, or with
    ``luma_per_chroma=1`` 4:4:4 chroma on the luma grid."""
    chroma = -(-size // (8 * luma_per_chroma))
    luma = luma_per_chroma * chroma
    return dict(
        y=torch.randn(batch, 64, luma, luma),
        cb=torch.randn(batch, 64, chroma, chroma),
        cr=torch.randn(batch, 64, chroma, chroma))


def build_backbone(arch: str) -> nn.Module:
    model = build_preset(arch)
    model.eval()
    return model


def example_input(model: nn.Module, size: int, batch: int = 1):
    """What each preset is fed for a ``size`` px model: pixels for the RGB
    baseline, DCT coefficients else (4:4:4 for the ITSC network, DCTNet's
    upscaled 4:4:4 input on the grid of the 2x image for ``dctnet_*``,
    4:2:0 for the others)."""
    merge = getattr(model, 'merge', None)
    if merge == 'rgb':
        return torch.randn(batch, 3, size, size)
    if merge == 'subset':
        return dct_input(2 * size, batch, 1)
    return dct_input(size, batch, 1 if merge == 'stack' else 2)


ALL_ARCHS = sorted([*DCTResNet.arch_settings, *DCTVGG.arch_settings])


def count_macs(model: nn.Module, inputs) -> int:
    """Multiply-accumulates of the convolutions and linear layers."""
    total = 0

    def hook(module, args, output):
        nonlocal total
        if isinstance(module, nn.Linear):
            total += output.numel() * module.in_features
        elif isinstance(module, nn.ConvTranspose2d):
            kernel = module.kernel_size[0] * module.kernel_size[1]
            total += args[0].numel() * module.out_channels * kernel // \
                module.groups
        else:
            kernel = module.kernel_size[0] * module.kernel_size[1]
            total += output.numel() * module.in_channels * kernel // \
                module.groups

    handles = [
        m.register_forward_hook(hook) for m in model.modules()
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear))
    ]
    with torch.no_grad():
        model(inputs)
    for handle in handles:
        handle.remove()
    return total


def rgb_resnet50() -> nn.Module:
    from mmdet.models import ResNet
    model = ResNet(50, out_indices=(3, ))
    model.eval()  # mmdet's ResNet.train() returns None
    return model


def summary_rows(archs):
    rgb = rgb_resnet50()
    yield ('resnet-50 (RGB, mmdet)', sum(p.numel() for p in rgb.parameters()),
           count_macs(rgb, torch.randn(1, 3, 224, 224)),
           rgb(torch.randn(1, 3, 224, 224))[-1].shape[1:],
           rgb(torch.randn(1, 3, 300, 300))[-1].shape[1:],
           (75.78, 92.65))  # Gueguen et al.'s ResNet-50 (reference 7.1)
    for arch in archs:
        model = build_backbone(arch)
        with torch.no_grad():
            out_224 = model(example_input(model, 224))[-1].shape[1:]
            out_300 = model(example_input(model, 300))[-1].shape[1:]
        yield (arch, sum(p.numel() for p in model.parameters()),
               count_macs(model, example_input(model, 224)), out_224,
               out_300, PUBLISHED_IMAGENET.get(arch))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--arch', nargs='+', default=ALL_ARCHS)
    args = parser.parse_args()
    print('| preset | params (M) | GMACs @224 | output @224 | output @300 '
          '| published top-1 / top-5 |')
    print('|---|---|---|---|---|---|')
    with torch.no_grad():
        for name, params, macs, out_224, out_300, published in \
                summary_rows(args.arch):
            accuracy = '%.2f / %.2f' % published if published else '–'
            print(f'| `{name}` | {params / 1e6:.1f} | {macs / 1e9:.2f} | '
                  f'{"x".join(map(str, out_224))} | '
                  f'{"x".join(map(str, out_300))} | {accuracy} |')


if __name__ == '__main__':
    main()
