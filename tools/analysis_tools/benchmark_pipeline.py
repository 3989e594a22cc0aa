"""CPU cost of the SSD300 training input pipelines, per image on one core
and through DataLoader workers: stock mmdet RGB, the published DCT
protocol, lazy RGB and the compressed-domain DCT pipeline in one
interleaved run (the protocol of compressed_domain.md §4.3).

    python tools/analysis_tools/benchmark_pipeline.py
        [--images toy|photos|FOLDER] [--num-images 16] [--rounds 10]
        [--warmup 2] [--workers-max K] [--loader-batches 20] [--seed 0]

Arms, built from ``configs/_base_/datasets/ssd300_pipelines.py`` with the
registry and fed JPEG bytes preloaded in RAM (each from the bytes to the
packed sample, annotations included):

* (a) ``rgb_train_pipeline``: stock mmdet SSD300 (decode, Expand,
  MinIoURandomCrop, Resize, RandomFlip, PhotoMetricDistortion,
  PackDetInputs);
* (b) ``train_pipeline``: the published DCT protocol, (a)'s augmentation,
  then an in-memory q75 4:2:0 re-encode, its coefficient read and
  PackDCTInputs;
* (c) ``rgb_lazy_train_pipeline``: lazy RGB, (a)'s draws and one cv2 warp
  (MaterializeImage), then PhotoMetricDistortion and PackDetInputs;
* (d) ``cdaug_train_pipeline``: compressed-domain DCT, worker side only
  (read the file's levels, lazy geometry, photometric draw, pack int16);
* (d+) (d) then its materialisation on the CPU: ``materialize()`` per
  sample with requantize=75, as the ``*-cdaug_*`` configs set -- what a
  machine without a GPU pays.

mmdet's ``LoadImageFromFile`` is replaced by the same decode of the bytes
in RAM (its ``mmcv.imfrombytes`` call, cv2 backend); ``LoadDCTFromFile``
reads ``img_bytes``. The file read is timed on its own and is in no arm.
One thread (``torch.set_num_threads(1)``, ``cv2.setNumThreads(0)``). Each
round shuffles the arm order (``--seed``) and runs every arm over the N
images, each after ``np.random.seed(seed + index)`` (not timed), so that
all arms draw the same augmentation; ``--warmup`` rounds are not timed.
Figures: median ms/img over the rounds, its IQR, img/s/core = 1000 /
median, and the ratios (a)/arm and (c)/arm (how many times cheaper). On
CUDA, (d)'s materialisation of a batch of 32 samples already on the device
(CUDA events, µs/img); without a GPU the run says so.

Correctness gates, before any timing (the run stops if one fails): with
each image's seed, (a), (b), (c) and (d) give bit-identical boxes and
labels (kept and ignored, ``torch.equal``), and (c)'s image is within
45 dB PSNR of (a)'s (``PSNR_GATE``; the photometric distortion, drawn
alike, is in both). The luma PSNR of (b) and of (d+) against (a) is
printed, not gated: both are re-quantised to q75.

DataLoader scaling: for k = 1..``--workers-max`` workers (default: the CPU
count), a torch DataLoader over each arm (batch 32, or N when smaller;
``pseudo_collate``; ``persistent_workers``; 1 torch and cv2 thread per
worker): one untimed batch per worker starts them, then
``--loader-batches`` batches are timed in the main process: img/s.

Images (N: ``--num-images``, default 16): ``toy`` (data/toy's train set,
written by ``tools/misc/make_toy_dataset.py data/toy``) or any folder of
that layout (``annotations/train.json`` + ``train/``); ``photos``: the
VOC-size photographs of :mod:`dct_mmdet.utils.photos` with 3 synthetic
boxes each (20-60 % of each side, fixed seed); or a VOCdevkit folder: the
first N images of VOC2007 trainval with their boxes (difficult ones
ignored, as mmdet's VOCDataset reads them).
"""
import argparse
import json
import os
import platform
import random
import statistics
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import cv2
import mmcv
import mmdet
import numpy as np
import torch
from mmcv.transforms import Compose, LoadImageFromFile
from mmdet.datasets import VOCDataset
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from PIL import Image
from torch.utils.data import DataLoader, Dataset, Sampler

from dct_codec import block_idct
from dct_mmdet.models.data_preprocessors.materialize import materialize
from dct_mmdet.registry import TRANSFORMS
from dct_mmdet.utils import register_all_modules
from dct_mmdet.utils.benchmarking import (cuda_seconds, inputs_to,
                                          use_one_thread, verdict)
from dct_mmdet.utils.photos import photo_images

REPO = Path(__file__).resolve().parents[2]
PIPELINES = REPO / 'configs/_base_/datasets/ssd300_pipelines.py'
REQUANTIZE = 75  # model.data_preprocessor.requantize of the cdaug configs
GPU_BATCH = 32
PSNR_GATE = 45.0  # dB, (c) against (a), photometric distortion included
# key, config pipeline (None: (d) + materialisation), what it runs
ARMS = (
    ('a', 'rgb_train_pipeline', 'stock mmdet RGB: decode + Expand + '
     'MinIoURandomCrop + Resize + flip + photometric + pack'),
    ('b', 'train_pipeline', 'published DCT: (a) + re-encode q75 + read + '
     'pack'),
    ('c', 'rgb_lazy_train_pipeline', 'lazy RGB: decode + lazy draws + one '
     'warp + photometric + pack'),
    ('d', 'cdaug_train_pipeline', 'compressed-domain DCT, worker side: read '
     'levels + lazy draws + photometric draw + pack'),
    ('d+', None, f'(d) + CPU materialize() (requantize={REQUANTIZE})'),
)
# (arm, reference, factor): the arm is at least factor x cheaper.
TARGETS = (('d', 'a', 9.0, '(d) worker-side'), ('d', 'c', 2.0, '(d)'),
           ('d+', 'c', 1.15, '(d)+CPU materialisation'))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--images',
                        default='toy',
                        help="'toy', 'photos', a toy-layout or a VOCdevkit "
                        'folder')
    parser.add_argument('--num-images', type=int, default=16)
    parser.add_argument('--rounds', type=int, default=10)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--workers-max', type=int, default=os.cpu_count())
    parser.add_argument('--loader-batches', type=int, default=20)
    parser.add_argument('--seed',
                        type=int,
                        default=0,
                        help='augmentation seeds (seed + image index) and '
                        'the arm order')
    return parser.parse_args()


# ----------------------------------------------------------------- images


def coco_images(root: Path, number: int) -> list:
    """(path, instances) of the first images of a toy-layout train set."""
    coco = json.loads((root / 'annotations/train.json').read_text())
    labels = {
        c['id']: i
        for i, c in enumerate(sorted(coco['categories'],
                                     key=lambda c: c['id']))
    }
    boxes = {}
    for ann in coco['annotations']:
        x, y, w, h = ann['bbox']
        boxes.setdefault(ann['image_id'], []).append(
            dict(bbox=[x, y, x + w, y + h],
                 bbox_label=labels[ann['category_id']],
                 ignore_flag=int(ann.get('iscrowd', 0))))
    return [(root / 'train' / image['file_name'], boxes.get(image['id'], []))
            for image in coco['images'][:number]]


def synthetic_boxes(width: int, height: int, rng) -> list:
    """3 boxes of 20-60 % of each side, labels 0-19."""
    boxes = []
    for _ in range(3):
        w, h = rng.uniform(0.2, 0.6) * width, rng.uniform(0.2, 0.6) * height
        x, y = rng.uniform(0, width - w), rng.uniform(0, height - h)
        boxes.append(
            dict(bbox=[x, y, x + w, y + h],
                 bbox_label=int(rng.integers(20)),
                 ignore_flag=0))
    return boxes


def voc_images(devkit: Path, number: int) -> list:
    """(path, instances) of the first VOC2007 trainval images, parsed as
    mmdet's XMLDataset parses them (minus one, difficult: ignored)."""
    voc = devkit / 'VOC2007'
    names = (voc / 'ImageSets/Main/trainval.txt').read_text().split()
    classes = VOCDataset.METAINFO['classes']
    images = []
    for name in names[:number]:
        instances = []
        for obj in ET.parse(voc / f'Annotations/{name}.xml').findall('object'):
            if obj.find('name').text not in classes:
                continue
            box = obj.find('bndbox')
            difficult = obj.find('difficult')
            instances.append(
                dict(bbox=[
                    int(float(box.find(k).text)) - 1
                    for k in ('xmin', 'ymin', 'xmax', 'ymax')
                ],
                     bbox_label=classes.index(obj.find('name').text),
                     ignore_flag=int(difficult is not None
                                     and int(difficult.text) > 0)))
        images.append((voc / f'JPEGImages/{name}.jpg', instances))
    return images


def load_images(spec: str, number: int, folder: Path):
    """(paths, samples, description): samples are results dicts with the
    JPEG bytes in ``img_bytes`` and the annotations in ``instances``."""
    if spec == 'photos':
        paths = photo_images(folder, number)
        rng = np.random.default_rng(0)
        images = [(p, synthetic_boxes(*Image.open(p).size, rng))
                  for p in paths]
        description = 'photos (3 synthetic boxes each)'
    else:
        root = REPO / 'data/toy' if spec == 'toy' else Path(spec)
        if (root / 'VOCdevkit').is_dir():
            root = root / 'VOCdevkit'
        if (root / 'annotations/train.json').is_file():
            images, description = coco_images(root, number), f'toy {root}'
        elif (root / 'VOC2007/ImageSets/Main/trainval.txt').is_file():
            images = voc_images(root, number)
            description = f'VOC2007 trainval {root}'
        else:
            raise SystemExit(
                f'{root}: neither a toy-layout folder (annotations/'
                'train.json; make it with `python tools/misc/'
                'make_toy_dataset.py data/toy`) nor a VOCdevkit')
    samples = [
        dict(img_path=str(path),
             img_id=index,
             img_bytes=Path(path).read_bytes(),
             instances=instances)
        for index, (path, instances) in enumerate(images)
    ]
    boxes = sum(len(s['instances']) for s in samples)
    return [p for p, _ in images], samples, \
        f'{len(samples)} images, {boxes} boxes: {description}'


# ------------------------------------------------------------------- arms


class LoadImageFromBytes(LoadImageFromFile):
    """mmcv's ``LoadImageFromFile`` decoding ``results['img_bytes']`` with
    its own ``mmcv.imfrombytes`` call instead of reading ``img_path``."""

    def transform(self, results: dict) -> dict:
        img = mmcv.imfrombytes(results['img_bytes'],
                               flag=self.color_type,
                               backend=self.imdecode_backend)
        if self.to_float32:
            img = img.astype(np.float32)
        results.update(img=img,
                       img_shape=img.shape[:2],
                       ori_shape=img.shape[:2])
        return results


def build(steps: list) -> Compose:
    transforms = []
    for step in steps:
        step = dict(step)
        if step['type'] == 'LoadImageFromFile':
            step.pop('type')
            transforms.append(LoadImageFromBytes(**step))
        else:
            transforms.append(TRANSFORMS.build(step))
    return Compose(transforms)


def materialised(pipeline):

    def run(results: dict) -> dict:
        sample = pipeline(results)
        sample['inputs'] = materialize(sample['inputs'], '4:2:0', REQUANTIZE)
        return sample

    return run


def build_arms() -> dict:
    cfg = Config.fromfile(str(PIPELINES))
    arms = {key: build(cfg[name]) for key, name, _ in ARMS if name}
    arms['d+'] = materialised(arms['d'])
    return arms


def seconds_in(run, samples: list, seed: int) -> float:
    """Time spent in ``run`` over ``samples``, each after its seed."""
    total = 0.0
    for index, sample in enumerate(samples):
        results = dict(sample)
        np.random.seed(seed + index)
        start = time.perf_counter()
        run(results)
        total += time.perf_counter() - start
    return total


def read_files(paths: list) -> None:
    for path in paths:
        Path(path).read_bytes()


class GPUMaterialisation:
    """(d)'s materialisation of one batch of samples on the device, CUDA
    events, µs per image."""

    def __init__(self, pipeline, samples: list, seed: int):
        device = torch.device('cuda')
        self.inputs = []
        for index in range(GPU_BATCH):
            np.random.seed(seed + index % len(samples))
            inputs = pipeline(dict(samples[index % len(samples)]))['inputs']
            self.inputs.append(inputs_to(inputs, device))

    def __call__(self) -> float:
        return cuda_seconds(self._materialise) * 1e6 / GPU_BATCH

    def _materialise(self) -> None:
        for inputs in self.inputs:
            materialize(inputs, '4:2:0', REQUANTIZE)


# ------------------------------------------------------------------ gates


def boxes_of(sample: dict) -> list:
    data = sample['data_samples']
    return [
        getattr(t, 'tensor', t)
        for field in ('gt_instances', 'ignored_instances')
        for t in (getattr(data, field).bboxes, getattr(data, field).labels)
    ]


def psnr(ours, theirs) -> float:
    error = np.mean((np.asarray(ours, np.float64) - theirs)**2)
    return np.inf if error == 0 else 10 * np.log10(255**2 / error)


def rgb_luma(inputs: torch.Tensor) -> np.ndarray:
    """JFIF Y of a packed ``(3, H, W)`` BGR image."""
    b, g, r = inputs.double().numpy()
    return 0.299 * r + 0.587 * g + 0.114 * b


def dct_luma(y: torch.Tensor, shape) -> np.ndarray:
    """The pixels of a ``(64, h, w)`` Y coefficient plane, cropped."""
    plane = block_idct(y.double().permute(1, 2, 0).numpy()) + 128
    return plane[:shape[0], :shape[1]]


def check_gates(arms: dict, samples: list, seed: int) -> None:
    """Print the gates table; stop the run when one fails."""
    same, rgb_db, luma_db = 0, [], {'b': [], 'd+': []}
    for index, sample in enumerate(samples):
        out = {}
        for key in ('a', 'b', 'c', 'd+'):
            np.random.seed(seed + index)
            out[key] = arms[key](dict(sample))
        reference = boxes_of(out['a'])
        same += all(
            len(ours) == len(reference) and all(
                torch.equal(x, y) for x, y in zip(ours, reference))
            for ours in (boxes_of(out[k]) for k in ('b', 'c', 'd+')))
        theirs = out['a']['inputs']
        rgb_db.append(psnr(out['c']['inputs'], theirs.double().numpy()))
        for key in luma_db:
            luma_db[key].append(
                psnr(dct_luma(out[key]['inputs']['y'], theirs.shape[1:]),
                     rgb_luma(theirs)))

    def db(values):
        return f'min {min(values):.1f}, median {statistics.median(values):.1f}'

    boxes_ok = same == len(samples)
    image_ok = min(rgb_db) >= PSNR_GATE
    print('| gate | figure | result |')
    print('|---|---|---|')
    print('| box parity (a) = (b) = (c) = (d): gt and ignored boxes + labels,'
          f' torch.equal | {same}/{len(samples)} images | '
          f'{"passed" if boxes_ok else "**failed**"} |')
    print(f'| image parity (c) vs (a), PSNR >= {PSNR_GATE:.0f} dB | '
          f'{db(rgb_db)} dB | {"passed" if image_ok else "**failed**"} |')
    print(f'| luma PSNR (b) vs (a): re-encoded q75 | {db(luma_db["b"])} dB '
          '| not gated |')
    print(f'| luma PSNR (d+) vs (a): materialised, requantised q{REQUANTIZE}'
          f' | {db(luma_db["d+"])} dB | not gated |')
    if not (boxes_ok and image_ok):
        raise SystemExit('a correctness gate failed (see above): no timing '
                         'is reported')


# ------------------------------------------------------------- DataLoader


class SeededPipeline(Dataset):

    def __init__(self, run, samples: list, seed: int):
        self.run, self.samples, self.seed = run, samples, seed

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, index):
        index %= len(self.samples)
        np.random.seed(self.seed + index)
        return self.run(dict(self.samples[index]))


class Indices(Sampler):
    """0..count-1, ``count`` changed between the epochs of persistent
    workers."""

    def __init__(self):
        self.count = 0

    def __iter__(self):
        return iter(range(self.count))

    def __len__(self):
        return self.count


def loader_rate(run, samples, seed, workers, batch, batches) -> float:
    """img/s of ``batches`` batches, after one untimed batch per worker."""
    sampler = Indices()
    loader = DataLoader(SeededPipeline(run, samples, seed),
                        batch,
                        sampler=sampler,
                        num_workers=workers,
                        collate_fn=pseudo_collate,
                        persistent_workers=True,
                        worker_init_fn=use_one_thread)
    sampler.count = workers * batch
    for _ in loader:
        pass
    sampler.count = batches * batch
    start = time.perf_counter()
    for _ in loader:
        pass
    seconds = time.perf_counter() - start
    del loader  # its persistent workers exit
    return batches * batch / seconds


# ----------------------------------------------------------------- report


def machine() -> str:
    cpu = platform.processor() or '?'
    try:
        for line in Path('/proc/cpuinfo').read_text().splitlines():
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    except OSError:
        pass
    return (f'machine: {cpu}, {os.cpu_count()} CPUs; Python '
            f'{platform.python_version()}, torch {torch.__version__}, mmdet '
            f'{mmdet.__version__}, mmcv {mmcv.__version__}, cv2 '
            f'{cv2.__version__}, numpy {np.__version__}')


def main():
    args = parse_args()
    register_all_modules()
    use_one_thread()
    order = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        paths, samples, description = load_images(args.images, args.num_images,
                                                  Path(folder))
        if not samples:
            raise SystemExit(f'{args.images}: no images')
        print(machine())
        print(f'images: {description}')
        arms = build_arms()
        with torch.no_grad():
            check_gates(arms, samples, args.seed)
            gpu = GPUMaterialisation(arms['d'], samples, args.seed) \
                if torch.cuda.is_available() else None
            times = {key: [] for key in arms}
            reads, gpu_us = [], []
            for round_ in range(args.warmup + args.rounds):
                keys = list(arms)
                order.shuffle(keys)
                for key in keys:
                    seconds = seconds_in(arms[key], samples, args.seed)
                    if round_ >= args.warmup:
                        times[key].append(seconds * 1000 / len(samples))
                start = time.perf_counter()
                read_files(paths)
                us = gpu() if gpu else None
                if round_ >= args.warmup:
                    reads.append(
                        (time.perf_counter() - start) * 1000 / len(paths))
                    gpu_us.append(us)

    medians = {k: statistics.median(v) for k, v in times.items()}
    print()
    print(f'1 thread, median of {args.rounds} rounds after {args.warmup} '
          'warm-up, arm order shuffled per round; RGB load: '
          'LoadImageFromFile\'s decode (mmcv.imfrombytes, cv2) of the bytes '
          f'in RAM; file read {statistics.median(reads):.3f} ms/img, in no '
          'arm')
    print('| arm | pipeline | what runs | ms/img | IQR | img/s/core | '
          '(a)/arm | (c)/arm |')
    print('|---|---|---|---|---|---|---|---|')
    for key, name, what in ARMS:
        q1, q3 = np.percentile(times[key], (25, 75))
        median = medians[key]
        print(f'| ({key}) | `{name or "cdaug_train_pipeline"}` | {what} | '
              f'{median:.3f} | {q3 - q1:.3f} | {1000 / median:.1f} | '
              f'{medians["a"] / median:.2f}x | {medians["c"] / median:.2f}x '
              '|')
    if gpu:
        print(f'GPU materialisation of (d), batch {GPU_BATCH} on the device '
              f'(CUDA events): {statistics.median(gpu_us):.1f} µs/img')
    else:
        print('GPU materialisation of (d): no GPU')

    print()
    print('| target | figure | met |')
    print('|---|---|---|')
    for arm, reference, factor, label in TARGETS:
        ratio = medians[reference] / medians[arm]
        print(f'| {label} >= {factor:g}x cheaper than ({reference}) | '
              f'{medians[reference]:.3f} / {medians[arm]:.3f} ms = '
              f'{ratio:.2f}x | {verdict(ratio >= factor)} |')

    batch = min(GPU_BATCH, len(samples))
    workers = range(1, args.workers_max + 1)
    print()
    print(f'DataLoader: batch {batch}, pseudo_collate, persistent workers '
          f'(1 thread each), {args.loader_batches} batches timed after one '
          'per worker; img/s')
    print('| arm | ' + ' | '.join(f'k={k}' for k in workers) + ' |')
    print('|---|' + '---|' * len(workers))
    rates = {key: {} for key in arms}
    for k in workers:
        keys = list(arms)
        order.shuffle(keys)
        for key in keys:
            rates[key][k] = loader_rate(arms[key], samples, args.seed, k,
                                        batch, args.loader_batches)
    for key in arms:
        print(f'| ({key}) | ' + ' | '.join(f'{rates[key][k]:.1f}'
                                           for k in workers) + ' |')


if __name__ == '__main__':
    main()
