"""Look at what the network is fed: a config's samples with their gt boxes.

    python tools/analysis_tools/browse_dataset.py CONFIG [--output-dir DIR]
        [--not-show] [--show-interval S] [--num N] [--split train|val|test]
        [--seed S] [--cfg-options k=v ...]

The ``{split}_dataloader.dataset`` of CONFIG (default: train) is built and
its first N samples (default: all) go through its pipeline, random draws
seeded with ``--seed`` (numpy, random and torch). Each becomes the RGB image
the network sees, gt boxes drawn in the demo's style
(:func:`dct_mmdet.visualization.draw_detections`): pixel inputs as they are;
DCT inputs decoded -- samples with a ``geometry`` (compressed-domain
pipelines, ``protocol='resample'``) first materialised as the model's data
preprocessor does (its chroma layout and ``requantize``, less the
normalisation), then block IDCT, 4:2:0 chroma upsampled to the luma grid,
JFIF YCbCr -> RGB, cropped to ``img_shape``. Boxes that a test pipeline
leaves in the original image's frame are scaled to it. Images are written to
``DIR/<index>_<image stem>.png`` and, unless ``--not-show`` or without a
display, shown with OpenCV.
"""
import argparse
import os
import os.path as osp
import random
import sys

import cv2
import numpy as np
import torch
from mmengine.config import Config
from mmengine.utils import ProgressBar

from dct_codec.blockdct import block_idct
from dct_codec.photometric import YCBCR_TO_RGB, upsample2
from dct_mmdet.models.data_preprocessors.materialize import materialize
from dct_mmdet.registry import DATASETS
from dct_mmdet.utils import register_all_modules
from dct_mmdet.utils.cli import add_cfg_options
from dct_mmdet.visualization import draw_detections

SPLITS = ('train', 'val', 'test')


def parse_args():
    parser = argparse.ArgumentParser(
        description='Show or save the samples of a config\'s dataset as the '
        'network sees them, with their gt boxes')
    parser.add_argument('config', help='config file path')
    parser.add_argument('--output-dir', help='write the images here')
    parser.add_argument(
        '--not-show', action='store_true', help='do not show the images')
    parser.add_argument(
        '--show-interval',
        type=float,
        default=2,
        help='seconds each image is shown (default: %(default)s)')
    parser.add_argument(
        '--num', type=int, help='browse this many samples (default: all)')
    parser.add_argument(
        '--split',
        default='train',
        help='which {split}_dataloader dataset, one of %s (default: '
        '%%(default)s)' % '/'.join(SPLITS))
    parser.add_argument(
        '--seed',
        type=int,
        default=0,
        help='seed of the pipeline\'s random draws (default: %(default)s)')
    add_cfg_options(parser)
    args = parser.parse_args()
    if args.num is not None and args.num < 1:
        parser.error('--num must be at least 1')
    return args


def dct_to_rgb(inputs: dict, img_shape, layout: str = '4:2:0',
               requantize=None) -> np.ndarray:
    """``dict(y=, cb=, cr=, ...)`` ``(64, h, w)`` planes of one sample (with
    a ``geometry``: the file's ``(h, w, 64)`` blocks, first materialised
    onto ``layout`` grids) -> RGB uint8 ``img_shape`` image."""
    if inputs.get('geometry') is not None:
        inputs = materialize(inputs, layout, requantize)
    y, cb, cr = (block_idct(inputs[c].float().permute(1, 2, 0).numpy())
                 for c in ('y', 'cb', 'cr'))
    if cb.shape != y.shape:  # 4:2:0: chroma on half the luma grid
        cb, cr = (upsample2(p)[:y.shape[0], :y.shape[1]] for p in (cb, cr))
    ycc = np.stack([y + 128, cb, cr], -1)  # JFIF: chroma about 128
    rgb = ycc @ YCBCR_TO_RGB.T
    h, w = img_shape[:2]
    return np.clip(np.round(rgb[:h, :w]), 0, 255).astype(np.uint8)


def sample_image(item: dict, layout: str, requantize) -> np.ndarray:
    """The BGR uint8 image of one ``dataset[i]``."""
    inputs = item['inputs']
    if isinstance(inputs, dict):
        img_shape = item['data_samples'].metainfo['img_shape']
        return dct_to_rgb(inputs, img_shape, layout, requantize)[..., ::-1]
    return inputs.permute(1, 2, 0).numpy()  # already BGR, as mmdet loads


def boxes_before_resize(dataset) -> bool:
    """Whether the pipeline loads annotations after transforming the image
    (mmdet's test pipelines), which leaves the gt boxes in the original
    image's frame."""
    transforms = getattr(getattr(dataset, 'pipeline', None), 'transforms', [])
    names = [type(t).__name__ for t in transforms]
    load = next((i for i, name in enumerate(names)
                 if name.startswith('Load') and 'Annotations' in name), None)
    return load is not None and any(not name.startswith('Load')
                                    for name in names[:load])


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    register_all_modules()
    loader = cfg.get(f'{args.split}_dataloader') \
        if args.split in SPLITS else None
    if loader is None:
        sys.exit(f'{args.config} has no {args.split!r} split (no '
                 f'{args.split}_dataloader); choose from {SPLITS}')
    dataset_cfg = loader.dataset
    if 'dataset' not in dataset_cfg and 'datasets' not in dataset_cfg:
        # Not a wrapper: no need to serialise (which fails when empty).
        dataset_cfg.serialize_data = False
    try:
        dataset = DATASETS.build(dataset_cfg)
    except Exception as exc:
        exc.add_note(f'building the {args.split} dataset of {args.config}')
        raise
    if len(dataset) == 0:
        sys.exit(f'the {args.split} dataset of {args.config} is empty')
    show = not args.not_show and (sys.platform != 'linux'
                                  or bool(os.environ.get('DISPLAY')))
    if not show and args.output_dir is None:
        sys.exit('nothing to do: no display (or --not-show) and no '
                 '--output-dir')
    if args.output_dir is not None:
        os.makedirs(args.output_dir, exist_ok=True)
    preprocessor = cfg.model.get('data_preprocessor', {})
    layout = preprocessor.get('chroma_subsampling', '4:2:0')
    requantize = preprocessor.get('requantize')
    classes = dataset.metainfo['classes']
    rescale = boxes_before_resize(dataset)

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    num = min(args.num or len(dataset), len(dataset))
    progress = ProgressBar(num)
    for index in range(num):
        item = dataset[index]
        sample = item['data_samples']
        image = np.ascontiguousarray(sample_image(item, layout, requantize))
        gt = sample.get('gt_instances')
        if gt is not None and 'bboxes' in gt:  # test splits may have none
            bboxes = getattr(gt.bboxes, 'tensor', gt.bboxes).numpy()
            if rescale:  # scale_factor: (w, h)
                bboxes = bboxes * np.tile(sample.metainfo['scale_factor'], 2)
            image = draw_detections(image, bboxes, gt.labels.numpy(),
                                    np.ones(len(gt.labels)), classes)
        stem = osp.splitext(osp.basename(sample.metainfo['img_path']))[0]
        if args.output_dir is not None:
            cv2.imwrite(
                osp.join(args.output_dir, f'{index}_{stem}.png'), image)
        if show:
            cv2.imshow('browse_dataset', image)
            cv2.waitKey(max(1, int(args.show_interval * 1000)))
        progress.update()


if __name__ == '__main__':
    main()
