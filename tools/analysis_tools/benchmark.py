"""Speed of a DCT detector against its RGB baseline, network only and end
to end, in one run.

    python tools/analysis_tools/benchmark.py DCT_CONFIG RGB_CONFIG
        [--checkpoint DCT.pth RGB.pth] [--images DIR | generated]
        [--num-images N] [--batch-size 8] [--warmup 2] [--repeats 5]
        [--device cpu] [--threads N]
        [--dct-cfg-options k=v ...] [--rgb-cfg-options k=v ...]

* **network**: backbone + neck + head forward (``mode='tensor'``: no box
  decoding or NMS) on one preloaded, preprocessed batch of
  ``--batch-size`` images, run as many times per repeat as the end-to-end
  pass has batches -- the published FPS protocol (jpeg_deep times
  ``model.predict`` on one preloaded batch; SSD300 LC-RFA-Thinner 176 FPS
  against SSD300-R50 108 FPS on a GTX 1080, 1.63x).
* **end to end**: JPEG file bytes to detections for every image: read the
  file, the config's test pipeline (decode and resize, or re-encode and
  read coefficients, ...), collate, preprocess, predict, post-process
  (boxes back in the file's pixels), batch by batch. ``input`` is the part
  before the model (read, pipeline, collate).

Images: the JPEGs of ``--images`` (default ``data/toy/val``, written by
``tools/misc/make_toy_dataset.py data/toy``; files that cannot be read are
skipped and reported), or ``generated``: 500x375
synthetic JPEGs (quality 90, 4:2:0, the size of a typical VOC photo) written
to a temporary folder. Without checkpoints the models keep their random
initial weights, which is enough for timing. Every repeat measures both
models, in alternating order, so that the machine's drift affects both;
figures are medians. Timings on a shared machine are noisy: compare the
ratios of one run.
"""
import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from mmengine.config import DictAction
from mmengine.dataset import pseudo_collate

from dct_mmdet.apis import DCTInferencePipeline, init_dct_detector
from dct_codec import encode_jpeg
from dct_codec.audit import scan_folder


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('dct_config')
    parser.add_argument('rgb_config')
    parser.add_argument(
        '--checkpoint',
        nargs=2,
        metavar=('DCT', 'RGB'),
        help='checkpoints of the two models (default: random weights)')
    parser.add_argument(
        '--images',
        default='data/toy/val',
        help="a folder of JPEGs, or 'generated'")
    parser.add_argument(
        '--num-images',
        type=int,
        default=None,
        help='use the first N images (default: all; generated: 64)')
    parser.add_argument('--batch-size', type=int, default=8)
    parser.add_argument(
        '--warmup', type=int, default=2, help='untimed runs of each part')
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--threads', type=int, default=None)
    parser.add_argument('--dct-cfg-options', nargs='+', action=DictAction)
    parser.add_argument('--rgb-cfg-options', nargs='+', action=DictAction)
    return parser.parse_args()


def generate_images(folder: Path, number: int) -> list:
    """Smooth random 500x375 photos-to-be, as JPEG files."""
    rng = np.random.default_rng(0)
    paths = []
    for index in range(number):
        low = rng.uniform(0, 255, (24, 32, 3)).astype(np.uint8)
        image = np.kron(low, np.ones((16, 16, 1), np.uint8))[:375, :500]
        noise = rng.integers(-12, 13, image.shape)
        image = np.clip(image + noise, 0, 255).astype(np.uint8)
        paths.append(folder / f'generated_{index:03d}.jpg')
        paths[-1].write_bytes(encode_jpeg(image, 90, '4:2:0'))
    return paths


def list_images(spec: str, number, folder: Path) -> list:
    if spec == 'generated':
        return generate_images(folder, number or 64)
    source = Path(spec)
    if not source.is_dir():
        raise FileNotFoundError(
            f"{source}: no such folder (make the toy set with "
            "`python tools/misc/make_toy_dataset.py data/toy`, or pass "
            "--images generated)")
    scan = scan_folder(source, limit=number)
    if scan.skipped:
        print(scan.report())
    if not scan.paths:
        raise SystemExit(
            f'{source}: no readable .jpg/.jpeg files' +
            (f' ({len(scan.skipped)} skipped, see above)'
             if scan.skipped else ''))
    return scan.paths


class Subject:
    """One detector with its inference pipeline and a preloaded batch."""

    def __init__(self, label, config, checkpoint, device, cfg_options,
                 paths, batch_size):
        self.label = label
        self.config = Path(config).stem
        self.device = torch.device(device)
        self.model = init_dct_detector(
            config, checkpoint, device=device, cfg_options=cfg_options)
        self.pipeline = DCTInferencePipeline(self.model.cfg)
        self.params = sum(p.numel() for p in self.model.parameters())
        batch = pseudo_collate(
            [self.pipeline(p.read_bytes()) for p in paths[:batch_size]])
        with torch.no_grad():
            self.inputs = self.model.data_preprocessor(batch)['inputs']
        self.batch = len(paths[:batch_size])
        self.network = []  # ms per image, one figure per repeat
        self.total = []
        self.input = []

    def sync(self):
        if self.device.type == 'cuda':
            torch.cuda.synchronize(self.device)

    def run_network(self) -> float:
        self.sync()
        start = time.perf_counter()
        self.model(self.inputs, mode='tensor')
        self.sync()
        return time.perf_counter() - start

    def run_end_to_end(self, paths, batch_size):
        """Seconds in total and before the model, over ``paths``."""
        total = before_model = 0.0
        for first in range(0, len(paths), batch_size):
            self.sync()
            start = time.perf_counter()
            data = pseudo_collate([
                self.pipeline(path.read_bytes())
                for path in paths[first:first + batch_size]
            ])
            loaded = time.perf_counter()
            self.model.test_step(data)
            self.sync()
            total += time.perf_counter() - start
            before_model += loaded - start
        return total, before_model

    def measure(self, paths, batch_size):
        runs = -(-len(paths) // batch_size)
        network = sum(self.run_network() for _ in range(runs))
        self.network.append(network * 1000 / (runs * self.batch))
        total, before_model = self.run_end_to_end(paths, batch_size)
        self.total.append(total * 1000 / len(paths))
        self.input.append(before_model * 1000 / len(paths))

    def warm_up(self, paths, batch_size, runs):
        for _ in range(runs):
            self.run_network()
            self.run_end_to_end(paths[:batch_size], batch_size)


def print_table(subjects, args, paths, source):
    rows = [(s, *(statistics.median(v) for v in (s.network, s.total, s.input)))
            for s in subjects]
    print(f'device {args.device}, {torch.get_num_threads()} threads, '
          f'batch {args.batch_size}, {len(paths)} images ({source}), '
          f'median of {args.repeats} repeats after {args.warmup} warm-up')
    print('| model | config | params (M) | network ms/img | network FPS '
          '| end-to-end ms/img | end-to-end img/s | input ms/img |')
    print('|---|---|---|---|---|---|---|---|')
    for s, network, total, before_model in rows:
        print(f'| {s.label} | `{s.config}` | {s.params / 1e6:.2f} | '
              f'{network:.2f} | {1000 / network:.1f} | {total:.2f} | '
              f'{1000 / total:.1f} | {before_model:.2f} |')
    # Speed ratios: RGB time over DCT time (> 1: DCT is faster).
    (_, *dct), (_, *rgb) = rows
    network, total, before_model = (r / d for d, r in zip(dct, rgb))
    print(f'| DCT/RGB speed | | | | {network:.2f}x | | {total:.2f}x | '
          f'{before_model:.2f}x |')


def main():
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    checkpoints = args.checkpoint or (None, None)
    with tempfile.TemporaryDirectory() as folder, torch.no_grad():
        paths = list_images(args.images, args.num_images, Path(folder))
        subjects = [
            Subject('DCT', args.dct_config, checkpoints[0], args.device,
                    args.dct_cfg_options, paths, args.batch_size),
            Subject('RGB', args.rgb_config, checkpoints[1], args.device,
                    args.rgb_cfg_options, paths, args.batch_size)
        ]
        for subject in subjects:
            subject.warm_up(paths, args.batch_size, args.warmup)
        for repeat in range(args.repeats):
            # Alternate the order so that drift does not favour one model.
            for subject in subjects[::1 if repeat % 2 == 0 else -1]:
                subject.measure(paths, args.batch_size)
        source = 'generated 500x375' if args.images == 'generated' \
            else args.images
        print_table(subjects, args, paths, source)


if __name__ == '__main__':
    main()
