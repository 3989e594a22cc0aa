"""Seed inputs for the fuzzers: small valid JPEGs of every layout the reader
handles (generated, so that no binary seeds live in the repository).

    python tools/fuzz/make_seeds.py OUT_DIR [--raw] [--regressions DIR]

Writes each seed to OUT_DIR with the libFuzzer harness's option byte in
front (a few option bytes per seed; see tools/fuzz/fuzz_reader.c), or as
plain JPEGs with --raw. --regressions DIR adds every file of the regression
corpus (tests/data/fuzz_regressions) the same way, so that libFuzzer starts
from every reproducer found so far.

``seeds()`` gives the same files as {name: bytes} to tools/fuzz/fuzz_python.py.
"""
import argparse
import contextlib
import io
import os
import sys
from pathlib import Path
from typing import Dict

import numpy as np
from PIL import Image

# Option bytes of the libFuzzer harness (bit 0 strict, bit 1 chroma_420,
# bit 2 dequantize, bit 3 even_luma, bits 4-5 copy, bits 6-7 max_pixels):
# strict 4:2:0 dequantised, lenient 4:2:0 dequantised + even luma, strict
# native-grid levels.
SEED_OPTIONS = (0x17, 0x1E, 0x19)
# Regression files: the same read, strict and lenient.
REGRESSION_OPTIONS = (0x1F, 0x1E)


def smooth_image(height: int, width: int, seed: int = 0) -> np.ndarray:
    """A smooth colour image with some texture (numpy only)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    image = np.stack([
        128 + 100 * np.sin(x / 7 + seed),
        128 + 100 * np.cos(y / 5),
        128 + 60 * np.sin((x + y) / 9),
    ], -1)
    image += rng.normal(0, 12, image.shape)
    return np.clip(image, 0, 255).astype(np.uint8)


@contextlib.contextmanager
def quiet_stderr():
    """Silence libjpeg's own notes (\"quantization tables are too coarse
    for baseline JPEG\") written straight to file descriptor 2."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, 'w') as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def pil_jpeg(image: np.ndarray, mode: str = 'RGB', **save_kwargs) -> bytes:
    picture = Image.fromarray(image)
    if mode != 'RGB':
        picture = picture.convert(mode)
    buffer = io.BytesIO()
    with quiet_stderr():
        picture.save(buffer, 'JPEG', **save_kwargs)
    return buffer.getvalue()


def cv2_jpeg(image: np.ndarray, sampling: str = '420', **params) -> bytes:
    import cv2
    flags = [cv2.IMWRITE_JPEG_SAMPLING_FACTOR,
             getattr(cv2, f'IMWRITE_JPEG_SAMPLING_FACTOR_{sampling}')]
    for key, value in params.items():
        flags += [getattr(cv2, f'IMWRITE_JPEG_{key.upper()}'), value]
    ok, data = cv2.imencode('.jpg', image[..., ::-1], flags)
    assert ok
    return data.tobytes()


def seeds() -> Dict[str, bytes]:
    """name -> a small valid JPEG (each well under 2 KB)."""
    image = smooth_image(32, 40)
    odd = smooth_image(23, 37, seed=1)
    files = {
        'baseline_420.jpg': pil_jpeg(image, quality=75),
        'baseline_422.jpg': pil_jpeg(image, quality=75, subsampling=1),
        'baseline_444.jpg': pil_jpeg(image, quality=75, subsampling=0),
        'gray.jpg': pil_jpeg(image, 'L', quality=75),
        'progressive_420.jpg': pil_jpeg(image, quality=75, progressive=True),
        'progressive_444.jpg': pil_jpeg(image, quality=75, subsampling=0,
                                        progressive=True),
        'progressive_gray.jpg': pil_jpeg(image, 'L', progressive=True),
        'optimized_odd_size.jpg': pil_jpeg(odd, quality=60, optimize=True),
        'dqt16.jpg': pil_jpeg(odd, qtables=[[300] * 64] * 2),
        'dqt_ones.jpg': pil_jpeg(odd, qtables=[[1] * 64] * 2),
        'cmyk.jpg': pil_jpeg(image, 'CMYK', quality=75),
    }
    try:  # OpenCV: restart markers and the 4:1:1 / 4:4:0 layouts
        files.update({
            'restart_420.jpg': cv2_jpeg(odd, '420', rst_interval=1),
            'restart_progressive.jpg': cv2_jpeg(image, '422', rst_interval=2,
                                                progressive=1),
            'baseline_411.jpg': cv2_jpeg(image, '411'),
            'baseline_440.jpg': cv2_jpeg(image, '440'),
        })
    except ImportError:
        pass
    return files


def regressions(folder: Path) -> Dict[str, bytes]:
    """The regression corpus: name -> bytes (expected.json left out)."""
    if not folder.is_dir():
        return {}
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())
            if path.is_file() and path.suffix != '.json'}


def write(out: Path, files: Dict[str, bytes], options, raw: bool) -> int:
    count = 0
    for name, data in files.items():
        if raw:
            (out / name).write_bytes(data)
            count += 1
            continue
        for option in options:
            (out / f'{Path(name).stem}-{option:02x}').write_bytes(
                bytes([option]) + data)
            count += 1
    return count


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('out', type=Path)
    parser.add_argument('--raw', action='store_true',
                        help='plain JPEGs, no option byte')
    parser.add_argument('--regressions', type=Path,
                        help='also write this regression corpus')
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    count = write(args.out, seeds(), SEED_OPTIONS, args.raw)
    if args.regressions is not None:
        count += write(args.out, regressions(args.regressions),
                       REGRESSION_OPTIONS, args.raw)
    print(f'{count} seed files in {os.fspath(args.out)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
