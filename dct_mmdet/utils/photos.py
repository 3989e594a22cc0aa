"""Real photographs as VOC-size JPEGs, for benchmarks and tests that want
more than synthetic images: scikit-image's sample photos (astronaut,
coffee, chelsea, rocket, hubble_deep_field, immunohistochemistry, retina,
camera, coins; gray ones stay gray) and matplotlib's grace_hopper (when
installed), cropped and resized to VOC's 500x375 / 375x500, some crops
mirrored, quality 90, 4:2:0.

    from dct_mmdet.utils.photos import photo_images
    paths = photo_images(Path(folder), 16)  # photo_<index>_<source>.jpg
"""
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from dct_codec import encode_jpeg

VOC_SIZE = (375, 500)  # (h, w) of a typical VOC photo, landscape

# (source, portrait, mirrored, crop position along the free axis)
PHOTO_VARIANTS = (
    ('astronaut', False, False, 0.5),
    ('coffee', False, False, 0.5),
    ('chelsea', False, False, 0.5),
    ('rocket', False, False, 0.5),
    ('hubble_deep_field', False, False, 0.5),
    ('immunohistochemistry', False, False, 0.5),
    ('retina', False, False, 0.5),
    ('camera', False, False, 0.5),
    ('coins', False, False, 0.5),
    ('grace_hopper', True, False, 0.5),
    ('astronaut', True, False, 0.3),
    ('coffee', True, True, 0.2),
    ('rocket', True, False, 0.6),
    ('chelsea', True, True, 0.5),
    ('hubble_deep_field', True, False, 0.8),
    ('retina', True, True, 0.5),
)


def load_photo_sources() -> dict:
    """name -> RGB ``(H, W, 3)`` or gray ``(H, W)`` uint8 photograph."""
    try:
        from skimage import data
    except ImportError as error:
        raise SystemExit(
            "--images photos needs scikit-image (pip install -r "
            f"requirements/tests.txt): {error}")
    names = sorted({name for name, *_ in PHOTO_VARIANTS} - {'grace_hopper'})
    sources = {name: getattr(data, name)() for name in names}
    try:
        from matplotlib import cbook
        with cbook.get_sample_data('grace_hopper.jpg') as file:
            sources['grace_hopper'] = np.asarray(Image.open(file).convert(
                'RGB'))
    except (ImportError, OSError, ValueError):
        pass  # without matplotlib, one source fewer
    return sources


def voc_size_crop(image: np.ndarray, portrait: bool, mirrored: bool,
                  position: float) -> np.ndarray:
    """The largest 4:3 (3:4 for ``portrait``) window of ``image``, at
    ``position`` (0: left/top, 1: right/bottom) along the axis it does not
    fill, resized to 500x375 (375x500)."""
    out_h, out_w = VOC_SIZE[::-1] if portrait else VOC_SIZE
    height, width = image.shape[:2]
    crop_h, crop_w = min(height, width * out_h // out_w), \
        min(width, height * out_w // out_h)
    top = round((height - crop_h) * position)
    left = round((width - crop_w) * position)
    window = image[top:top + crop_h, left:left + crop_w]
    if mirrored:
        window = window[:, ::-1]
    shrink = crop_h >= out_h
    return cv2.resize(
        np.ascontiguousarray(window), (out_w, out_h),
        interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC)


def photo_images(folder: Path, number: int) -> list:
    """Real photographs as VOC-size JPEG files (quality 90, 4:2:0; gray
    photos as gray JPEGs), named ``photo_<index>_<source>.jpg``: the
    variants of :data:`PHOTO_VARIANTS` in turn, mirrored and shifted on
    later rounds."""
    sources = load_photo_sources()
    variants = [v for v in PHOTO_VARIANTS if v[0] in sources]
    paths = []
    for index in range(number):
        name, portrait, mirrored, position = variants[index % len(variants)]
        turn = index // len(variants)
        if turn:
            mirrored ^= turn % 2 == 1
            position = (position + 0.25 * turn) % 1
        image = voc_size_crop(sources[name], portrait, mirrored, position)
        paths.append(folder / f'photo_{index:03d}_{name}.jpg')
        paths[-1].write_bytes(encode_jpeg(image, 90, '4:2:0'))
    return paths
