"""Write the embedded toy detection set: shapes on textured backgrounds.

Real JPEG files of varied sizes, qualities and chroma subsamplings, COCO-style
annotations, a train/val split, all from a fixed seed, so every machine gets
the same bytes. Used by `make demo` and the test suite.

    python tools/misc/make_toy_dataset.py data/toy
"""
import argparse
import json
import math
from pathlib import Path

import cv2
import numpy as np

CLASSES = ('circle', 'square', 'triangle')
SUBSAMPLING_FLAGS = {
    '4:2:0': cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420,
    '4:4:4': cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444,
}


def textured_background(rng, height, width):
    """A colour gradient plus random gratings and noise."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    image = np.zeros((height, width, 3), np.float32)
    corner = rng.uniform(40, 215, size=(2, 3))
    t = (xs / width + ys / height)[..., None] / 2
    image += corner[0] * (1 - t) + corner[1] * t
    for _ in range(rng.integers(1, 4)):
        angle = rng.uniform(0, math.pi)
        period = rng.uniform(6, 40)
        phase = xs * math.cos(angle) + ys * math.sin(angle)
        amplitude = rng.uniform(8, 30, size=3)
        image += np.sin(2 * math.pi * phase / period)[..., None] * amplitude
    image += rng.normal(0, rng.uniform(3, 12), size=image.shape)
    return image


def draw_shape(rng, image, label, box):
    x1, y1, x2, y2 = box
    colour = rng.uniform(0, 255, size=3)
    # Make the shape stand out from the local background.
    local = image[y1:y2, x1:x2].reshape(-1, 3).mean(0)
    while np.abs(colour - local).sum() < 150:
        colour = rng.uniform(0, 255, size=3)
    mask = np.zeros(image.shape[:2], np.uint8)
    if CLASSES[label] == 'circle':
        cv2.ellipse(mask, (((x1 + x2) / 2, (y1 + y2) / 2),
                           (x2 - x1, y2 - y1), 0), 255, -1)
    elif CLASSES[label] == 'square':
        cv2.rectangle(mask, (x1, y1), (x2 - 1, y2 - 1), 255, -1)
    else:
        apex = int(rng.integers(x1, x2))
        points = np.array([[apex, y1], [x2 - 1, y2 - 1], [x1, y2 - 1]])
        cv2.fillPoly(mask, [points.astype(np.int32)], 255)
    shading = rng.normal(0, 6, size=image.shape)
    image[mask > 0] = (colour + shading)[mask > 0]


def iou(a, b):
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    area = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1])
    return inter / (area - inter)


def make_image(rng):
    height, width = (int(v) for v in rng.integers(200, 420, size=2))
    image = textured_background(rng, height, width)
    boxes, labels = [], []
    for _ in range(int(rng.integers(1, 5))):
        for _attempt in range(20):
            size = int(rng.integers(32, min(height, width) // 2))
            aspect = rng.uniform(0.75, 1.33)
            w, h = int(size * aspect), size
            if w >= width or h >= height:
                continue
            x1 = int(rng.integers(0, width - w))
            y1 = int(rng.integers(0, height - h))
            box = (x1, y1, x1 + w, y1 + h)
            if all(iou(box, other) < 0.05 for other in boxes):
                label = int(rng.integers(len(CLASSES)))
                draw_shape(rng, image, label, box)
                boxes.append(box)
                labels.append(label)
                break
    return np.clip(image, 0, 255).astype(np.uint8), boxes, labels


def write_split(rng, root, split, count, first_id):
    folder = root / split
    folder.mkdir(parents=True, exist_ok=True)
    images, annotations = [], []
    for index in range(count):
        image_id = first_id + index
        image, boxes, labels = make_image(rng)
        quality = int(rng.integers(60, 96))
        subsampling = '4:4:4' if rng.random() < 0.2 else '4:2:0'
        if rng.random() < 0.05:
            image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        name = f'{split}_{index:04d}.jpg'
        ok, data = cv2.imencode('.jpg', image, [
            cv2.IMWRITE_JPEG_QUALITY, quality,
            cv2.IMWRITE_JPEG_SAMPLING_FACTOR, SUBSAMPLING_FLAGS[subsampling]
        ])
        assert ok, name
        (folder / name).write_bytes(data.tobytes())
        images.append(
            dict(id=image_id, file_name=name, height=image.shape[0],
                 width=image.shape[1]))
        for box, label in zip(boxes, labels):
            x1, y1, x2, y2 = box
            annotations.append(
                dict(id=len(annotations) + 1, image_id=image_id,
                     category_id=label + 1, bbox=[x1, y1, x2 - x1, y2 - y1],
                     area=(x2 - x1) * (y2 - y1), iscrowd=0))
    categories = [dict(id=i + 1, name=n) for i, n in enumerate(CLASSES)]
    coco = dict(images=images, annotations=annotations, categories=categories)
    (root / 'annotations').mkdir(exist_ok=True)
    (root / 'annotations' / f'{split}.json').write_text(json.dumps(coco))
    return len(annotations)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('out_dir', help='where to write the set')
    parser.add_argument('--num-train', type=int, default=320)
    parser.add_argument('--num-val', type=int, default=80)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--force', action='store_true', help='rewrite an existing set')
    return parser.parse_args()


def main():
    args = parse_args()
    root = Path(args.out_dir)
    stamp = root / 'SETTINGS.json'
    settings = dict(num_train=args.num_train, num_val=args.num_val,
                    seed=args.seed, version=1)
    if not args.force and stamp.exists() and \
            json.loads(stamp.read_text()) == settings:
        print(f'toy set already in {root} ({settings})')
        return
    rng = np.random.default_rng(args.seed)
    num_train = write_split(rng, root, 'train', args.num_train, 1)
    num_val = write_split(rng, root, 'val', args.num_val, 100000)
    stamp.write_text(json.dumps(settings))
    print(f'wrote {args.num_train} train images ({num_train} objects) and '
          f'{args.num_val} val images ({num_val} objects) to {root}')


if __name__ == '__main__':
    main()
