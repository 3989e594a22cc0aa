"""ROCK on a folder of images: boxes, scene ranking, depth and normals.

    python demo/rock_demo.py CONFIG CHECKPOINT IMAGE_DIR [--out-dir DIR]
        [--score-thr 0.4] [--device cpu] [--benchmark] [--cfg-options ...]

As rock-pytorch's ``detect``: each image is centre-cropped to its largest
4:3 region and goes through the config's test pipeline (resized to the
network input). Writes ``detections/<name>.jpg`` (boxes with score >=
``--score-thr``), ``scene/<name>.txt`` (the scenes ranked by probability),
``depth/<name>.png`` (per-image normalised, near = bright) and
``normals/<name>.png`` ((n + 1) / 2 as RGB). ``--benchmark`` also measures
throughput at batch 1, network only (preprocessed input -> raw outputs) and
end to end (file -> boxes and aux maps), with warm-up and device
synchronisation.
"""
import argparse
import time
from pathlib import Path

import cv2
import mmcv
import numpy as np
import torch
from mmcv.transforms import Compose
from mmdet.apis import init_detector
from mmengine.dataset import pseudo_collate

import dct_mmdet  # noqa: F401  (registers the modules)
from dct_mmdet.datasets.nyuv2 import NYUV2_SCENES
from dct_mmdet.utils.cli import add_cfg_options

IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp')
# Test-pipeline steps that read ground truth: not available for new images.
ANNOTATION_STEPS = ('LoadAnnotations', 'LoadROCKAnnotations',
                    'ROCKAuxTargets')


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


def build_pipeline(cfg) -> Compose:
    """The test pipeline without ground truth, fed from an array."""
    steps = []
    for step in cfg.test_dataloader.dataset.pipeline:
        step_type = step['type'].split('.')[-1]
        if step_type in ANNOTATION_STEPS:
            continue
        if step_type in ('LoadImageFromFile', 'LoadDCTFromFile'):
            steps.append(dict(type='mmdet.LoadImageFromNDArray'))
            if step_type == 'LoadDCTFromFile':
                steps.append(dict(type='JPEGToDCT'))
            continue
        steps.append(step)
    return Compose(steps)


def synchronize(device: str) -> None:
    if device.startswith('cuda'):
        torch.cuda.synchronize()


class ROCKDemo:

    def __init__(self, args):
        cfg_options = args.cfg_options or {}
        self.model = init_detector(
            args.config,
            args.checkpoint,
            device=args.device,
            cfg_options=cfg_options)
        self.pipeline = build_pipeline(self.model.cfg)
        meta = self.model.dataset_meta or {}
        self.classes = meta.get('classes', ())
        self.scenes = meta.get('scene_classes', NYUV2_SCENES)
        self.device = args.device

    def prepare(self, path: Path, index: int):
        img = centre_crop_4_3(mmcv.imread(str(path)))
        data = self.pipeline(dict(img=img, img_id=index, img_path=str(path)))
        return img, self.model.data_preprocessor(
            pseudo_collate([data]), False)

    @torch.no_grad()
    def predict(self, path: Path, index: int):
        img, batch = self.prepare(path, index)
        sample = self.model(**batch, mode='predict')[0]
        return img, sample

    def write(self, img, sample, name: str, out_dir: Path, score_thr: float):
        drawn = img.copy()
        pred = sample.pred_instances
        for box, score, label in zip(pred.bboxes.cpu().numpy(),
                                     pred.scores.cpu().numpy(),
                                     pred.labels.cpu().numpy()):
            if score < score_thr:
                continue
            x1, y1, x2, y2 = np.rint(box).astype(int)
            cv2.rectangle(drawn, (x1, y1), (x2, y2), (0, 255, 0), 2)
            text = f'{self.classes[label] if self.classes else label} ' \
                f'{score:.2f}'
            cv2.putText(drawn, text, (x1, max(y1 - 4, 10)),
                        cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 255, 0), 1)
        save(out_dir / 'detections' / f'{name}.jpg', drawn)
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
            depth = sample.pred_depth.data[0].cpu().numpy()
            near_bright = 1 - depth / max(float(depth.max()), 1e-6)
            save(out_dir / 'depth' / f'{name}.png',
                 resize(np.rint(255 * near_bright).astype(np.uint8), size))
        if 'pred_normals' in sample:
            normals = sample.pred_normals.data.cpu().numpy().transpose(
                1, 2, 0)
            rgb = np.rint((normals + 1) / 2 * 255).astype(np.uint8)
            save(out_dir / 'normals' / f'{name}.png',
                 resize(rgb[..., ::-1], size))
        return lines[0] if lines else ''

    @torch.no_grad()
    def benchmark(self, paths, warmup: int) -> dict:
        """Images/s at batch 1: the network alone and file to results."""
        network, end_to_end = [], []
        for index, path in enumerate(paths):
            synchronize(self.device)
            start = time.perf_counter()
            _, batch = self.prepare(path, index)
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


def resize(img: np.ndarray, size) -> np.ndarray:
    return cv2.resize(img, tuple(size), interpolation=cv2.INTER_NEAREST)


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
    for index, path in enumerate(paths):
        img, sample = demo.predict(path, index)
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
