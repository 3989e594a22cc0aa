"""Lazy geometric transforms: mmdet's Expand, MinIoURandomCrop, Resize and
RandomFlip without moving a pixel.

Each one draws exactly what mmdet 3.3's transform draws from numpy's global
random state, in the same order, and changes ``gt_bboxes``, labels, ignore
flags and the meta keys exactly as mmdet does (the same ``HorizontalBoxes``
calls, so the same float32 arithmetic). Instead of the image, it changes the
sample's ``geometry`` (:class:`dct_codec.geometry.Geometry`: where each
output pixel comes from in the source image, with the fill colour and the
clamp window), and ``img_shape`` is the size of the image the geometry
describes. With the same seed, the boxes are bit-identical to mmdet's pixel
pipeline's.

Nothing is resampled until a materialiser produces the output once:

* compressed domain: ``LoadDCTFromFile(lazy=True)`` (which starts the
  geometry at the file's EXIF orientation) -> Lazy* -> ``PackDCTInputs``;
  ``DCTDataPreprocessor`` resamples the coefficients on the model's device;
* RGB: mmdet's ``LoadImageFromFile`` (OpenCV has turned the image upright)
  -> ``LoadAnnotations`` -> Lazy* -> :class:`MaterializeImage` -> pixel-wise
  transforms such as ``PhotoMetricDistortion`` -> ``PackDetInputs``.
  ``img`` stays the loaded image until :class:`MaterializeImage`, so a
  pipeline must run it before anything that reads pixels.

A geometry is one resample: it composes an Expand, crops and one resize in
mmdet's SSD order (crops, flips and turns anywhere), but not a fill or a
second resize after a resize (``Geometry.then`` raises ValueError naming
it). Instance masks and segmentation maps are pixel maps and are refused.
The fill colour follows mmcv's BGR convention: ``Expand(mean, to_rgb=True)``
fills a BGR image with ``mean[::-1]``, i.e. RGB ``mean``.
"""
from typing import Tuple

import mmcv
import numpy as np
from mmcv.image.geometric import _scale_size
from mmcv.transforms import BaseTransform
from mmdet.datasets.transforms import (Expand, MinIoURandomCrop, RandomFlip,
                                       Resize)
from mmdet.structures.bbox import autocast_box_type

from dct_codec.geometry import Geometry, crop, flip, identity, resize
from dct_mmdet.registry import TRANSFORMS
from .min_iou_sampler import (CROP_TRIALS, RandomStateBookmark, crop_trials,
                              first_accepted)

PIXEL_MAPS = ('gt_masks', 'gt_seg_map')


def current_geometry(results: dict) -> Geometry:
    """The sample's geometry; the identity of ``img_shape`` when no step
    has started one (e.g. after mmdet's ``LoadImageFromFile``)."""
    geometry = results.get('geometry')
    return identity(results['img_shape']) if geometry is None else geometry


def compose(results: dict, step: Geometry) -> None:
    """Follow the sample's geometry by ``step`` (whose source is the
    current ``img_shape``); ``img_shape`` becomes the step's output."""
    results['geometry'] = current_geometry(results).then(step)
    results['img_shape'] = step.out_size


def refuse_pixel_maps(results: dict, transform: BaseTransform) -> None:
    """Masks and segmentation maps would need their pixels moved."""
    found = [key for key in PIXEL_MAPS if results.get(key) is not None]
    if found:
        raise ValueError(
            f'{type(transform).__name__} moves no pixels and cannot '
            f'transform {found}: use mmdet\'s pixel transforms for them')


def record_homography(results: dict, matrix: np.ndarray) -> None:
    """Left-multiply ``homography_matrix`` (source -> output coordinates,
    float32) as mmdet's transforms record it."""
    matrix = matrix.astype(np.float32)
    previous = results.get('homography_matrix')
    results['homography_matrix'] = matrix if previous is None else \
        matrix @ previous


@TRANSFORMS.register_module()
class LazyExpand(Expand):
    """mmdet's ``Expand`` as a geometry: the image placed on a canvas of
    ``ratio`` times its size, filled with ``mean``.

    Same arguments and random draws as ``Expand``; the fill is the mean cast
    to the image's dtype as mmdet casts it (uint8 truncates, e.g. 123.675 ->
    123; uint8 when there is no ``img``, as for DCT samples).

    Required Keys:

    - img_shape
    - geometry (optional; identity of ``img_shape`` when absent)
    - gt_bboxes (BaseBoxes[torch.float32]) (optional)
    - img (optional: only its dtype is read)

    Modified Keys:

    - img_shape
    - gt_bboxes

    Added Keys:

    - geometry
    """

    @autocast_box_type()
    def transform(self, results: dict) -> dict:
        refuse_pixel_maps(results, self)
        if self._random_prob() > self.prob:
            return results
        h, w = results['img_shape']
        ratio = self._random_ratio()
        canvas = (int(h * ratio), int(w * ratio))
        left, top = self._random_left_top(ratio, h, w)
        compose(results,
                crop((h, w), -left, -top, canvas, self._fill_rgb(results)))
        if results.get('gt_bboxes', None) is not None:
            results['gt_bboxes'].translate_([left, top])
        return results

    def _fill_rgb(self, results: dict) -> Tuple[float, ...]:
        """``self.mean`` is in the image's (BGR) order: cast it to the
        image's dtype as mmdet's ``np.full``/``fill`` does, return RGB."""
        img = results.get('img')
        dtype = np.uint8 if img is None else img.dtype
        pixel = np.full((1, 1, len(self.mean)), self.mean, dtype=dtype)
        return tuple(float(v) for v in pixel[0, 0, ::-1])


@TRANSFORMS.register_module()
class LazyMinIoURandomCrop(MinIoURandomCrop):
    """mmdet's ``MinIoURandomCrop`` as a geometry.

    Same arguments, the same draws from numpy's global random state and the
    same accepted patch: each IoU mode's up to 50 trials are drawn ahead
    from a saved state and tested together with a float32 numpy IoU that
    rounds like mmdet's torch ``bbox_overlaps``; the state then returns to
    where mmdet's trials up to the accepted one leave it. (mmdet runs a
    torch IoU per trial, ~60 per image: most of its 12 ms per image.)

    Required Keys:

    - img_shape
    - gt_bboxes (BaseBoxes[torch.float32])
    - gt_bboxes_labels (np.int64) (optional)
    - gt_ignore_flags (bool) (optional)
    - geometry (optional; identity of ``img_shape`` when absent)

    Modified Keys:

    - img_shape
    - gt_bboxes
    - gt_bboxes_labels
    - gt_ignore_flags

    Added Keys:

    - geometry
    """

    @autocast_box_type()
    def transform(self, results: dict) -> dict:
        assert 'gt_bboxes' in results, '`gt_bboxes` is not found in results'
        refuse_pixel_maps(results, self)
        h, w = results['img_shape']
        boxes = results['gt_bboxes']
        corners = boxes.tensor.numpy()
        while True:
            mode = self._random_mode()
            self.mode = mode
            if mode == 1:
                return results
            found = self._sample_patch(corners, h, w, mode)
            if found is not None:
                break
        patch, mask = found
        if mask is not None:  # mmdet leaves an empty box set untouched
            boxes = boxes[mask]
            boxes.translate_([-patch[0], -patch[1]])
            if self.bbox_clip_border:
                boxes.clip_([patch[3] - patch[1], patch[2] - patch[0]])
            results['gt_bboxes'] = boxes
            for key in ('gt_ignore_flags', 'gt_bboxes_labels'):
                if results.get(key, None) is not None:
                    results[key] = results[key][mask]
        # The size numpy's slice img[y0:y1, x0:x1] would have.
        rows, cols = range(h)[patch[1]:patch[3]], range(w)[patch[0]:patch[2]]
        compose(
            results,
            crop((h, w), int(patch[0]), int(patch[1]), (len(rows), len(cols))))
        return results

    def _sample_patch(self, corners: np.ndarray, h: int, w: int,
                      min_iou: float):
        """One IoU mode: mmdet's first accepted patch (int64 ``x0, y0, x1,
        y1``) and the boolean mask of the boxes whose centres it holds (None
        without boxes), or None when all trials fail; numpy's global state
        ends where mmdet's would."""
        bookmark = RandomStateBookmark()
        doubles = np.random.random_sample(4 * CROP_TRIALS)
        patches, used, total = crop_trials(doubles, h, w, self.min_crop_size)
        accepted, mask = first_accepted(patches, corners, min_iou)
        consumed = total if accepted is None else int(used[accepted])
        if consumed < len(doubles):  # advance only past mmdet's draws
            bookmark.restore()
            np.random.random_sample(consumed)
        return None if accepted is None else (patches[accepted], mask)


@TRANSFORMS.register_module()
class LazyResize(Resize):
    """mmdet's ``Resize`` as a geometry (``cv2.resize`` INTER_LINEAR, what
    the materialisers reproduce): same arguments and keys; only
    ``backend='cv2'`` with ``interpolation='bilinear'``.

    Required Keys:

    - img_shape
    - geometry (optional; identity of ``img_shape`` when absent)
    - gt_bboxes (BaseBoxes[torch.float32]) (optional)

    Modified Keys:

    - img_shape
    - gt_bboxes

    Added Keys:

    - geometry
    - scale
    - scale_factor
    - keep_ratio
    - homography_matrix
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.backend != 'cv2' or self.interpolation != 'bilinear':
            raise ValueError(
                f"{type(self).__name__} reproduces cv2's bilinear resize "
                f"only, got backend='{self.backend}', interpolation="
                f"'{self.interpolation}'")

    @autocast_box_type()
    def transform(self, results: dict) -> dict:
        refuse_pixel_maps(results, self)
        h, w = results['img_shape']
        if self.scale:
            results['scale'] = self.scale
        else:
            results['scale'] = _scale_size((w, h), self.scale_factor)
        if self.keep_ratio:  # as mmcv.imrescale sizes it
            new_w, new_h = mmcv.rescale_size((w, h), results['scale'])
        else:
            new_w, new_h = results['scale']
        compose(results, resize((h, w), (new_h, new_w)))
        results['scale_factor'] = (new_w / w, new_h / h)
        results['keep_ratio'] = self.keep_ratio
        self._resize_bboxes(results)
        self._record_homography_matrix(results)
        return results


@TRANSFORMS.register_module()
class LazyRandomFlip(RandomFlip):
    """mmdet's ``RandomFlip`` as a geometry: same arguments, draws and keys.

    Required Keys:

    - img_shape
    - geometry (optional; identity of ``img_shape`` when absent)
    - gt_bboxes (BaseBoxes[torch.float32]) (optional)

    Modified Keys:

    - gt_bboxes

    Added Keys:

    - geometry
    - flip
    - flip_direction
    - homography_matrix (when flipped)
    """

    @autocast_box_type()
    def _flip(self, results: dict) -> None:
        refuse_pixel_maps(results, self)
        shape, direction = results['img_shape'], results['flip_direction']
        step = flip(shape, direction)
        compose(results, step)
        if results.get('gt_bboxes', None) is not None:
            results['gt_bboxes'].flip_(shape, direction)
        # A flip is its own inverse: the output -> source matrix is also
        # mmdet's source -> output homography.
        record_homography(results, step.affine)
