"""ROCK on a folder of images: boxes, scene ranking, depth and normals.

    python demo/rock_demo.py CONFIG CHECKPOINT IMAGE_DIR [--out-dir DIR]
        [--score-thr 0.4] [--device cpu] [--benchmark] [--cfg-options ...]

As rock-pytorch's ``detect``: each image is centre-cropped to its largest
4:3 region and goes through the config's test pipeline without its
ground-truth steps (resized to the network input), by
:class:`dct_mmdet.apis.DCTInferencePipeline`; an image that is already
4:3 enters as its file, so DCT configs can also read its own coefficients
(e.g. ``--cfg-options test_dataloader.dataset.pipeline.0.protocol=direct``).
Writes ``detections/<name>.jpg`` (boxes with score >= ``--score-thr``,
drawn by :mod:`dct_mmdet.visualization`), ``scene/<name>.txt`` (the
scenes ranked by probability), ``depth/<name>.png`` (per-image normalised,
near = bright) and ``normals/<name>.png`` ((n + 1) / 2 as RGB).
``--benchmark`` also measures throughput at batch 1, network only
(preprocessed input -> raw outputs) and end to end (file -> boxes and aux
maps), with warm-up and device synchronisation.
"""
import argparse
import time
from pathlib import Path

import cv2
import mmcv
import numpy as np
import torch
from mmengine.dataset import pseudo_collate

from dct_mmdet.apis import DCTInferencePipeline, init_dct_detector
from dct_mmdet.datasets.nyuv2 import NYUV2_SCENES
from dct_mmdet.utils.cli import add_cfg_options
from dct_mmdet.visualization import (draw_depth, draw_detections,
                                     draw_normals)

IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp')


def parse_args():
    parser = argparse.ArgumentParser(description='ROCK detection demo')
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('images', help='folder of images')
    parser.add_argument('--out-dir', default='work_dirs/rock_demo')
    parser.add_argument(
        '--score-thr', type=float, default=0.4, help='boxes drawn')
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--benchmark',
        action='store_true',
        help='measure network-only and end-to-end images/s')
    parser.add_argument(
        '--warmup', type=int, default=2, help='untimed images (benchmark)')
    add_cfg_options(parser)
    return parser.parse_args()


def centre_crop_4_3(img: np.ndarray) -> np.ndarray:
    height, width = img.shape[:2]
    crop_h, crop_w = min(height, width * 3 // 4), min(width, height * 4 // 3)
    top, left = (height - crop_h) // 2, (width - crop_w) // 2
    return img[top:top + crop_h, left:left + crop_w]


def synchronize(device: str) -> None:
    if device.startswith('cuda'):
        torch.cuda.synchronize()


class ROCKDemo:
    """A detector from :mod:`dct_mmdet.apis`, its test pipeline (built once
    for all images) and its class and scene names."""

    def __init__(self, args):
        self.model = init_dct_detector(
            args.config,
            args.checkpoint,
            device=args.device,
            cfg_options=args.cfg_options)
        meta = self.model.dataset_meta or {}
        self.classes = meta.get('classes', ())
        self.scenes = meta.get('scene_classes', NYUV2_SCENES)
        self.device = args.device
        self.pipeline = DCTInferencePipeline(self.model.cfg)

    @staticmethod
    def load(path: Path):
        """The image's largest centred 4:3 region, and what enters the
        pipeline: the file itself when it is already 4:3 (so that DCT
        pipelines can read its own coefficients), else the crop."""
        img = mmcv.imread(str(path))
        crop = centre_crop_4_3(img)
        return crop, path if crop.shape == img.shape else crop

    def prepare(self, path: Path):
        """The 4:3 image and the network's preprocessed batch for it."""
        img, source = self.load(path)
        return img, self.model.data_preprocessor(
            pseudo_collate([self.pipeline(source)]), False)

    @torch.no_grad()
    def predict(self, path: Path):
        img, batch = self.prepare(path)
        return img, self.model(**batch, mode='predict')[0]

    def write(self, img, sample, name: str, out_dir: Path, score_thr: float):
        pred = sample.pred_instances
        pred = pred[pred.scores >= score_thr].cpu()
        labels = pred.labels.numpy()
        classes = self.classes or [
            str(i) for i in range(labels.max(initial=-1) + 1)]
        save(out_dir / 'detections' / f'{name}.jpg',
             draw_detections(img, pred.bboxes.numpy(), labels,
                             pred.scores.numpy(), classes))
        size = img.shape[1::-1]
        lines = []
        if 'pred_scene' in sample:
            scores = sample.pred_scene['scores'].cpu().numpy()
            lines = [
                f'{self.scenes[i]} {scores[i]:.4f}'
                for i in np.argsort(-scores)
            ]
            write_text(out_dir / 'scene' / f'{name}.txt', lines)
        if 'pred_depth' in sample:
            save(out_dir / 'depth' / f'{name}.png',
                 draw_depth(sample.pred_depth.data[0].cpu().numpy(), size))
        if 'pred_normals' in sample:
            normals = sample.pred_normals.data.cpu().numpy()
            save(out_dir / 'normals' / f'{name}.png',
                 draw_normals(normals.transpose(1, 2, 0), size))
        return lines[0] if lines else ''

    @torch.no_grad()
    def benchmark(self, paths, warmup: int) -> dict:
        """Images/s at batch 1: the network alone and file to results."""
        network, end_to_end = [], []
        for index, path in enumerate(paths):
            synchronize(self.device)
            start = time.perf_counter()
            _, batch = self.prepare(path)
            self.model(**batch, mode='predict')
            synchronize(self.device)
            forward_start = time.perf_counter()
            self.model._forward(batch['inputs'])
            synchronize(self.device)
            end = time.perf_counter()
            if index >= warmup:
                end_to_end.append(forward_start - start)
                network.append(end - forward_start)
        if not network:
            raise ValueError(f'--benchmark needs more than {warmup} images '
                             '(--warmup)')
        return dict(
            network=len(network) / sum(network),
            end_to_end=len(end_to_end) / sum(end_to_end),
            images=len(network))


def save(path: Path, img: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(path), img):
        raise OSError(f'could not write {path}')


def write_text(path: Path, lines) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('\n'.join(lines) + '\n')


def main():
    args = parse_args()
    paths = sorted(p for p in Path(args.images).iterdir()
                   if p.suffix.lower() in IMAGE_SUFFIXES)
    if not paths:
        raise SystemExit(f'error: no images ({IMAGE_SUFFIXES}) in '
                         f'{args.images}')
    demo = ROCKDemo(args)
    out_dir = Path(args.out_dir)
    for path in paths:
        img, sample = demo.predict(path)
        scene = demo.write(img, sample, path.stem, out_dir, args.score_thr)
        kept = int((sample.pred_instances.scores >= args.score_thr).sum())
        print(f'{path.name}: {kept} detections with score >= '
              f'{args.score_thr}' + (f', scene {scene}' if scene else ''))
    print(f'outputs in {out_dir}')
    if args.benchmark:
        speed = demo.benchmark(paths, args.warmup)
        print(f"throughput over {speed['images']} images, batch 1, "
              f'{args.device}: network only {speed["network"]:.2f} img/s, '
              f"end to end {speed['end_to_end']:.2f} img/s")


if __name__ == '__main__':
    main()
