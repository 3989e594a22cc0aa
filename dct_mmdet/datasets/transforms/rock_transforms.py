"""Pipeline steps for ROCK's auxiliary ground truth (depth, surface normals
and their mask), kept in the results as pixel maps next to ``img`` so that
crops and flips move them together; ``ROCKAuxTargets`` then brings them
to the resolution of the predictions.

Keys: ``gt_depth`` (H, W) float32 metres, ``gt_normals`` (H, W, 3) float32
unit (x, y, z), ``gt_normals_mask`` (H, W) bool; ``rock_zoom`` is the
zoom of ``ROCKRandomCrop`` (1 without a crop).
"""
import random
from typing import Optional, Sequence

import cv2
import mmcv
import mmengine.fileio as fileio
import numpy as np
from mmcv.transforms import BaseTransform
from mmdet.datasets.transforms import LoadAnnotations, RandomFlip

from dct_mmdet.registry import TRANSFORMS

AUX_MAP_KEYS = ('gt_depth', 'gt_normals', 'gt_normals_mask')
# The normal component that changes sign with each flip direction.
FLIPPED_COMPONENTS = dict(horizontal=(0, ), vertical=(1, ), diagonal=(0, 1))


def decode_normals(encoded: np.ndarray, eps: float = 1e-5) -> np.ndarray:
    """uint8 RGB (Eigen's ``normals_gt`` PNG) -> unit vectors, as
    rock-pytorch reads them: ``v / 255 - 0.5``, normalised."""
    normals = encoded.astype(np.float32) / 255 - 0.5
    norm = np.linalg.norm(normals, axis=-1, keepdims=True)
    return normals / np.maximum(norm, eps)


@TRANSFORMS.register_module()
class LoadROCKAnnotations(LoadAnnotations):
    """mmdet's ``LoadAnnotations`` plus depth (``depth_path``: uint16 PNG in
    millimetres, 0 = unknown), normals (``normals_path``) and their validity
    mask (``normals_mask_path``, non-zero = valid), as the dataset lists
    them. The scene label is already in the results (``scene_label``).

    Required Keys:

    - instances (bbox, bbox_label, ignore_flag), and the other keys of
      mmdet's ``LoadAnnotations`` for the options set
    - depth_path (``with_depth``)
    - normals_path, normals_mask_path (``with_normals``)

    Added Keys:

    - gt_bboxes, gt_bboxes_labels, gt_ignore_flags (and the other keys of
      mmdet's ``LoadAnnotations`` for the options set)
    - gt_depth ((H, W) float32, metres; ``with_depth``)
    - gt_normals ((H, W, 3) float32 unit vectors), gt_normals_mask
      ((H, W) bool) (``with_normals``)
    - rock_zoom (1.0, when not set yet)
    """

    def __init__(self,
                 with_depth: bool = True,
                 with_normals: bool = True,
                 **kwargs):
        super().__init__(**kwargs)
        self.with_depth = with_depth
        self.with_normals = with_normals

    def _read(self, results: dict, key: str, flag: str) -> np.ndarray:
        path = results.get(key)
        if path is None:
            raise KeyError(f'{key} is missing for {results.get("img_path")}: '
                           'use NYUv2Dataset or turn this map off')
        return mmcv.imfrombytes(
            fileio.get(path, backend_args=self.backend_args),
            flag=flag,
            channel_order='rgb',
            backend='cv2')

    def transform(self, results: dict) -> dict:
        results = super().transform(results)
        if self.with_depth:
            depth = self._read(results, 'depth_path', 'unchanged')
            results['gt_depth'] = depth.astype(np.float32) / 1000
        if self.with_normals:
            results['gt_normals'] = decode_normals(
                self._read(results, 'normals_path', 'color'))
            mask = self._read(results, 'normals_mask_path', 'grayscale')
            results['gt_normals_mask'] = mask > 0
        results.setdefault('rock_zoom', 1.0)
        return results


@TRANSFORMS.register_module()
class ROCKRandomCrop(BaseTransform):
    """rock-pytorch's SSD crop, which keeps the image's aspect ratio.

    Draws one option: keep the image, a crop whose IoU with *every* box
    exceeds one of ``min_ious``, or an unconstrained crop (twice as likely
    as keeping, or only once with ``force_crops``). A crop has side
    ``s = sqrt(U(min_area, 1))`` of the image's width *and* height (its area
    fraction is uniform). The window is rounded down to whole pixels (as
    rock-pytorch cuts the image) *before* it is tested, so the window tested
    is the one cut. It is accepted when the IoU rule holds and at least one
    box keeps its centre strictly inside and a clipped width and height of
    at least 1 pixel; the other boxes are dropped with their labels, the
    kept ones clipped (a zero-width box would give infinite regression
    targets). After ``max_trials`` failures a new option is drawn. Images
    without boxes are kept. Crops ``img`` and the aux maps alike and sets
    ``rock_zoom = 1 / s``.

    Required Keys:

    - img
    - gt_bboxes (BaseBoxes[torch.float32]) (optional: without boxes the
      sample is kept as it is)
    - gt_bboxes_labels, gt_ignore_flags (optional)
    - gt_depth, gt_normals, gt_normals_mask (optional)
    - rock_zoom (optional; 1 when absent)

    Modified Keys:

    - img
    - img_shape
    - gt_bboxes
    - gt_bboxes_labels
    - gt_ignore_flags
    - gt_depth, gt_normals, gt_normals_mask

    Added Keys:

    - rock_zoom (divided by the crop side ``s``; set when absent)
    """

    def __init__(self,
                 min_ious: Sequence[float] = (0.1, 0.3, 0.5, 0.7, 0.9),
                 min_area: float = 0.1,
                 max_trials: int = 30,
                 force_crops: bool = False):
        self.min_ious = tuple(min_ious)
        self.min_area = min_area
        self.max_trials = max_trials
        self.force_crops = force_crops
        unconstrained = [-np.inf] * (1 if force_crops else 2)
        self.options = ([] if force_crops else [None]) + \
            list(self.min_ious) + unconstrained

    def transform(self, results: dict) -> dict:
        boxes = results.get('gt_bboxes')
        if boxes is None or len(boxes) == 0:
            return results
        height, width = results['img'].shape[:2]
        corners = boxes.tensor.numpy()
        centres = (corners[:, :2] + corners[:, 2:]) / 2
        while True:
            min_iou = random.choice(self.options)
            if min_iou is None:
                return results
            for _ in range(self.max_trials):
                side = np.sqrt(np.random.uniform(self.min_area, 1))
                left, top = np.random.uniform(0, 1 - side, 2)
                # Whole pixels, as cut (int() of non-negative = floor).
                crop = np.floor([left * width, top * height,
                                 (left + side) * width,
                                 (top + side) * height])
                if np.any(crop[2:] <= crop[:2]) or np.any(
                        box_iou(corners, crop) <= min_iou):
                    continue
                inside = np.all((centres > crop[:2]) & (centres < crop[2:]),
                                axis=1)
                clipped = np.minimum(corners[:, 2:], crop[2:]) - np.maximum(
                    corners[:, :2], crop[:2])
                keep = inside & np.all(clipped >= 1, axis=1)
                if keep.any():
                    self._crop(results, crop, keep, side)
                    return results

    def _crop(self, results: dict, crop: np.ndarray, keep: np.ndarray,
              side: float) -> None:
        x1, y1, x2, y2 = (int(v) for v in crop)
        results['img'] = results['img'][y1:y2, x1:x2]
        for key in AUX_MAP_KEYS:
            if key in results:
                results[key] = results[key][y1:y2, x1:x2]
        results['img_shape'] = results['img'].shape[:2]
        boxes = results['gt_bboxes'][keep]
        boxes.translate_([-x1, -y1])
        boxes.clip_(results['img_shape'])
        results['gt_bboxes'] = boxes
        for key in ('gt_bboxes_labels', 'gt_ignore_flags'):
            if key in results:
                results[key] = results[key][keep]
        results['rock_zoom'] = results.get('rock_zoom', 1.0) / side

    def __repr__(self):
        return (f'{self.__class__.__name__}(min_ious={self.min_ious}, '
                f'min_area={self.min_area}, max_trials={self.max_trials}, '
                f'force_crops={self.force_crops})')


def box_iou(boxes: np.ndarray, region: np.ndarray) -> np.ndarray:
    """IoU of each ``(x1, y1, x2, y2)`` box with one region."""
    lt = np.maximum(boxes[:, :2], region[:2])
    rb = np.minimum(boxes[:, 2:], region[2:])
    inter = np.prod(np.clip(rb - lt, 0, None), axis=1)
    areas = np.prod(boxes[:, 2:] - boxes[:, :2], axis=1)
    region_area = np.prod(region[2:] - region[:2])
    return inter / (areas + region_area - inter)


@TRANSFORMS.register_module()
class ROCKRandomFlip(RandomFlip):
    """mmdet's ``RandomFlip`` that also flips the aux maps and negates the
    normal component along the flip (x for a horizontal flip).

    Required Keys:

    - img
    - gt_bboxes (BaseBoxes[torch.float32]) (optional)
    - gt_masks (BitmapMasks | PolygonMasks) (optional)
    - gt_seg_map (np.uint8) (optional)
    - gt_depth, gt_normals, gt_normals_mask (optional)

    Modified Keys:

    - img
    - gt_bboxes
    - gt_masks
    - gt_seg_map
    - gt_depth, gt_normals (sign of the flipped component too),
      gt_normals_mask

    Added Keys:

    - flip
    - flip_direction
    - homography_matrix
    """

    def _flip(self, results: dict) -> None:
        super()._flip(results)
        direction = results['flip_direction']
        for key in AUX_MAP_KEYS:
            if key in results:
                results[key] = np.ascontiguousarray(
                    mmcv.imflip(results[key], direction=direction))
        if 'gt_normals' in results:
            for component in FLIPPED_COMPONENTS[direction]:
                results['gt_normals'][..., component] *= -1


@TRANSFORMS.register_module()
class ROCKColorJitter(BaseTransform):
    """torchvision's ``ColorJitter`` on mmcv's BGR uint8 image: brightness,
    contrast, saturation and hue factors drawn uniformly, applied in a
    random order (mmdet's ``PhotoMetricDistortion`` is a different
    augmentation). Defaults are rock-pytorch's.

    Required Keys:

    - img (uint8, BGR)

    Modified Keys:

    - img (uint8, BGR)
    """

    def __init__(self,
                 brightness: float = 0.15,
                 contrast: float = 0.25,
                 saturation: float = 0.25,
                 hue: float = 0.05):
        if not 0 <= hue <= 0.5:
            raise ValueError(f'hue must be in [0, 0.5], got {hue}')
        self.brightness = brightness
        self.contrast = contrast
        self.saturation = saturation
        self.hue = hue

    def transform(self, results: dict) -> dict:
        img = results['img'][..., ::-1].astype(np.float32) / 255  # RGB
        ops = [
            (self._brightness, self.brightness),
            (self._contrast, self.contrast),
            (self._saturation, self.saturation),
        ]
        steps = [(op, np.random.uniform(max(0, 1 - amount), 1 + amount))
                 for op, amount in ops if amount > 0]
        if self.hue > 0:
            steps.append((self._hue, np.random.uniform(-self.hue, self.hue)))
        random.shuffle(steps)
        for op, factor in steps:
            img = np.clip(op(img, factor), 0, 1)
        results['img'] = np.ascontiguousarray(
            np.rint(img[..., ::-1] * 255).astype(np.uint8))
        return results

    @staticmethod
    def _gray(img: np.ndarray) -> np.ndarray:
        return img @ np.array([0.299, 0.587, 0.114], np.float32)

    @staticmethod
    def _brightness(img, factor):
        return img * factor

    def _contrast(self, img, factor):
        return img * factor + self._gray(img).mean() * (1 - factor)

    def _saturation(self, img, factor):
        return img * factor + self._gray(img)[..., None] * (1 - factor)

    @staticmethod
    def _hue(img, shift):
        hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)  # float: H in [0, 360)
        hsv[..., 0] = (hsv[..., 0] + shift * 360) % 360
        return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)

    def __repr__(self):
        return (f'{self.__class__.__name__}(brightness={self.brightness}, '
                f'contrast={self.contrast}, saturation={self.saturation}, '
                f'hue={self.hue})')


@TRANSFORMS.register_module()
class ROCKAuxTargets(BaseTransform):
    """Aux maps -> targets at the prediction grid (``img_shape / stride``,
    rounded), by nearest-neighbour resampling, as rock-pytorch:

    * depth is multiplied by the crop side (``1 / rock_zoom``): zooming in
      makes the scene look closer;
    * the normals' z is multiplied by ``rock_zoom`` and re-normalised.

    Put it after the geometric transforms (crop, flip, resize).

    Required Keys:

    - img_shape
    - gt_depth, gt_normals, gt_normals_mask (optional: each one present is
      transformed)
    - rock_zoom (optional; 1 when absent)

    Modified Keys:

    - gt_depth ((h, w) float32)
    - gt_normals ((h, w, 3) float32)
    - gt_normals_mask ((h, w) bool)
    """

    def __init__(self, stride: int = 16):
        self.stride = stride

    def transform(self, results: dict) -> dict:
        height, width = results['img_shape'][:2]
        size = (max(1, round(width / self.stride)),
                max(1, round(height / self.stride)))
        zoom = results.get('rock_zoom', 1.0)
        for key in AUX_MAP_KEYS:
            if key in results:
                results[key] = cv2.resize(
                    results[key].astype(np.float32), size,
                    interpolation=cv2.INTER_NEAREST_EXACT)
        if 'gt_depth' in results:
            results['gt_depth'] = results['gt_depth'] / zoom
        if 'gt_normals' in results:
            normals = results['gt_normals']
            normals[..., 2] *= zoom
            normals /= np.maximum(
                np.linalg.norm(normals, axis=-1, keepdims=True), 1e-5)
        if 'gt_normals_mask' in results:
            results['gt_normals_mask'] = results['gt_normals_mask'] > 0
        return results

    def __repr__(self):
        return f'{self.__class__.__name__}(stride={self.stride})'
