"""RMS difference between ``dct_codec.photometric`` and mmdet's
``PhotoMetricDistortion``, per operation, on real photos.

Each photo is resized to ``--size`` (cv2 INTER_AREA) and turned into float
block-DCT planes (level-shifted JFIF YCbCr; 4:2:0: chroma averaged over
2x2 pixels; no quantisation). The reference is mmdet's own transform (its
``_random_flags`` patched to return fixed parameters) applied to those
planes decoded (block IDCT, chroma to the luma grid by
``cv2.resize(INTER_LINEAR)`` x2, YCbCr -> RGB, all float, no clipping); ours
is the same decode of the planes after ``apply_photometric``. RMS is in RGB
grey levels over all pixels of all photos; "op" is the RMS size of mmdet's
op itself (its output against its input). The README's table is this
script's output::

    python tools/analysis_tools/photometric_rms.py

The photos: matplotlib's grace_hopper and, when scikit-image is installed,
its astronaut, chelsea, coffee and rocket.
"""
import argparse
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple
from unittest import mock

import cv2
import numpy as np

from dct_codec.blockdct import block_dct, block_idct
from dct_codec.photometric import (RGB_TO_YCBCR, YCBCR_TO_RGB,
                                   PhotometricParams, apply_photometric)

# (label, parameters) of one operation each.
OPERATIONS: Tuple[Tuple[str, Dict], ...] = (
    ('brightness +32', dict(brightness=32)),
    ('brightness -32', dict(brightness=-32)),
    ('contrast x0.5', dict(contrast=0.5)),
    ('contrast x1.5', dict(contrast=1.5)),
    ('saturation x0.5', dict(saturation=0.5)),
    ('saturation x0.75', dict(saturation=0.75)),
    ('saturation x1.25', dict(saturation=1.25)),
    ('saturation x1.5', dict(saturation=1.5)),
    ('hue +18', dict(hue=18)),
    ('hue -18', dict(hue=-18)),
    ('hue +9', dict(hue=9)),
    ('swap (2, 1, 0)', dict(swap=(2, 1, 0))),
    ('swap (1, 2, 0)', dict(swap=(1, 2, 0))),
    ('all: -20, x1.3 first, x0.6, +12, swap (1, 0, 2)',
     dict(brightness=-20, contrast=1.3, contrast_first=True, saturation=0.6,
          hue=12, swap=(1, 0, 2))),
)


def photos(size: int = 300) -> List[Tuple[str, np.ndarray]]:
    """``(name, RGB uint8 (size, size, 3))`` of the available photos."""
    import matplotlib
    path = Path(matplotlib.get_data_path()) / 'sample_data' / \
        'grace_hopper.jpg'
    images = [('grace_hopper', cv2.imread(str(path))[..., ::-1])]
    try:
        from skimage import data
    except ImportError:
        data = None
    for name in ('astronaut', 'chelsea', 'coffee', 'rocket'):
        try:
            images.append((name, getattr(data, name)()))
        except Exception:  # not installed, or a data file not shipped
            continue
    return [(name, cv2.resize(np.ascontiguousarray(image), (size, size),
                              interpolation=cv2.INTER_AREA))
            for name, image in images]


def encode(rgb: np.ndarray, subsampling: str = '4:2:0'):
    """Float ``(y, cb, cr)`` block-DCT planes of an RGB image (even
    sides for 4:2:0), Y on twice the chroma grid for 4:2:0."""
    ycc = rgb.astype(np.float64) @ RGB_TO_YCBCR.T
    y, cb, cr = ycc[..., 0] - 128, ycc[..., 1], ycc[..., 2]
    if subsampling == '4:2:0':
        h, w = y.shape
        cb, cr = (p.reshape(h // 2, 2, w // 2, 2).mean((1, 3))
                  for p in (cb, cr))
        chroma = (block_dct(cb), block_dct(cr))
        rows, cols = chroma[0].shape[:2]
        # Y on twice the chroma grid (edge-replicated, as an encoder pads).
        y = np.pad(y, ((0, 16 * rows - h), (0, 16 * cols - w)), mode='edge')
        return (block_dct(y), ) + chroma
    return block_dct(y), block_dct(cb), block_dct(cr)


def decode(y, cb, cr, shape: Sequence[int]) -> np.ndarray:
    """Float RGB ``shape`` image of block-DCT planes: chroma to the luma
    grid by ``cv2.resize(INTER_LINEAR)``, no clipping."""
    luma = block_idct(y) + 128
    chroma = [block_idct(p) for p in (cb, cr)]
    if chroma[0].shape != luma.shape:
        chroma = [
            cv2.resize(p, luma.shape[::-1], interpolation=cv2.INTER_LINEAR)
            for p in chroma
        ]
    ycc = np.stack([luma, *chroma], -1)[:shape[0], :shape[1]]
    return ycc @ YCBCR_TO_RGB.T


def mmdet_op(rgb: np.ndarray, params: PhotometricParams) -> np.ndarray:
    """mmdet's ``PhotoMetricDistortion`` on a float RGB image, with its
    draw fixed to ``params``."""
    from mmdet.datasets.transforms import PhotoMetricDistortion
    draw = (int(params.contrast_first), params.brightness is not None,
            params.contrast is not None, params.saturation is not None,
            params.hue is not None, params.swap is not None,
            params.brightness or 0.0, params.contrast or 1.0,
            params.saturation or 1.0, params.hue or 0.0,
            np.array(params.swap or (0, 1, 2)))
    transform = PhotoMetricDistortion()
    with mock.patch.object(PhotoMetricDistortion, '_random_flags',
                           lambda self: draw):
        out = transform(dict(img=np.ascontiguousarray(rgb[..., ::-1])))
    return out['img'][..., ::-1].astype(np.float64)


def compare(rgb: np.ndarray, params: PhotometricParams,
            subsampling: str = '4:2:0'
            ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(ours, mmdet's, source)`` float RGB images for one photo: the
    decoded planes after ``apply_photometric``, mmdet's op on the decoded
    planes, and the decoded planes."""
    planes = encode(rgb, subsampling)
    source = decode(*planes, rgb.shape[:2])
    ours = decode(*apply_photometric(*planes, params), rgb.shape[:2])
    return ours, mmdet_op(source, params), source


def rms(errors: Sequence[np.ndarray]) -> float:
    return float(
        np.sqrt(sum((e**2).sum() for e in errors) /
                sum(e.size for e in errors)))


def table(images, operations=OPERATIONS,
          columns=(('mmdet', '4:2:0'), ('mmdet', '4:4:4'),
                   ('ycbcr', '4:2:0'))) -> List[List]:
    """Rows ``[label, rms per column..., size of mmdet's op]``."""
    rows = []
    for label, kwargs in operations:
        row, size = [label], None
        for mode, subsampling in columns:
            errors, changes = [], []
            for _, rgb in images:
                ours, reference, source = compare(
                    rgb, PhotometricParams(mode=mode, **kwargs), subsampling)
                errors.append(ours - reference)
                changes.append(reference - source)
            row.append(rms(errors))
            if size is None and subsampling == '4:2:0':
                size = rms(changes)
        rows.append(row + [size])
    return rows


def markdown(rows, columns=('mode=mmdet, 4:2:0', 'mode=mmdet, 4:4:4',
                            'mode=ycbcr, 4:2:0')) -> str:
    lines = ['| op | ' + ' | '.join(columns) + ' | size of the mmdet op |',
             '|---' * (len(columns) + 2) + '|']
    for label, *values in rows:
        lines.append(f'| {label} | ' +
                     ' | '.join(_fmt(v) for v in values) + ' |')
    return '\n'.join(lines)


def _fmt(value: float) -> str:
    return f'{value:.2e}' if value < 0.01 else f'{value:.2f}'


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--size', type=int, default=300,
                        help='photos are resized to size x size (even)')
    args = parser.parse_args(argv)
    images = photos(args.size)
    print(f'{len(images)} photos at {args.size}x{args.size}: '
          + ', '.join(name for name, _ in images))
    print(markdown(table(images)))


if __name__ == '__main__':
    main()
