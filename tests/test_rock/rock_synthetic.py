"""A tiny NYUv2 written with the real files' layouts: the labeled ``.mat``
(MATLAB v7.3 = HDF5 with a MATLAB header, arrays stored transposed, strings
as object references to uint16 char arrays under ``#refs#``), ``splits.mat``
(MATLAB v5, 1-based indices), the ``normals_gt`` folder and
``val_split.txt``."""
from pathlib import Path

import cv2
import h5py
import numpy as np
from scipy.io import savemat

from dct_mmdet.datasets.nyuv2 import NYUV2_CLASSES

HEIGHT, WIDTH = 24, 32
NUM_IMAGES = 8
TRAIN, TEST = (0, 1, 2, 5, 6), (3, 4, 7)
SCENE_TYPES = ('kitchen', 'bedroom', 'kitchen', 'office', 'bedroom',
               'kitchen', 'office', 'bathroom')
SCENES = tuple(f'{t}_{i:04d}' for i, t in enumerate(SCENE_TYPES))
VAL_SCENES = (SCENES[1], SCENES[6])
EMPTY = (2, 7)  # no box: one train (not val) and one test image
# NYUv2's raw ids (1-based in the 894 names) of the classes used below.
RAW_IDS = dict(chair=5, table=19, bed=157, lamp=144)
OTHER_RAW_ID = 3  # a raw class outside the 19


def objects(index):
    """(class name, instance number, (x1, y1, x2, y2) inclusive) of image
    ``index``; image 5's chairs are those rock-pytorch drops (raw id 5);
    images 2 (train) and 7 (test) have none of the 19 classes."""
    if index in EMPTY:
        return []
    shift = index % 3
    found = [('chair', 1, (2 + shift, 3, 9 + shift, 12)),
             ('chair', 2, (12, 14, 15, 20)),
             ('table', 1, (18, 4 + shift, 29, 10 + shift))]
    if index % 2:
        found.append(('bed', 1, (1, 15, 10, 22)))
    if index == 4:
        found.append(('lamp', 3, (28, 16, 28, 21)))  # one pixel wide
    return found


def expected_boxes(index):
    """COCO ``(category name, [x, y, w, h])``, w/h the pixel extent."""
    return sorted((name, [x1, y1, x2 - x1 + 1, y2 - y1 + 1])
                  for name, _, (x1, y1, x2, y2) in objects(index))


def label_maps(index):
    labels = np.zeros((HEIGHT, WIDTH), np.uint16)
    instances = np.zeros((HEIGHT, WIDTH), np.uint8)
    labels[0:2, :] = OTHER_RAW_ID  # not a detection class
    instances[0:2, :] = 1
    for name, instance, (x1, y1, x2, y2) in objects(index):
        labels[y1:y2 + 1, x1:x2 + 1] = RAW_IDS[name]
        instances[y1:y2 + 1, x1:x2 + 1] = instance
    return labels, instances


def depth_map(index):
    rows = np.linspace(1.0, 4.0, HEIGHT, dtype=np.float32)[:, None]
    return np.broadcast_to(rows + 0.1 * index, (HEIGHT, WIDTH)).copy()


def write_strings(mat, strings, group):
    refs = []
    for i, text in enumerate(strings):
        chars = mat['#refs#'].create_dataset(
            f'{group}_{i}',
            data=np.array([[ord(c)] for c in text], np.uint16))
        chars.attrs['MATLAB_class'] = np.bytes_('char')
        refs.append(chars.ref)
    return np.array([refs], dtype=h5py.ref_dtype)


def raw_names():
    """180 raw class names with the 19 classes: those used at their real
    NYUv2 ids, the others in free slots."""
    names = [f'raw class {i}' for i in range(1, 181)]
    taken = set(RAW_IDS.values()) | {OTHER_RAW_ID}
    free = (i for i in range(len(names)) if i + 1 not in taken)
    for name in NYUV2_CLASSES:
        names[RAW_IDS[name] - 1 if name in RAW_IDS else next(free)] = name
    return names


def write_mat(path, drop_key=None):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (NUM_IMAGES, 3, WIDTH, HEIGHT), np.uint8)
    maps = [label_maps(i) for i in range(NUM_IMAGES)]
    with h5py.File(path, 'w', userblock_size=512) as mat:
        mat.create_group('#refs#')
        arrays = dict(
            images=images,
            depths=np.stack([depth_map(i).T for i in range(NUM_IMAGES)]),
            labels=np.stack([m[0].T for m in maps]),
            instances=np.stack([m[1].T for m in maps]))
        for key, value in arrays.items():
            if key != drop_key:
                mat.create_dataset(key, data=value)
        for key, strings in (('names', raw_names()), ('sceneTypes', SCENE_TYPES),
                             ('scenes', SCENES)):
            if key != drop_key:
                mat.create_dataset(key, data=write_strings(mat, strings, key))
    with open(path, 'r+b') as f:
        f.write(b'MATLAB 7.3 MAT-file, Platform: GLNXA64, synthetic'.ljust(
            116))
    return images


def normal_image():
    """Encoded normals: facing the camera, tilted right in the left half."""
    normals = np.zeros((HEIGHT, WIDTH, 3), np.float32)
    normals[..., 2] = 1
    normals[:, :WIDTH // 2] = (0.6, 0.0, 0.8)
    return np.clip(np.rint((normals + 0.5) * 255), 0, 255).astype(np.uint8)


def write_nyuv2(root: Path, drop_key=None) -> dict:
    """All the converter's inputs under ``root``; returns their paths."""
    root.mkdir(parents=True, exist_ok=True)
    paths = dict(
        mat=root / 'nyu_depth_v2_labeled.mat',
        splits=root / 'splits.mat',
        normals=root / 'normals_gt',
        val_split=root / 'val_split.txt')
    write_mat(paths['mat'], drop_key=drop_key)
    savemat(
        paths['splits'],
        dict(
            trainNdxs=np.array(TRAIN)[:, None] + 1.0,
            testNdxs=np.array(TEST)[:, None] + 1.0))
    for sub in ('normals', 'masks'):
        (paths['normals'] / sub).mkdir(parents=True, exist_ok=True)
    mask = np.full((HEIGHT, WIDTH), 255, np.uint8)
    mask[:, -4:] = 0
    for index in range(NUM_IMAGES):
        cv2.imwrite(str(paths['normals'] / 'normals' / f'{index:04d}.png'),
                    normal_image()[..., ::-1])
        cv2.imwrite(str(paths['normals'] / 'masks' / f'{index:04d}.png'),
                    mask)
    paths['val_split'].write_text('\n'.join(VAL_SCENES) + '\n')
    return paths


def load_converter():
    """tools/dataset_converters/nyuv2.py as a module."""
    import importlib.util
    path = Path(__file__).resolve().parents[2] / \
        'tools/dataset_converters/nyuv2.py'
    spec = importlib.util.spec_from_file_location('nyuv2_converter', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def convert_nyuv2(tmp_path: Path) -> Path:
    """Synthetic inputs through the converter (in-process); the output."""
    paths = write_nyuv2(tmp_path / 'raw')
    out = tmp_path / 'nyuv2'
    load_converter().convert(paths['mat'], paths['splits'], paths['normals'],
                             out, paths['val_split'])
    return out


# A tiny network of the same layout (ResNet-50 with 8 base channels, ROCK
# and extras at 1/16 width) at the real 480 x 640 input, and the synthetic
# set, for the CLIs.
TINY_NECK_AND_HEAD = [
    'model.neck.in_channels=256', 'model.neck.widen_factor=0.0625',
    'model.bbox_head.in_channels=[256,64,32,16,16,16]'
]
TINY_MODEL = [
    'model.backbone.init_cfg=None', 'model.backbone.base_channels=8',
    *TINY_NECK_AND_HEAD
]
# The same for the DCT backbone (1/8 width: 256 channels at stride 16).
TINY_DCT_MODEL = [
    'model.backbone.rgb_pretrained=None', 'model.backbone.widen_factor=0.125',
    *TINY_NECK_AND_HEAD
]


def cli_options(data_root: Path, max_iters: int = 2, model=TINY_MODEL):
    root = f'{data_root}/'
    return [
        '--cfg-options', *model,
        f'train_dataloader.dataset.data_root={root}',
        f'val_dataloader.dataset.data_root={root}',
        f'test_dataloader.dataset.data_root={root}',
        f'val_evaluator.ann_file={root}annotations/test.json',
        f'test_evaluator.ann_file={root}annotations/test.json',
        'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False',
        'val_dataloader.num_workers=0',
        'val_dataloader.persistent_workers=False',
        'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False',
        f'train_cfg.max_iters={max_iters}',
        f'train_cfg.val_interval={max_iters}',
        f'default_hooks.checkpoint.interval={max_iters}',
        'default_hooks.logger.interval=1',
        # An untrained network scores every box below rock's 0.05.
        'model.test_cfg.score_thr=0.0'
    ]
