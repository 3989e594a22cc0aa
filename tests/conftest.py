import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[1]


def smooth_image(height, width, seed=0):
    """A smooth random RGB image: JPEG keeps it close to the original."""
    import cv2
    rng = np.random.default_rng(seed)
    noise = rng.uniform(0, 255, (height, width, 3)).astype(np.float32)
    return np.clip(cv2.GaussianBlur(noise, (0, 0), 4) * 3 - 255, 0,
                   255).astype(np.uint8)


def dct_inputs(size=300, batch=1, luma_per_chroma=2, packed=False):
    """Random DCT network inputs for a ``size`` px image: float ``(batch,
    64, h, w)`` planes (Y on ``luma_per_chroma`` times the chroma grid), or
    with ``packed`` one sample as PackDCTInputs gives it (int16 ``(64, h,
    w)``, coefficient-like ranges)."""
    import torch
    c = -(-size // (8 * luma_per_chroma))
    y = luma_per_chroma * c
    if packed:
        return dict(
            y=torch.randint(-200, 200, (64, y, y), dtype=torch.int16),
            cb=torch.randint(-50, 50, (64, c, c), dtype=torch.int16),
            cr=torch.randint(-50, 50, (64, c, c), dtype=torch.int16))
    return dict(
        y=torch.randn(batch, 64, y, y),
        cb=torch.randn(batch, 64, c, c),
        cr=torch.randn(batch, 64, c, c))


def jpeg_bytes(height=64, width=80, mode='RGB', seed=0, **save_kwargs):
    """Encode a smooth test image with PIL (quality/subsampling/progressive
    go to ``Image.save``)."""
    image = Image.fromarray(smooth_image(height, width, seed))
    if mode != 'RGB':
        image = image.convert(mode)
    buffer = io.BytesIO()
    image.save(buffer, format='JPEG', **save_kwargs)
    return buffer.getvalue()


def sample_files():
    """name -> (bytes, category): one file per audit category of
    ``dct_codec.audit`` ('ok' reads cleanly; 'too_large' only fails under a
    pixel limit between 64*80 and 96*128)."""
    good = jpeg_bytes()
    sof = good.index(b'\xff\xc0')
    twelve_bit = good[:sof + 4] + b'\x0c' + good[sof + 5:]
    buffer = io.BytesIO()
    Image.new('CMYK', (40, 32), (10, 200, 30, 0)).save(buffer, 'JPEG')
    cmyk = buffer.getvalue()
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to view
    Image.open(io.BytesIO(good)).save(buffer, 'JPEG', exif=exif)
    rotated = buffer.getvalue()
    buffer = io.BytesIO()
    Image.new('RGB', (16, 16)).save(buffer, 'PNG')
    return {
        'good.jpg': (good, 'ok'),
        'truncated.jpg': (good[:len(good) // 2], 'truncated'),
        'cmyk.jpg': (cmyk, 'colour'),
        'twelve_bit.jpg': (twelve_bit, 'precision'),
        'large.jpg': (jpeg_bytes(96, 128, seed=1), 'too_large'),
        'rotated.jpg': (rotated, 'exif-rotated'),
        'gray.jpg': (jpeg_bytes(mode='L'), 'grayscale'),
        'full_chroma.jpg': (jpeg_bytes(subsampling=0), 'non-4:2:0'),
        'progressive.jpg': (jpeg_bytes(progressive=True), 'progressive'),
        'png.jpg': (buffer.getvalue(), 'not_jpeg'),
        'empty.jpg': (b'', 'empty'),
    }


def cv2_jpeg(image, sampling):
    """Encode with OpenCV, whose sampling factors include 4:1:1."""
    import cv2
    flag = getattr(cv2, f'IMWRITE_JPEG_SAMPLING_FACTOR_{sampling}')
    ok, data = cv2.imencode('.jpg', image,
                            [cv2.IMWRITE_JPEG_SAMPLING_FACTOR, flag])
    assert ok
    return data.tobytes()


def run_tool(*args, timeout=600, succeeds=True):
    """Run a repo script with this interpreter and return its output;
    fail with that output unless it exits as ``succeeds`` says."""
    result = subprocess.run([sys.executable, *map(str, args)],
                            cwd=REPO,
                            capture_output=True,
                            text=True,
                            timeout=timeout)
    assert (result.returncode == 0) == succeeds, \
        f'{args} exited {result.returncode}:\n{result.stdout[-4000:]}\n' \
        f'{result.stderr[-4000:]}'
    return result.stdout + result.stderr


TOY_CONFIG = 'configs/ssd_dct/ssd300_dct-lcrfa-thinner-w025_1xb8-24e_toy.py'
# The same model and schedule trained without decoding (compressed domain).
CDAUG_TOY_CONFIG = \
    'configs/ssd_dct/ssd300_dct-lcrfa-thinner-w025_1xb8-24e-cdaug_toy.py'
# An eighth-width model keeps each CLI run to seconds.
MODEL_OPTIONS = [
    'model.backbone.widen_factor=0.125', 'model.neck.in_channels=[48,256]',
    'model.neck.out_channels=[48,256,64,32,32,32]',
    'model.bbox_head.in_channels=[48,256,64,32,32,32]'
]


def toy_options(toy_root, max_epochs):
    """--cfg-options that train a tiny model on ``toy_root`` with the CLIs."""
    root = f'{toy_root}/'
    return [
        '--cfg-options', f'train_dataloader.dataset.data_root={root}',
        f'val_dataloader.dataset.data_root={root}',
        f'test_dataloader.dataset.data_root={root}',
        f'val_evaluator.ann_file={root}annotations/val.json',
        f'test_evaluator.ann_file={root}annotations/val.json',
        f'train_cfg.max_epochs={max_epochs}', 'train_cfg.val_interval=1',
        'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'val_dataloader.num_workers=0',
        'val_dataloader.persistent_workers=False',
        'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False',
        'default_hooks.checkpoint.interval=1', *MODEL_OPTIONS
    ]


@pytest.fixture(scope='session')
def toy_root(tmp_path_factory):
    """A small toy set written by the real generator."""
    root = tmp_path_factory.mktemp('toy')
    run_tool('tools/misc/make_toy_dataset.py', root, '--num-train', 16,
             '--num-val', 8, '--seed', 1)
    return root


@pytest.fixture(scope='session')
def trained(toy_root, tmp_path_factory):
    """One epoch of the tiny toy model through tools/train.py: (work dir,
    log), shared by the tests that need a training checkpoint."""
    work_dir = tmp_path_factory.mktemp('work')
    log = run_tool('tools/train.py', TOY_CONFIG, '--work-dir', work_dir,
                   *toy_options(toy_root, 1))
    return work_dir, log
