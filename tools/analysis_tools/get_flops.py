"""Parameters and multiply-accumulates of a whole detector (backbone, neck,
head) for one input of a given size.

    python tools/analysis_tools/get_flops.py CONFIG [--shape 300 300]
        [--cfg-options k=v ...]

The input is what the network sees after the data preprocessor: a
``(1, 3, H, W)`` image, or for a model with ``DCTDataPreprocessor`` the
coefficients of an HxW JPEG (4:2:0: Y ``(1, 64, 2*ceil(H/16),
2*ceil(W/16))``, Cb/Cr ``(1, 64, ceil(H/16), ceil(W/16))``; 4:4:4 and
upscaled inputs as the preprocessor lays them out). MACs count convolutions and
linear layers as model_summary.py does (box decoding and NMS are not part
of the network); FLOPs are taken as 2 x MACs.
"""
import argparse

import torch
from mmengine.config import Config

from dct_mmdet.models.data_preprocessors import DCTDataPreprocessor
from dct_mmdet.registry import MODELS
from dct_mmdet.utils import register_all_modules
from dct_mmdet.utils.cli import add_cfg_options
from model_summary import count_macs


def detector_input(model, height: int, width: int):
    """What the network sees for an HxW image: pixels, or the coefficient
    grids that the model's ``DCTDataPreprocessor`` lays out (4:2:0, 4:4:4,
    upscaled)."""
    pre = model.data_preprocessor
    if not isinstance(pre, DCTDataPreprocessor):
        return torch.randn(1, 3, height, width)
    rows = -(-height // pre.chroma_block_px)
    cols = -(-width // pre.chroma_block_px)
    luma = pre.luma_scale
    return dict(
        y=torch.randn(1, 64, luma * rows, luma * cols),
        cb=torch.randn(1, 64, rows, cols),
        cr=torch.randn(1, 64, rows, cols))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument(
        '--shape', type=int, nargs=2, default=[300, 300], metavar=('H', 'W'))
    add_cfg_options(parser)
    args = parser.parse_args()
    register_all_modules()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    cfg.model.backbone.init_cfg = None  # no pretrained download to count
    model = MODELS.build(cfg.model).eval()
    height, width = args.shape
    inputs = detector_input(model, height, width)
    macs = count_macs(model, inputs)
    print(f'config: {args.config}')
    print(f'input: {height}x{width} '
          + ('(DCT coefficients: ' + ', '.join(
              f'{k} {tuple(v.shape[1:])}' for k, v in inputs.items()) + ')'
             if isinstance(inputs, dict) else '(RGB)'))
    for part in ('backbone', 'neck', 'bbox_head'):
        module = getattr(model, part, None)
        if module is not None:
            params = sum(p.numel() for p in module.parameters())
            print(f'{part} params: {params / 1e6:.3f} M')
    params = sum(p.numel() for p in model.parameters())
    print(f'params: {params / 1e6:.3f} M')
    print(f'MACs: {macs / 1e9:.3f} G')
    print(f'FLOPs: {2 * macs / 1e9:.3f} G')


if __name__ == '__main__':
    main()
