"""Speed of a DCT detector against its RGB baseline, network only, end to
end and along the input path, in one run.

    python tools/analysis_tools/benchmark.py DCT_CONFIG RGB_CONFIG
        [--checkpoint DCT.pth RGB.pth] [--images DIR | generated | photos]
        [--num-images N] [--batch-size 8] [--warmup 2] [--repeats 5]
        [--device cpu] [--threads N] [--seed 0]
        [--dct-cfg-options k=v ...] [--rgb-cfg-options k=v ...]

* **network**: backbone + neck + head forward (``mode='tensor'``: no box
  decoding or NMS) on one preloaded, preprocessed batch of
  ``--batch-size`` images, run as many times per repeat as the end-to-end
  pass has batches -- the published FPS protocol (jpeg_deep times
  ``model.predict`` on one preloaded batch; SSD300 LC-RFA-Thinner 176 FPS
  against SSD300-R50 108 FPS on a GTX 1080, 1.63x).
* **end to end**: JPEG file bytes to detections for every image: read the
  file, the config's test pipeline (decode and resize, or re-encode and
  read coefficients, ...), collate, preprocess (for the ``resample``
  protocol: materialise the coefficients), predict, post-process (boxes
  back in the file's pixels), batch by batch. ``input`` is the part before
  the model (read, pipeline, collate). Three rows: the DCT config with its
  own test protocol, the same model with ``DCTTestInput(protocol=
  'resample')`` (when the config's test pipeline starts with
  ``DCTTestInput`` and does not already resample), and the RGB config.
  torch runs with ``--threads`` threads here.
* **input path** (single thread: ``torch.set_num_threads(1)``,
  ``cv2.setNumThreads(0)``, as in a DataLoader worker; JPEG bytes
  preloaded in RAM, the file read timed on its own):

  - *worker*: what a DataLoader worker pays per image, the test pipeline
    from JPEG bytes to the packed sample: RGB (decode + resize + pack), DCT
    ``reencode`` (strict read + decode + resize + re-encode q75 + read +
    pack), DCT ``resample`` (read the levels + EXIF + geometry + pack) and
    DCT ``direct`` (read + pack at the stored size; a reference). ``packed
    KB`` is what the sample weighs on its way to the main process and the
    device.
  - *model-side preprocessing* on the CPU: each config's data
    preprocessor on batches of 8 samples (``--materialize-batch``); for
    ``resample`` it materialises the coefficients (dequantise, block IDCT,
    bilinear resample, block DCT). **Materialisation** = the preprocessor
    on the ``resample`` batch minus the same preprocessor on the
    ``reencode`` batch of the same images (ready-made coefficients of the
    same shape); ``materialize()`` times the materialiser alone, per
    sample. Both include the re-quantisation to the re-encode quality
    when the pipeline asks for it (``DCTTestInput(requantize=True)``, the
    default).
  - on CUDA (``torch.cuda.is_available()``): the same with batches of 32
    (``--gpu-batch``), timed with CUDA events, in µs/img: samples already
    on the device, and from host memory (H2D copy included). Without a GPU
    it says so.

  The targets of the compressed-domain input (issue #13) are checked in the
  last table: ``resample`` worker >= 1.8x cheaper than RGB; ``resample``
  worker + CPU materialisation cheaper than RGB's worker; GPU
  materialisation <= 20 µs/img.

Images: the JPEGs of ``--images`` (default ``data/toy/val``, written by
``tools/misc/make_toy_dataset.py data/toy``; files that cannot be read are
skipped and reported); ``generated``: 500x375 synthetic JPEGs (quality 90,
4:2:0, the size of a typical VOC photo); or ``photos``: real photographs
shipped with scikit-image (astronaut, coffee, chelsea, rocket,
hubble_deep_field, immunohistochemistry, retina, camera, coins; gray ones
stay gray) and matplotlib (grace_hopper, when installed), cropped and
resized to VOC's 500x375 / 375x500 (landscape / portrait), some crops
mirrored, quality 90, 4:2:0 -- 16 images from 10 sources by default. Both
are written to a temporary folder. Without checkpoints the models keep
their random initial weights, which is enough for timing. Every repeat
measures every arm, in a shuffled order (``--seed``), so that the
machine's drift affects all; figures are medians (with the range over the
repeats). Timings on a shared machine are noisy: compare the ratios of one
run.
"""
import argparse
import copy
import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from mmengine.config import DictAction
from mmengine.dataset import pseudo_collate
from PIL import Image

from dct_codec import encode_jpeg
from dct_codec.audit import scan_folder
from dct_mmdet.apis import DCTInferencePipeline, init_dct_detector
from dct_mmdet.models.data_preprocessors.materialize import materialize
from dct_mmdet.utils.benchmarking import (cuda_seconds, inputs_to,
                                          single_thread, verdict)
from dct_mmdet.utils.photos import photo_images

# Issue #13's targets for the compressed-domain ('resample') input.
WORKER_SPEEDUP_TARGET = 1.8  # RGB worker ms / resample worker ms
GPU_TARGET_US = 20.0  # materialisation on the GPU, µs per image


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
        help="a folder of JPEGs, 'generated' or 'photos'")
    parser.add_argument(
        '--num-images',
        type=int,
        default=None,
        help='use the first N images (default: all; generated: 64; '
        'photos: 16)')
    parser.add_argument('--batch-size', type=int, default=8)
    parser.add_argument(
        '--warmup', type=int, default=2, help='untimed runs of each part')
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--threads',
        type=int,
        default=None,
        help='torch threads for the network and end-to-end parts (the '
        'input path always runs on one)')
    parser.add_argument(
        '--materialize-batch',
        type=int,
        default=8,
        help='batch of the CPU preprocessing/materialisation timing')
    parser.add_argument(
        '--gpu-batch',
        type=int,
        default=32,
        help='batch of the CUDA materialisation timing')
    parser.add_argument(
        '--seed', type=int, default=0, help='seed of the arm order')
    parser.add_argument('--dct-cfg-options', nargs='+', action=DictAction)
    parser.add_argument('--rgb-cfg-options', nargs='+', action=DictAction)
    return parser.parse_args()


# ---------------------------------------------------------------- images


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
    if spec == 'photos':
        return photo_images(folder, number or 16)
    source = Path(spec)
    if not source.is_dir():
        raise FileNotFoundError(
            f"{source}: no such folder (make the toy set with "
            "`python tools/misc/make_toy_dataset.py data/toy`, or pass "
            "--images generated / photos)")
    scan = scan_folder(source, limit=number)
    if scan.skipped:
        print(scan.report())
    if not scan.paths:
        raise SystemExit(
            f'{source}: no readable .jpg/.jpeg files' +
            (f' ({len(scan.skipped)} skipped, see above)'
             if scan.skipped else ''))
    return scan.paths


def describe_images(spec: str, paths: list) -> str:
    if spec == 'generated':
        return 'generated 500x375'
    if spec == 'photos':
        sources = {p.stem.split('_', 2)[2] for p in paths}
        gray = sum(Image.open(p).mode == 'L' for p in paths)
        return (f'photos: {len(sources)} sources, {gray} gray, '
                '500x375/375x500, q90')
    return spec


# ------------------------------------------------- network and end to end


class Subject:
    """One detector with its inference pipeline and a preloaded batch."""

    def __init__(self, label, config, checkpoint, device, cfg_options,
                 paths, batch_size, model=None, protocol=None):
        self.label = label
        self.config = Path(config).stem
        self.device = torch.device(device)
        self.model = model or init_dct_detector(
            config, checkpoint, device=device, cfg_options=cfg_options)
        self.pipeline = DCTInferencePipeline(self.model.cfg, protocol)
        self.protocol = self.pipeline.protocol
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


# ------------------------------------------------------------ input path


class Arm:
    """A timed task: ``run()`` processes ``images`` images; figures are
    per image, in ms (``unit='us'``: µs), one per repeat. ``cuda``: time
    with CUDA events instead of the host clock."""

    def __init__(self, key, run, images, cuda=False, unit='ms'):
        self.key, self._run, self.images = key, run, images
        self.cuda, self.unit = cuda, unit
        self.times = []

    def __call__(self, record=True):
        if self.cuda:
            seconds = cuda_seconds(self._run)
        else:
            begin = time.perf_counter()
            self._run()
            seconds = time.perf_counter() - begin
        if record:
            scale = 1e6 if self.unit == 'us' else 1e3
            self.times.append(seconds * scale / self.images)

    @property
    def median(self):
        return statistics.median(self.times)

    def spread(self):
        return f'{min(self.times):.2f}-{max(self.times):.2f}'


def packed_bytes(sample: dict) -> int:
    """Bytes of the tensors a packed sample carries (its inputs)."""
    inputs = sample['inputs']
    if isinstance(inputs, torch.Tensor):
        return inputs.numel() * inputs.element_size()
    return sum(v.numel() * v.element_size() for v in inputs.values()
               if isinstance(v, torch.Tensor))


def fill_batches(samples: list, size: int) -> list:
    """``ceil(len / size)`` batches of exactly ``size`` samples, cycling
    through ``samples``."""
    count = -(-len(samples) // size)
    return [[samples[(b * size + i) % len(samples)] for i in range(size)]
            for b in range(count)]


def to_device(sample: dict, device) -> dict:
    """A packed sample with its input tensors moved to ``device``."""
    return dict(sample, inputs=inputs_to(sample['inputs'], device))


class InputPath:
    """Worker-side, preprocessing and materialisation arms."""

    PROTOCOLS = ('reencode', 'resample', 'direct')

    def __init__(self, dct_model, rgb_model, data: list, args):
        self.data = data
        images = len(data)
        self.passes = max(1, -(-48 // images))  # >= 48 images per arm
        self.pipelines = {'rgb': DCTInferencePipeline(rgb_model.cfg)}
        for protocol in self.PROTOCOLS:
            self.pipelines[protocol] = DCTInferencePipeline(
                dct_model.cfg, protocol)
        self.samples = {k: [p(d) for d in data]
                        for k, p in self.pipelines.items()}
        self.packed_kb = {
            k: statistics.mean(packed_bytes(s) for s in samples) / 1024
            for k, samples in self.samples.items()}
        self.arms = {}
        for key, pipeline in self.pipelines.items():
            self.add(f'worker {key}', self._worker(pipeline),
                     images * self.passes)
        # The model-side preprocessing on the CPU, batches of 8.
        size = args.materialize_batch
        self.cpu_batch = size
        preprocessors = {'rgb': rgb_model.data_preprocessor}
        for protocol in ('reencode', 'resample'):
            preprocessors[protocol] = dct_model.data_preprocessor
        for key, preprocessor in preprocessors.items():
            preprocessor = copy.deepcopy(preprocessor).to('cpu')
            batches = [pseudo_collate(b)
                       for b in fill_batches(self.samples[key], size)]
            self.add(f'preprocess {key}',
                     self._preprocess(preprocessor, batches),
                     len(batches) * size)
        inputs = [s['inputs'] for s in self.samples['resample']]
        self.add('materialize', lambda: [materialize(i) for i in inputs],
                 images)
        self.gpu = torch.cuda.is_available()
        if self.gpu:
            self.gpu_batch = args.gpu_batch
            self._add_gpu(dct_model.data_preprocessor, args.gpu_batch)

    def add(self, key, run, images, **kwargs):
        self.arms[key] = Arm(key, run, images, **kwargs)

    def _worker(self, pipeline):
        def run():
            for _ in range(self.passes):
                for data in self.data:
                    pipeline(data)
        return run

    @staticmethod
    def _preprocess(preprocessor, batches):
        def run():
            for batch in batches:
                preprocessor(batch)
        return run

    def _add_gpu(self, preprocessor, size):
        device = torch.device('cuda')
        preprocessor = copy.deepcopy(preprocessor).to(device)
        for protocol in ('reencode', 'resample'):
            host = fill_batches(self.samples[protocol], size)
            resident = [pseudo_collate([to_device(s, device) for s in b])
                        for b in host]
            self.add(f'gpu {protocol}',
                     self._preprocess(preprocessor, resident),
                     len(resident) * size, cuda=True, unit='us')
            if protocol == 'resample':
                self.add('gpu resample from host',
                         self._preprocess(preprocessor,
                                          [pseudo_collate(b) for b in host]),
                         len(host) * size, cuda=True, unit='us')

    def read_files(self, paths):
        def run():
            for path in paths:
                path.read_bytes()
        self.add('file read', run, len(paths))

    def warm_up(self, runs):
        with single_thread(), torch.no_grad():
            for _ in range(runs):
                for arm in self.arms.values():
                    arm(record=False)

    def measure(self, rng):
        arms = list(self.arms.values())
        rng.shuffle(arms)
        with single_thread(), torch.no_grad():
            for arm in arms:
                arm()

    def median(self, key):
        return self.arms[key].median


# ----------------------------------------------------------------- report


def print_table(subjects, args, paths, source):
    print(f'device {args.device}, {torch.get_num_threads()} threads, '
          f'batch {args.batch_size}, {len(paths)} images ({source}), '
          f'median of {args.repeats} repeats after {args.warmup} warm-up')
    print('| model | config | params (M) | network ms/img | network FPS '
          '| end-to-end ms/img | end-to-end img/s | input ms/img |')
    print('|---|---|---|---|---|---|---|---|')
    medians = {}
    for s in subjects:
        network, total, before_model = medians[s.label] = tuple(
            statistics.median(v) for v in (s.network, s.total, s.input))
        print(f'| {s.label} | `{s.config}` | {s.params / 1e6:.2f} | '
              f'{network:.2f} | {1000 / network:.1f} | {total:.2f} | '
              f'{1000 / total:.1f} | {before_model:.2f} |')
    # Speed ratios: RGB time over DCT time (> 1: DCT is faster).
    rgb = medians['RGB']
    for s in subjects:
        if s.label == 'RGB':
            continue
        network, total, before_model = (
            r / d for d, r in zip(medians[s.label], rgb))
        print(f'| {s.label}/RGB speed | | | | {network:.2f}x | | '
              f'{total:.2f}x | {before_model:.2f}x |')
    protocols = ', '.join(f'{s.label}: {s.protocol or "-"}'
                          for s in subjects)
    print(f'(test protocols: {protocols}; ranges over the repeats: ' +
          '; '.join(f'{s.label} network {min(s.network):.2f}-'
                    f'{max(s.network):.2f}, end to end {min(s.total):.2f}-'
                    f'{max(s.total):.2f}' for s in subjects) + ')')


WORKER_ROWS = (
    ('rgb', 'RGB', 'decode + resize + pack (the RGB test pipeline)'),
    ('reencode', 'DCT reencode',
     'strict read + decode + resize + re-encode q75 + read + pack'),
    ('resample', 'DCT resample',
     'read levels + EXIF + geometry + pack (file grids, int16)'),
    ('direct', 'DCT direct',
     'read + pack at the stored size (reference: not 300x300)'),
)


def print_input_path(path: InputPath, args, rgb_config, dct_config):
    arms = path.arms
    rgb = path.median('worker rgb')
    print()
    quality = path.samples['resample'][0]['inputs'].get('requantize')
    requantize = (f'; resample re-quantised to q{quality} on the device'
                  if quality else '')
    print(f'input path: 1 thread, {len(path.data)} images x {path.passes} '
          f'passes per repeat, JPEG bytes in RAM (file read: '
          f'{path.median("file read"):.3f} ms/img, not included), median '
          f'of {args.repeats} repeats (range); RGB `{rgb_config}`, DCT '
          f'`{dct_config}`{requantize}')
    print('| part | arm | what runs | ms/img | range | RGB/arm | '
          'packed KB/img |')
    print('|---|---|---|---|---|---|---|')
    for key, label, what in WORKER_ROWS:
        arm = arms[f'worker {key}']
        print(f'| worker | {label} | {what} | {arm.median:.3f} | '
              f'{arm.spread()} | {rgb / arm.median:.2f}x | '
              f'{path.packed_kb[key]:.0f} |')
    batch = path.cpu_batch
    for key, label, what in (
            ('rgb', 'RGB', 'DetDataPreprocessor: float, BGR->RGB, '
             'normalise, stack'),
            ('reencode', 'DCT reencode', 'DCTDataPreprocessor: float, '
             'normalise, pad'),
            ('resample', 'DCT resample', 'DCTDataPreprocessor: '
             'materialise + normalise + pad')):
        arm = arms[f'preprocess {key}']
        print(f'| preprocess (CPU, batch {batch}) | {label} | {what} | '
              f'{arm.median:.3f} | {arm.spread()} | | |')
    materialise = materialisation(path.arms)
    arm = arms['materialize']
    print(f'| materialise (CPU, batch {batch}) | DCT resample | '
          'preprocess resample - preprocess reencode | '
          f'{materialise:.3f} | | | |')
    print(f'| materialise (CPU, per sample) | DCT resample | '
          'materialize(): plan + dequantise + IDCT + resample + DCT '
          f'(+ re-quantise) | '
          f'{arm.median:.3f} | {arm.spread()} | | |')
    resample = path.median('worker resample')
    cpu_total = resample + materialise
    print(f'| worker + materialise (CPU) | DCT resample | both rows above '
          f'| {cpu_total:.3f} | | {rgb / cpu_total:.2f}x | |')
    for key, label in (('rgb', 'RGB'), ('reencode', 'DCT reencode'),
                       ('resample', 'DCT resample')):
        total = path.median(f'worker {key}') + \
            path.median(f'preprocess {key}')
        print(f'| worker + preprocess (CPU) | {label} | | {total:.3f} | '
              f'| {(rgb + path.median("preprocess rgb")) / total:.2f}x | |')
    gpu = None
    if path.gpu:
        size = path.gpu_batch
        for key, what in (
                ('gpu reencode', 'DCTDataPreprocessor, reencode batch on '
                 'the device'),
                ('gpu resample', 'DCTDataPreprocessor, resample batch on '
                 'the device'),
                ('gpu resample from host', 'the same from host memory '
                 '(H2D included)')):
            arm = arms[key]
            print(f'| GPU, batch {size} (µs/img) | {key[4:]} | {what} | '
                  f'{arm.median:.1f} | {arm.spread()} | | |')
        gpu = path.median('gpu resample') - path.median('gpu reencode')
        print(f'| materialise (GPU, batch {size}, µs/img) | DCT resample | '
              f'resample - reencode on the device | {gpu:.1f} | | | |')
    else:
        print('| materialise (GPU) | DCT resample | no GPU | | | | |')

    print()
    print('| target (issue #13) | figure | met |')
    print('|---|---|---|')
    speedup = rgb / resample
    print(f'| resample worker >= {WORKER_SPEEDUP_TARGET}x cheaper than RGB '
          f'| {rgb:.2f} / {resample:.2f} ms = {speedup:.2f}x | '
          f'{verdict(speedup >= WORKER_SPEEDUP_TARGET)} |')
    print(f'| resample worker + CPU materialisation < RGB worker | '
          f'{resample:.2f} + {materialise:.2f} = {cpu_total:.2f} vs '
          f'{rgb:.2f} ms | {verdict(cpu_total < rgb)} |')
    if gpu is None:
        print(f'| GPU materialisation <= {GPU_TARGET_US:.0f} µs/img | '
              'no GPU | - |')
    else:
        print(f'| GPU materialisation <= {GPU_TARGET_US:.0f} µs/img | '
              f'{gpu:.1f} µs/img | {verdict(gpu <= GPU_TARGET_US)} |')


def materialisation(arms) -> float:
    """CPU ms/img the materialisation adds to the data preprocessor."""
    return arms['preprocess resample'].median - \
        arms['preprocess reencode'].median


def main():
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    rng = random.Random(args.seed)
    checkpoints = args.checkpoint or (None, None)
    with tempfile.TemporaryDirectory() as folder, torch.no_grad():
        paths = list_images(args.images, args.num_images, Path(folder))
        source = describe_images(args.images, paths)
        dct = Subject('DCT', args.dct_config, checkpoints[0], args.device,
                      args.dct_cfg_options, paths, args.batch_size)
        rgb = Subject('RGB', args.rgb_config, checkpoints[1], args.device,
                      args.rgb_cfg_options, paths, args.batch_size)
        subjects = [dct, rgb]
        path = None
        if dct.pipeline.first != 'DCTTestInput':
            print(f'{dct.config}: the test pipeline starts with '
                  f'{dct.pipeline.first}, not DCTTestInput: no resample '
                  'arm, no input-path comparison')
        else:
            if dct.protocol != 'resample':
                subjects.insert(1, Subject(
                    'DCT resample', args.dct_config, None, args.device,
                    None, paths, args.batch_size, model=dct.model,
                    protocol='resample'))
            path = InputPath(dct.model, rgb.model,
                             [p.read_bytes() for p in paths], args)
            path.read_files(paths)
            path.warm_up(args.warmup)
        for subject in subjects:
            subject.warm_up(paths, args.batch_size, args.warmup)
        for _ in range(args.repeats):
            # A new order every repeat, so that drift favours no arm.
            if path is not None:
                path.measure(rng)
            for subject in rng.sample(subjects, len(subjects)):
                subject.measure(paths, args.batch_size)
        print_table(subjects, args, paths, source)
        if path is not None:
            print_input_path(path, args, rgb.config, dct.config)


if __name__ == '__main__':
    main()
