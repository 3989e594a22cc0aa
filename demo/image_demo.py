"""Detect objects in a JPEG or a folder of JPEGs and draw them.

    python demo/image_demo.py CONFIG CHECKPOINT INPUT [--out-dir DIR]
        [--score-thr 0.3] [--device cpu] [--protocol resample]
        [--cfg-options k=v ...]

INPUT is a JPEG file or a folder (its *.jpg / *.jpeg files, not recursive).
Each image goes through the config's test pipeline (for the published
protocol: decode, resize, re-encode, read DCT) by
:func:`dct_mmdet.apis.inference_dct_detector`; the boxes are drawn on the
original image and saved as ``<out-dir>/<image name>.png``, and the
detections above the score threshold are printed.
"""
import argparse
from pathlib import Path

import cv2

from dct_mmdet.apis import inference_dct_detector, init_dct_detector
from dct_mmdet.utils.cli import add_cfg_options
from dct_mmdet.visualization import draw_detections

JPEG_SUFFIXES = ('.jpg', '.jpeg')


def list_images(source: Path) -> list:
    if source.is_dir():
        images = sorted(p for p in source.iterdir()
                        if p.suffix.lower() in JPEG_SUFFIXES)
        if not images:
            raise FileNotFoundError(f'{source}: no .jpg/.jpeg files')
        return images
    if not source.is_file():
        raise FileNotFoundError(f'{source}: no such file or folder')
    return [source]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('input', type=Path, help='a JPEG file or a folder')
    parser.add_argument('--out-dir', type=Path, default=Path('outputs'))
    parser.add_argument('--score-thr', type=float, default=0.3)
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--protocol',
        choices=('reencode', 'direct', 'resample'),
        help="DCT test protocol instead of the config's (DCT configs only): "
        "'resample' resizes the file's own coefficients on the device, "
        'without decoding')
    add_cfg_options(parser)
    args = parser.parse_args()

    images = list_images(args.input)
    model = init_dct_detector(
        args.config,
        args.checkpoint,
        device=args.device,
        cfg_options=args.cfg_options)
    classes = model.dataset_meta['classes']
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for index, path in enumerate(images, 1):
        # Errors (truncated file, not a JPEG, ...) name the file.
        pred = inference_dct_detector(model, str(path),
                                      args.protocol).pred_instances
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        pred = pred[pred.scores >= args.score_thr].cpu()
        out = args.out_dir / f'{path.stem}.png'
        cv2.imwrite(
            str(out),
            draw_detections(image, pred.bboxes.numpy(), pred.labels.numpy(),
                            pred.scores.numpy(), classes))
        progress = f'[{index}/{len(images)}] ' if len(images) > 1 else ''
        print(f'{progress}{len(pred)} detections with score >= '
              f'{args.score_thr} drawn on {path} -> {out}')
        for box, label, score in zip(pred.bboxes.tolist(),
                                     pred.labels.tolist(),
                                     pred.scores.tolist()):
            print(f'  {classes[label]:<10} {score:.2f}  '
                  f'[{", ".join(f"{v:.0f}" for v in box)}]')


if __name__ == '__main__':
    main()
