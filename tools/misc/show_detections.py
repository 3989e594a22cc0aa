"""Draw a detector's predictions on an image and save the picture.

    python tools/misc/show_detections.py CONFIG CHECKPOINT IMAGE \
        --out detections.png [--score-thr 0.3]

The image goes through the config's test pipeline (for the published
protocol: resize, re-encode, read DCT); boxes are drawn on the original.
"""
import argparse
from pathlib import Path

import cv2
import dct_mmdet  # noqa: F401  (registers modules, applies upstream fixes)
import numpy as np
from mmdet.apis import inference_detector, init_detector

from dct_mmdet.utils.cli import add_cfg_options

PALETTE = [(0, 0, 255), (0, 200, 0), (255, 0, 0), (0, 200, 255),
           (255, 0, 255), (255, 255, 0)]


def draw(image: np.ndarray, bboxes, labels, scores, classes) -> np.ndarray:
    canvas = image.copy()
    for box, label, score in zip(bboxes, labels, scores):
        x1, y1, x2, y2 = (int(round(v)) for v in box)
        colour = PALETTE[int(label) % len(PALETTE)]
        cv2.rectangle(canvas, (x1, y1), (x2, y2), colour, 2)
        text = f'{classes[int(label)]} {score:.2f}'
        (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, 0.5, 1)
        top = max(y1 - th - 4, 0)
        cv2.rectangle(canvas, (x1, top), (x1 + tw + 4, top + th + 4), colour,
                      -1)
        cv2.putText(canvas, text, (x1 + 2, top + th + 1),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 255), 1,
                    cv2.LINE_AA)
    return canvas


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('image')
    parser.add_argument('--out', default='detections.png')
    parser.add_argument('--score-thr', type=float, default=0.3)
    parser.add_argument('--device', default='cpu')
    add_cfg_options(parser)
    args = parser.parse_args()

    model = init_detector(
        args.config,
        args.checkpoint,
        device=args.device,
        cfg_options=args.cfg_options)
    result = inference_detector(model, args.image)
    pred = result.pred_instances[result.pred_instances.scores >=
                                 args.score_thr].cpu()
    classes = model.dataset_meta['classes']
    image = cv2.imread(args.image, cv2.IMREAD_COLOR)
    if image is None:
        raise FileNotFoundError(f'cannot read {args.image}')
    canvas = draw(image, pred.bboxes.numpy(), pred.labels.numpy(),
                  pred.scores.numpy(), classes)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(args.out, canvas)
    print(f'{len(pred)} detections with score >= {args.score_thr} drawn on '
          f'{args.image} -> {args.out}')
    for box, label, score in zip(pred.bboxes.tolist(), pred.labels.tolist(),
                                 pred.scores.tolist()):
        print(f'  {classes[label]:<10} {score:.2f}  '
              f'[{", ".join(f"{v:.0f}" for v in box)}]')


if __name__ == '__main__':
    main()
