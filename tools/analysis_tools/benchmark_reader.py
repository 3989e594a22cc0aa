"""Time coefficient reading against full decodes over a folder of JPEGs.

    python tools/analysis_tools/benchmark_reader.py DIR [--repeats 7]

All files are read into memory first, so disk I/O is not timed. In each
repeat every reader goes over every file once, the readers interleaved, and
the figures are medians over repeats of the mean ms per image, for all files
and for each chroma subsampling found:

* ``floor``         the C extension's decode loop alone: jpeg_read_header +
                    jpeg_read_coefficients + finish, coefficients dropped
* ``native``        read_dct(backend='native'): coefficients into reusable
                    numpy buffers, dequantised, chroma on the 4:2:0 grid
* ``jpeg2dct``      read_dct(backend='jpeg2dct'): header walk + jpeg2dct
                    (which transcodes every non-4:2:0 file through pixels)
* ``cv2.imdecode``  OpenCV's full decode to BGR pixels
* ``PIL``           Pillow's full decode to RGB pixels

Then the native reader's throughput with 2 threads against 1 (it releases
the GIL while libjpeg works).

Files that cannot be read (truncated, CMYK, not JPEG, ...) are skipped and
counted per reason; the rest are timed.
"""
import argparse
import importlib.util
import io
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np
from PIL import Image

from dct_codec import parse_jpeg_header, read_dct
from dct_codec.audit import scan_folder
from dct_codec.native import _jpegdct
from dct_codec.reader import native_reader


def pil_decode(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


READERS = {
    'floor': lambda data: _jpegdct.consume(data),
    'native': lambda data: read_dct(data, backend='native'),
    'jpeg2dct': lambda data: read_dct(data, backend='jpeg2dct'),
    'cv2.imdecode': lambda data: cv2.imdecode(
        np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR),
    'PIL': pil_decode,
}
if importlib.util.find_spec('jpeg2dct') is None:  # optional dependency
    del READERS['jpeg2dct']


def benchmark(files, repeats):
    timings = {name: [] for name in READERS}
    for _ in range(repeats):
        for name, read in READERS.items():
            start = time.perf_counter()
            for data in files:
                read(data)
            elapsed = time.perf_counter() - start
            timings[name].append(1000 * elapsed / len(files))
    return {name: statistics.median(ms) for name, ms in timings.items()}


def report(group, files, medians):
    mean_kb = sum(map(len, files)) / len(files) / 1024
    print(f'\n[{group}] {len(files)} files, mean {mean_kb:.1f} KiB')
    floor, decode = medians['floor'], medians['cv2.imdecode']
    print(f'{"reader":<14} {"ms/img":>8} {"x floor":>9} '
          f'{"speed vs cv2":>13}')
    for name, ms in medians.items():
        print(f'{name:<14} {ms:>8.3f} {ms / floor:>8.2f}x '
              f'{decode / ms:>12.2f}x')


def thread_scaling(files, repeats):
    """Native reads/s with 2 threads over 1, median over repeats."""

    def read_share(share):
        reader = native_reader()
        for data in share:
            reader.read(data)

    def run(threads):
        shares = [files[i::threads] for i in range(threads)]
        start = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(read_share, shares))
        return time.perf_counter() - start

    one = statistics.median(run(1) for _ in range(repeats))
    two = statistics.median(run(2) for _ in range(repeats))
    return one / two


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('folder', help='folder of .jpg/.jpeg files')
    parser.add_argument('--repeats', type=int, default=7)
    args = parser.parse_args()
    if _jpegdct is None:
        raise SystemExit('the native reader is not built; reinstall with a '
                         'C compiler and the libjpeg headers')
    cv2.setNumThreads(1)  # every reader on one core
    try:
        scan = scan_folder(args.folder)
    except FileNotFoundError as exc:
        raise SystemExit(str(exc)) from None
    if scan.skipped:
        print(scan.report())
    files = scan.data
    if not files:
        raise SystemExit(
            f'no readable .jpg/.jpeg files in {args.folder}' +
            (f' ({len(scan.skipped)} skipped, see above)'
             if scan.skipped else ''))
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
    print(f'\nnative reader, 2 threads vs 1: '
          f'{thread_scaling(files, args.repeats):.2f}x throughput')


if __name__ == '__main__':
    main()
