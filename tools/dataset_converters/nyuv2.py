"""NYU Depth v2 (labeled) -> the files NYUv2Dataset reads, for ROCK.

    python tools/dataset_converters/nyuv2.py data/nyu_depth_v2_labeled.mat \
        data/splits.mat data/normals_gt --out-dir data/nyuv2 \
        [--val-split data/val_split.txt]

Inputs: the official ``nyu_depth_v2_labeled.mat`` (MATLAB v7.3, i.e. HDF5;
every array is stored transposed), ``splits.mat`` (1-based ``trainNdxs``,
``testNdxs``), Eigen's ``normals_gt`` folder (``normals/XXXX.png`` and
``masks/XXXX.png``, 0-based NYU indices) and, optionally, rock-pytorch's
``val_split.txt`` (one scene name per line, carved out of train).

Writes under ``--out-dir``, one file per image named by its 0-based NYU
index: ``rgb/XXXX.png``, ``jpeg/XXXX.jpg`` (for the DCT path),
``depth/XXXX.png`` (uint16, millimetres), ``normals/XXXX.png``,
``masks/XXXX.png``, and COCO jsons ``annotations/{train,test}.json`` (plus
``val.json`` and ``train_minus_val.json`` with ``--val-split``) whose image
entries carry ``nyu_index``, ``scene``, ``scene_type`` and ``scene_label``.

Boxes come from the label and instance maps: each (class, instance number)
pair of the 19 classes is one box around all its pixels, ``[x, y, w, h]``
with ``w = max x - min x + 1`` (the pixel extent; rock-pytorch's is one
pixel shorter). rock-pytorch drops the objects of one class from each image
whose index equals that class's raw id (5, 7, 12, ... 172); this tool keeps
them. The file is read one image at a time (rock-pytorch needs > 10 GB).
"""
import argparse
import json
import os.path as osp
from pathlib import Path

import cv2
import h5py
import numpy as np
from mmengine.utils import ProgressBar

from dct_codec import encode_jpeg
from dct_mmdet.datasets.nyuv2 import NYUV2_CLASSES, NYUV2_SCENES

MAT_KEYS = ('images', 'depths', 'labels', 'instances', 'names',
            'sceneTypes', 'scenes')


class NYUv2FormatError(ValueError):
    """An input file is missing or does not have the expected content."""


def parse_args():
    parser = argparse.ArgumentParser(
        description='Convert labeled NYU Depth v2 for ROCK')
    parser.add_argument('mat', help='nyu_depth_v2_labeled.mat')
    parser.add_argument('splits', help='splits.mat')
    parser.add_argument('normals', help='normals_gt folder (normals/, masks/)')
    parser.add_argument('--out-dir', default='data/nyuv2')
    parser.add_argument(
        '--val-split', help="rock-pytorch's val_split.txt (scene names)")
    parser.add_argument(
        '--jpeg-quality',
        type=int,
        default=75,
        help='quality of the JPEG copies (75: the DCT training protocol)')
    return parser.parse_args()


def read_string(mat: h5py.File, ref) -> str:
    """A MATLAB char array behind an object reference."""
    return ''.join(chr(code) for code in np.asarray(mat[ref]).ravel())


def read_strings(mat: h5py.File, key: str, path: str) -> list:
    refs = mat[key]
    if refs.dtype != h5py.ref_dtype:
        raise NYUv2FormatError(
            f'{path}: {key!r} should hold object references to strings, got '
            f'dtype {refs.dtype}')
    return [read_string(mat, ref) for ref in np.asarray(refs).ravel()]


def open_mat(path: str) -> h5py.File:
    if not osp.isfile(path):
        raise NYUv2FormatError(f'{path}: no such file')
    try:
        mat = h5py.File(path, 'r')
    except OSError as error:
        raise NYUv2FormatError(
            f'{path}: not a MATLAB v7.3 (HDF5) file; the labeled NYUv2 .mat '
            f'is one ({error})') from error
    missing = [key for key in MAT_KEYS if key not in mat]
    if missing:
        raise NYUv2FormatError(f'{path}: missing {missing}; is this '
                               'nyu_depth_v2_labeled.mat?')
    count = mat['images'].shape[0]
    if mat['images'].ndim != 4 or mat['images'].shape[1] != 3:
        raise NYUv2FormatError(f"{path}: 'images' should be N x 3 x W x H, "
                               f"got {mat['images'].shape}")
    for key in ('depths', 'labels', 'instances'):
        if mat[key].shape != (count, ) + mat['images'].shape[2:]:
            raise NYUv2FormatError(
                f"{path}: {key!r} is {mat[key].shape}, expected "
                f"{(count, ) + mat['images'].shape[2:]} like 'images'")
    for key in ('sceneTypes', 'scenes'):
        if mat[key].size != count:
            raise NYUv2FormatError(
                f'{path}: {key!r} has {mat[key].size} entries for {count} '
                'images')
    return mat


def class_raw_ids(names: list, path: str) -> np.ndarray:
    """1-based raw ids of the 19 classes, by exact name."""
    missing = [name for name in NYUV2_CLASSES if name not in names]
    if missing:
        raise NYUv2FormatError(f"{path}: 'names' lacks the classes {missing}")
    return np.array([names.index(name) + 1 for name in NYUV2_CLASSES])


def read_splits(path: str, count: int):
    if not osp.isfile(path):
        raise NYUv2FormatError(f'{path}: no such file')
    try:
        from scipy.io import loadmat
    except ImportError as error:
        raise ImportError('reading splits.mat needs scipy: '
                          'pip install scipy') from error
    try:
        splits = loadmat(path)
    except Exception as error:
        raise NYUv2FormatError(
            f'{path}: not a readable MATLAB file ({error})') from error
    indices = {}
    for split, key in (('train', 'trainNdxs'), ('test', 'testNdxs')):
        if key not in splits:
            raise NYUv2FormatError(f'{path}: missing {key!r}')
        one_based = np.asarray(splits[key]).astype(np.int64).ravel()
        if one_based.size == 0 or one_based.min() < 1 or \
                one_based.max() > count:
            raise NYUv2FormatError(
                f'{path}: {key} must be 1-based indices in 1..{count}')
        indices[split] = sorted(int(i) - 1 for i in one_based)
    return indices


def read_val_scenes(path: str) -> set:
    if not osp.isfile(path):
        raise NYUv2FormatError(f'{path}: no such file')
    scenes = {line.strip() for line in Path(path).read_text().splitlines()}
    scenes.discard('')
    if not scenes:
        raise NYUv2FormatError(f'{path}: no scene names')
    return scenes


def read_image(mat: h5py.File, key: str, index: int,
               path: str) -> np.ndarray:
    """Image ``index`` of the array ``key``, transposed back to rows
    first; a failed read (e.g. a corrupt chunk) names the image."""
    try:
        return np.asarray(mat[key][index]).T
    except (OSError, ValueError) as error:
        raise NYUv2FormatError(
            f'{path}: cannot read {key!r} of image {index} (0-based): '
            f'{error}') from error


def extract_boxes(labels: np.ndarray, instances: np.ndarray,
                  raw_ids: np.ndarray) -> list:
    """``(category_id 1..19, [x, y, w, h])`` of every instance of the 19
    classes: instance numbers restart at 1 in each class."""
    boxes = []
    for category, raw_id in enumerate(raw_ids, start=1):
        in_class = labels == raw_id
        for instance in np.unique(instances[in_class]):
            if instance == 0:
                continue
            ys, xs = np.nonzero(in_class & (instances == instance))
            x, y = int(xs.min()), int(ys.min())
            boxes.append((category, [x, y, int(xs.max()) - x + 1,
                                     int(ys.max()) - y + 1]))
    return boxes


def read_png(path: Path, flag: int, size: tuple) -> np.ndarray:
    if not path.is_file():
        raise NYUv2FormatError(f'{path}: no such file')
    image = cv2.imread(str(path), flag)
    if image is None:
        raise NYUv2FormatError(f'{path}: not a readable image')
    if image.shape[:2] != size:
        raise NYUv2FormatError(
            f'{path}: {image.shape[:2]} pixels, the NYUv2 image is {size}')
    return image


def write_png(path: Path, image: np.ndarray) -> None:
    if not cv2.imwrite(str(path), image):
        raise OSError(f'could not write {path}')


def coco_json(index_list, images, annotations) -> dict:
    chosen = set(index_list)
    return dict(
        info=dict(
            description='NYU Depth v2 labeled, ROCK detection classes',
            scene_classes=list(NYUV2_SCENES)),
        images=[images[i] for i in index_list],
        annotations=[a for a in annotations if a['image_id'] in chosen],
        categories=[
            dict(id=i, name=name, supercategory='home')
            for i, name in enumerate(NYUV2_CLASSES, start=1)
        ])


def convert(mat_path: str, splits_path: str, normals_dir: str, out_dir: str,
            val_split: str = None, jpeg_quality: int = 75) -> dict:
    """Write the dataset; return the image indices of each split."""
    normals_dir = Path(normals_dir)
    for sub in ('normals', 'masks'):
        if not (normals_dir / sub).is_dir():
            raise NYUv2FormatError(
                f'{normals_dir}: no {sub}/ folder; expected the extracted '
                'normals_gt.tgz (normals/XXXX.png, masks/XXXX.png)')
    val_scenes = read_val_scenes(val_split) if val_split else None
    out = Path(out_dir)
    folders = {
        name: out / name
        for name in ('rgb', 'jpeg', 'depth', 'normals', 'masks',
                     'annotations')
    }
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)

    with open_mat(mat_path) as mat:
        count = mat['images'].shape[0]
        raw_ids = class_raw_ids(read_strings(mat, 'names', mat_path),
                                mat_path)
        scene_types = read_strings(mat, 'sceneTypes', mat_path)
        scenes = read_strings(mat, 'scenes', mat_path)
        unknown = sorted(set(scene_types) - set(NYUV2_SCENES))
        if unknown:
            raise NYUv2FormatError(
                f'{mat_path}: unknown scene types {unknown}')
        splits = read_splits(splits_path, count)
        if val_scenes is not None:
            splits['val'] = [
                i for i in splits['train'] if scenes[i] in val_scenes
            ]
            if not splits['val']:
                raise NYUv2FormatError(
                    f'{val_split}: none of its scenes is in the train split')
            splits['train_minus_val'] = [
                i for i in splits['train'] if scenes[i] not in val_scenes
            ]
        used = sorted(set(splits['train']) | set(splits['test']))

        images, annotations = {}, []
        progress = ProgressBar(len(used))
        for index in used:
            name = f'{index:04d}'
            rgb = read_image(mat, 'images', index, mat_path)
            size = rgb.shape[:2]
            write_png(folders['rgb'] / f'{name}.png', rgb[..., ::-1])
            (folders['jpeg'] / f'{name}.jpg').write_bytes(
                encode_jpeg(np.ascontiguousarray(rgb), jpeg_quality))
            depth = read_image(mat, 'depths', index, mat_path)
            write_png(folders['depth'] / f'{name}.png',
                      np.clip(np.rint(depth * 1000), 0,
                              65535).astype(np.uint16))
            for sub, flag in (('normals', cv2.IMREAD_COLOR),
                              ('masks', cv2.IMREAD_UNCHANGED)):
                write_png(folders[sub] / f'{name}.png',
                          read_png(normals_dir / sub / f'{name}.png', flag,
                                   size))
            labels = read_image(mat, 'labels', index, mat_path)
            instances = read_image(mat, 'instances', index, mat_path)
            for category, box in extract_boxes(labels, instances, raw_ids):
                annotations.append(
                    dict(
                        id=len(annotations) + 1,
                        image_id=index,
                        category_id=category,
                        bbox=box,
                        area=box[2] * box[3],
                        iscrowd=0))
            images[index] = dict(
                id=index,
                file_name=f'{name}.png',
                height=size[0],
                width=size[1],
                nyu_index=index,
                scene=scenes[index],
                scene_type=scene_types[index],
                scene_label=NYUV2_SCENES.index(scene_types[index]))
            progress.update()

    for split, index_list in splits.items():
        path = folders['annotations'] / f'{split}.json'
        path.write_text(json.dumps(coco_json(index_list, images,
                                             annotations)))
    print(f'\n{len(used)} images, {len(annotations)} boxes -> {out}; ' +
          ', '.join(f'{split}: {len(ids)}' for split, ids in splits.items()))
    return splits


def main():
    args = parse_args()
    try:
        convert(args.mat, args.splits, args.normals, args.out_dir,
                args.val_split, args.jpeg_quality)
    except NYUv2FormatError as error:
        raise SystemExit(f'error: {error}')


if __name__ == '__main__':
    main()
