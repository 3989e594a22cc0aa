"""Time coefficient reading against a full decode over a folder of JPEGs.

    python tools/analysis_tools/benchmark_reader.py DIR [--repeats 7]

All files are read into memory first, so disk I/O is not timed. In each
repeat every reader goes over every file once, the readers interleaved, and
the figures are medians over repeats of the mean ms per image, for all files
and for each chroma subsampling found (jpeg2dct transcodes every non-4:2:0
file through a full decode and a quality-100 re-encode):

* ``read_dct``      dct_mmdet.codec.read_dct (header checks + jpeg2dct)
* ``jpeg2dct``      jpeg2dct.numpy.loads alone (no checks)
* ``cv2.imdecode``  OpenCV's full decode to BGR pixels
"""
import argparse
import statistics
import time
from pathlib import Path

import cv2
import numpy as np
from jpeg2dct.numpy import loads

from dct_mmdet.codec import parse_jpeg_header, read_dct


def readers():
    return {
        'read_dct': read_dct,
        'jpeg2dct': loads,
        'cv2.imdecode': lambda data: cv2.imdecode(
            np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR),
    }


def benchmark(files, repeats):
    timings = {name: [] for name in readers()}
    for _ in range(repeats):
        for name, read in readers().items():
            start = time.perf_counter()
            for data in files:
                read(data)
            elapsed = time.perf_counter() - start
            timings[name].append(1000 * elapsed / len(files))
    return {name: statistics.median(ms) for name, ms in timings.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('folder', help='folder of .jpg/.jpeg files')
    parser.add_argument('--repeats', type=int, default=7)
    parser.add_argument(
        '--threads', type=int, default=1, help='OpenCV threads (default 1, '
        'so that every reader uses one core)')
    args = parser.parse_args()
    cv2.setNumThreads(args.threads)
    paths = sorted(p for p in Path(args.folder).iterdir()
                   if p.suffix.lower() in ('.jpg', '.jpeg'))
    if not paths:
        raise SystemExit(f'no .jpg/.jpeg files in {args.folder}')
    files = [p.read_bytes() for p in paths]
    groups = {'all': files}
    for data in files:
        groups.setdefault(parse_jpeg_header(data).subsampling, []).append(data)
    if len(groups) == 2:  # one subsampling only: 'all' says it
        groups = {'all': files}
    benchmark(files[:5], 1)  # warm-up
    print(f'{len(files)} JPEGs in {args.folder}, median of {args.repeats} '
          'repeats')
    for group, members in groups.items():
        report(group, members, benchmark(members, args.repeats))


def report(group, files, medians):
    mean_kb = sum(map(len, files)) / len(files) / 1024
    print(f'\n[{group}] {len(files)} files, mean {mean_kb:.1f} KiB')
    decode = medians['cv2.imdecode']
    print(f'{"reader":<14} {"ms/img":>8} {"vs cv2.imdecode":>16}')
    for name, ms in medians.items():
        print(f'{name:<14} {ms:>8.3f} {decode / ms:>15.2f}x')


if __name__ == '__main__':
    main()
