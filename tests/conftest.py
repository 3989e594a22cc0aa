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


def jpeg_bytes(height=64, width=80, mode='RGB', seed=0, **save_kwargs):
    """Encode a smooth test image with PIL (quality/subsampling/progressive
    go to ``Image.save``)."""
    image = Image.fromarray(smooth_image(height, width, seed))
    if mode != 'RGB':
        image = image.convert(mode)
    buffer = io.BytesIO()
    image.save(buffer, format='JPEG', **save_kwargs)
    return buffer.getvalue()


def run_tool(*args, timeout=600):
    """Run a repo script with this interpreter; fail with its output."""
    result = subprocess.run([sys.executable, *map(str, args)],
                            cwd=REPO,
                            capture_output=True,
                            text=True,
                            timeout=timeout)
    assert result.returncode == 0, \
        f'{args} failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}'
    return result.stdout + result.stderr


@pytest.fixture(scope='session')
def toy_root(tmp_path_factory):
    """A small toy set written by the real generator."""
    root = tmp_path_factory.mktemp('toy')
    run_tool('tools/misc/make_toy_dataset.py', root, '--num-train', 16,
             '--num-val', 8, '--seed', 1)
    return root
