"""CPU forward time of DCTResNet/DCTVGG presets against an RGB ResNet-50 at 224.

    python tools/analysis_tools/benchmark_backbones.py [--arch NAME ...]
        [--batch 8] [--repeats 5] [--threads N]

Inputs are already tensors (the DCT input: Y 28x28x64, Cb/Cr 14x14x64;
4:4:4 for the ITSC network; DCTNet's upscaled 56x56x64 per component for
``dctnet_*``; RGB 224x224x3), so this is the network alone, as in the
published speed-ups (Gueguen et al.: LC-RFA-Thinner 1.77x ResNet-50's
speed, on a GPU). In each repeat every model runs once, interleaved;
figures are medians.
"""
import argparse
import statistics
import time

import torch

from model_summary import (ALL_ARCHS, build_backbone, example_input,
                           rgb_resnet50)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--arch', nargs='+', default=ALL_ARCHS)
    parser.add_argument('--batch', type=int, default=8)
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--threads', type=int, default=None)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    models = {'resnet-50 (RGB)': (rgb_resnet50(),
                                  torch.randn(args.batch, 3, 224, 224))}
    for arch in args.arch:
        model = build_backbone(arch)
        models[arch] = (model, example_input(model, 224, args.batch))
    timings = {name: [] for name in models}
    with torch.inference_mode():
        for name, (model, inputs) in models.items():  # warm-up
            model(inputs)
        for _ in range(args.repeats):
            for name, (model, inputs) in models.items():
                start = time.perf_counter()
                model(inputs)
                timings[name].append(
                    (time.perf_counter() - start) * 1000 / args.batch)
    medians = {name: statistics.median(t) for name, t in timings.items()}
    rgb = medians['resnet-50 (RGB)']
    print(f'batch {args.batch}, {torch.get_num_threads()} threads, median '
          f'of {args.repeats}')
    print('| backbone | ms/img | speed vs ResNet-50 |')
    print('|---|---|---|')
    for name, ms in medians.items():
        print(f'| `{name}` | {ms:.1f} | {rgb / ms:.2f}x |')


if __name__ == '__main__':
    main()
