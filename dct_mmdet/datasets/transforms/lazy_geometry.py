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
import ctypes
import functools
from typing import Optional, Sequence, Tuple

import cv2
import mmcv
import numpy as np
from mmcv.image.geometric import _scale_size
from mmcv.transforms import BaseTransform
from mmdet.datasets.transforms import (Expand, MinIoURandomCrop, RandomFlip,
                                       Resize)
from mmdet.structures.bbox import autocast_box_type

from dct_codec.geometry import (Geometry, crop, flip, identity, resize,
                                window_pixels)
from dct_mmdet.registry import TRANSFORMS

# mmdet's MinIoURandomCrop tries this many patches per drawn IoU mode.
CROP_TRIALS = 50
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
        bookmark = _Bookmark()
        doubles = np.random.random_sample(4 * CROP_TRIALS)
        patches, used, total = _crop_trials(doubles, h, w, self.min_crop_size)
        accepted, mask = _first_accepted(patches, corners, min_iou)
        consumed = total if accepted is None else int(used[accepted])
        if consumed < len(doubles):  # advance only past mmdet's draws
            bookmark.restore()
            np.random.random_sample(consumed)
        return None if accepted is None else (patches[accepted], mask)


def _crop_trials(doubles: np.ndarray, h: int, w: int,
                 min_crop_size: float) -> Tuple[np.ndarray, np.ndarray, int]:
    """Replay mmdet's 50 trials of one mode on the next uniform doubles of
    numpy's stream, all at once.

    ``np.random.uniform(low, high)`` is ``low + (high - low) * u`` for the
    next double ``u`` (checked by the tests); mmdet calls ``uniform(w -
    new_w)``, whose ``high`` defaults to 1.0, so ``left`` lies between ``w -
    new_w`` and 1, and truncates with ``int()``. A trial draws a pair
    (``new_w, new_h``) and, when its aspect ratio is in [0.5, 2], a second
    pair (``left, top``). Returns the int64 patches that reach mmdet's IoU
    test, the doubles drawn by the end of each, and the doubles all 50
    trials draw.
    """
    pairs = doubles.reshape(-1, 2)
    low_w, low_h = min_crop_size * w, min_crop_size * h
    new_w = low_w + (w - low_w) * pairs[:, 0]
    new_h = low_h + (h - low_h) * pairs[:, 1]
    ratio = new_h / new_w
    shaped = ~((ratio < 0.5) | (ratio > 2))
    # Which pair each trial starts at: a chain, short enough for Python.
    steps = (1 + shaped).tolist()
    starts, at = [], 0
    for _ in range(CROP_TRIALS):
        starts.append(at)
        at += steps[at]
    trials = np.array(starts)
    trials = trials[shaped[trials]]
    new_w, new_h = new_w[trials], new_h[trials]
    low_left, low_top = w - new_w, h - new_h
    left = low_left + (1.0 - low_left) * pairs[trials + 1, 0]
    top = low_top + (1.0 - low_top) * pairs[trials + 1, 1]
    patches = np.stack([left, top, left + new_w, top + new_h],
                       axis=1).astype(np.int64)
    # mmdet skips line and point crops.
    proper = (patches[:, 2] != patches[:, 0]) & \
        (patches[:, 3] != patches[:, 1])
    return patches[proper], 2 * (trials[proper] + 2), 2 * at


def _first_accepted(
        patches: np.ndarray, corners: np.ndarray,
        min_iou: float) -> Tuple[Optional[int], Optional[np.ndarray]]:
    """mmdet's tests on all trial patches at once: every box's IoU with the
    patch at least ``min_iou`` and some box centre strictly inside. Returns
    the first passing index (None: none) and its centre mask (None when
    there are no boxes: mmdet then takes the first patch as it is)."""
    if not len(patches):
        return None, None
    if not len(corners):
        return 0, None
    ious = overlaps_float32(patches.astype(np.float32), corners)
    # float32 IoUs against the float64 mode, as mmdet compares them.
    fits = ~(ious.min(axis=1) < min_iou)
    centres = (corners[:, :2] + corners[:, 2:]) / 2  # float32, as torch
    inside = ((centres[None, :, 0] > patches[:, None, 0]) &
              (centres[None, :, 1] > patches[:, None, 1]) &
              (centres[None, :, 0] < patches[:, None, 2]) &
              (centres[None, :, 1] < patches[:, None, 3]))
    passing = np.flatnonzero(fits & inside.any(axis=1))
    if not len(passing):
        return None, None
    return int(passing[0]), inside[passing[0]]


# MT19937's state struct: uint32 key[624], int pos.
_MT19937_STATE_BYTES = 624 * 4 + 4


class _Bookmark:
    """numpy's global random state now, to return to after drawing ahead.

    ``np.random.get_state``/``set_state`` convert MT19937's 2.5 kB state to
    and from Python objects (~60 us each on the 2-core development machine,
    more than the rest of a mode's trials); copying the state struct
    through the bit generator's public ctypes address costs ~1 us. The copy
    is used where the struct has the layout above (checked once per
    process), get_state/set_state elsewhere.
    """

    def __init__(self):
        self._address = _mt19937_state_address()
        if self._address is None:
            self._state = np.random.get_state()
        else:
            self._state = ctypes.create_string_buffer(_MT19937_STATE_BYTES)
            ctypes.memmove(self._state, self._address, _MT19937_STATE_BYTES)

    def restore(self) -> None:
        if self._address is None:
            np.random.set_state(self._state)
        else:
            ctypes.memmove(self._address, self._state, _MT19937_STATE_BYTES)


def _mt19937_state_address() -> Optional[int]:
    """The address of the global MT19937's state struct, or None when the
    global bit generator is another kind or the layout is not the known
    one."""
    get_bit_generator = getattr(np.random, 'get_bit_generator', None)
    bit_generator = None if get_bit_generator is None else \
        get_bit_generator()  # numpy >= 1.25
    if type(bit_generator) is not np.random.MT19937 or \
            not _mt19937_layout_known():
        return None
    return bit_generator.ctypes.state_address


@functools.lru_cache(maxsize=None)
def _mt19937_layout_known() -> bool:
    """Whether MT19937's state struct is ``key[624]`` then ``pos``."""
    probe = np.random.MT19937(0)
    probe.random_raw(3)  # a position other than 0
    state = probe.state['state']
    expected = state['key'].astype(np.uint32).tobytes() + np.array(
        state['pos'], np.int32).tobytes()
    return ctypes.string_at(probe.ctypes.state_address,
                            _MT19937_STATE_BYTES) == expected


def overlaps_float32(boxes1: np.ndarray, boxes2: np.ndarray) -> np.ndarray:
    """IoU ``(m, n)`` of float32 ``x1, y1, x2, y2`` boxes, operation by
    operation as mmdet's ``bbox_overlaps`` (mode 'iou', eps 1e-6) computes
    it in float32 torch, so the values are bit-identical."""
    area1 = (boxes1[:, 2] - boxes1[:, 0]) * (boxes1[:, 3] - boxes1[:, 1])
    area2 = (boxes2[:, 2] - boxes2[:, 0]) * (boxes2[:, 3] - boxes2[:, 1])
    lt = np.maximum(boxes1[:, None, :2], boxes2[None, :, :2])
    rb = np.minimum(boxes1[:, None, 2:], boxes2[None, :, 2:])
    wh = np.maximum(rb - lt, np.float32(0))
    overlap = wh[..., 0] * wh[..., 1]
    union = area1[:, None] + area2[None, :] - overlap
    return overlap / np.maximum(union, np.float32(1e-6))


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


@TRANSFORMS.register_module()
class MaterializeImage(BaseTransform):
    """Produce ``img`` from the loaded image and the sample's ``geometry``:
    the RGB materialiser of the lazy pipeline (the DCT one is
    ``DCTDataPreprocessor`` on the device). See :func:`materialize_image`.

    Put it after the Lazy* transforms and before anything that reads pixels
    (``PhotoMetricDistortion``, ``PackDetInputs``). ``geometry`` is consumed
    (removed), so later lazy transforms start from the new image.

    Required Keys:

    - img
    - geometry (optional: without it ``img`` is left as it is)

    Modified Keys:

    - img

    Removed Keys:

    - geometry

    Args:
        method (str): 'warp' (default): one ``cv2.warpAffine``, whose cost
            follows the output size (within 1/32 px of mmdet's pixels);
            'resize': mmdet's own ``cv2.resize`` on the window, bit-identical
            to mmdet's Expand -> MinIoURandomCrop -> Resize -> RandomFlip,
            at the cost of a window-sized buffer when it reaches into the
            fill.
        channel_order (str): 'bgr' (mmcv's default) or 'rgb': the order of
            ``img``'s channels, into which the RGB fill is written.
    """

    def __init__(self, method: str = 'warp', channel_order: str = 'bgr'):
        if method not in METHODS:
            raise ValueError(f'method must be one of {METHODS}, got '
                             f'{method!r}')
        if channel_order not in ('bgr', 'rgb'):
            raise ValueError(f"channel_order must be 'bgr' or 'rgb', got "
                             f'{channel_order!r}')
        self.method = method
        self.channel_order = channel_order

    def transform(self, results: dict) -> dict:
        geometry = results.pop('geometry', None)
        if geometry is not None:
            results['img'] = materialize_image(results['img'], geometry,
                                               self.method, self.channel_order)
        return results

    def __repr__(self):
        return (f"{type(self).__name__}(method='{self.method}', "
                f"channel_order='{self.channel_order}')")


METHODS = ('warp', 'resize')


def materialize_image(img: np.ndarray,
                      geometry: Geometry,
                      method: str = 'warp',
                      channel_order: str = 'bgr') -> np.ndarray:
    """``geometry``'s output image from its source image ``img`` (HWC or
    HW, any dtype OpenCV resamples), in ``img``'s dtype.

    The semantics are the geometry's (see :mod:`dct_codec.geometry`): fill
    outside the source, bilinear taps clamped into the window. Two ways:

    * 'warp': one ``cv2.warpAffine`` (INTER_LINEAR) from a view of the
      source pixels inside the window, with a constant border of the fill
      (or a replicated one, the clamp). Its cost follows the output size,
      whatever the Expand ratio. OpenCV rounds its positions to 1/32 px and
      its weights to 15 bits where ``cv2.resize`` uses exact positions and
      11-bit weights: a grey level here and there (57 dB or more against
      mmdet's SSD chain on the tests' photos).
    * 'resize': the lazy transforms' geometry is a ``cv2.resize`` of the
      window (filled outside the source) followed by integer crops, flips
      and turns, so this builds the window (a view, or ``copyMakeBorder``
      with the fill), resizes it and slices: the same uint8 operations on
      the same pixels as mmdet's transforms, so the same bytes, at the cost
      of building a window up to 16 times the image (Expand ratio 4).
      Raises ValueError for a geometry of no such form.
    """
    if method not in METHODS:
        raise ValueError(f'method must be one of {METHODS}, got {method!r}')
    if img.shape[:2] != geometry.src_size:
        raise ValueError(f'the geometry expects a {geometry.src_size} '
                         f'source, the image is {img.shape[:2]}')
    fill = geometry.fill
    if fill is not None:
        if img.ndim == 3 and channel_order == 'bgr':
            fill = fill[::-1]
        fill = np.asarray(fill if img.ndim == 3 else fill[0]).astype(
            img.dtype).tolist()
    if method == 'warp':
        return _warp(img, geometry, fill)
    return _resize_window(img, geometry, fill)


def _warp(img: np.ndarray, geometry: Geometry, fill) -> np.ndarray:
    """``materialize_image(method='warp')``."""
    src_h, src_w = img.shape[:2]
    out_h, out_w = geometry.out_size
    window = (0, 0, src_w - 1, src_h - 1)  # taps clamp at the source edges
    if geometry.window is not None:
        x_pixels = window_pixels(*geometry.window[0::2])
        y_pixels = window_pixels(*geometry.window[1::2])
        window = (x_pixels[0], y_pixels[0], x_pixels[1], y_pixels[1])
    x0, y0 = max(window[0], 0), max(window[1], 0)
    x1, y1 = min(window[2], src_w - 1), min(window[3], src_h - 1)
    if x0 > x1 or y0 > y1:  # the window lies in the fill only
        return np.full((out_h, out_w) + img.shape[2:], fill, img.dtype)
    region = img[y0:y1 + 1, x0:x1 + 1]
    a, b, c, d, e, f = geometry.matrix
    # Output pixel index -> region pixel index (centres at i + 0.5).
    matrix = np.array([[a, b, c + (a + b - 1) / 2 - x0],
                       [d, e, f + (d + e - 1) / 2 - y0]])
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    if fill is None:  # the window lies in the source: clamp = replicate
        return cv2.warpAffine(region,
                              matrix, (out_w, out_h),
                              flags=flags,
                              borderMode=cv2.BORDER_REPLICATE)
    if geometry.window is not None:
        # Past the source is the fill, but a window edge inside the source
        # clamps: one replicated pixel there where taps reach past it
        # (upscaling only).
        top, bottom = window[1] >= 0, window[3] < src_h
        left, right = window[0] >= 0, window[2] < src_w
        reach = _reach(matrix, out_w, out_h, region)
        pads = [
            int(r and i) for r, i in zip(reach, (top, bottom, left, right))
        ]
        if any(pads):
            region = cv2.copyMakeBorder(region, *pads, cv2.BORDER_REPLICATE)
            matrix[:, 2] += (pads[2], pads[0])
    return cv2.warpAffine(region,
                          matrix, (out_w, out_h),
                          flags=flags,
                          borderMode=cv2.BORDER_CONSTANT,
                          borderValue=fill)


def _reach(matrix: np.ndarray, out_w: int, out_h: int,
           region: np.ndarray) -> Tuple[bool, bool, bool, bool]:
    """Whether the taps of an output reach past the region's top, bottom,
    left and right edges (``copyMakeBorder``'s order)."""
    corners = np.array([[0, 0, 1], [out_w - 1, out_h - 1, 1]]) @ matrix.T
    low, high = corners.min(axis=0), corners.max(axis=0)
    last_x, last_y = region.shape[1] - 1, region.shape[0] - 1
    return low[1] < 0, high[1] > last_y, low[0] < 0, high[0] > last_x


def _resize_window(img: np.ndarray, geometry: Geometry, fill) -> np.ndarray:
    """``materialize_image(method='resize')``."""
    a, b, c, d, e, f = geometry.matrix
    window = geometry.window
    if geometry.transposed:  # read the transposed source
        img = np.swapaxes(img, 0, 1)
        a, c, e, f = d, f, b, c
        if window is not None:
            window = (window[1], window[0], window[3], window[2])
    src_h, src_w = img.shape[:2]
    out_h, out_w = geometry.out_size
    x_pixels, x_size, x_start, x_step = _axis_plan(a, c, out_w, src_w, window
                                                   and window[0::2], fill)
    y_pixels, y_size, y_start, y_step = _axis_plan(e, f, out_h, src_h, window
                                                   and window[1::2], fill)
    region = _window_region(img, x_pixels, y_pixels, fill)
    if (y_size, x_size) != region.shape[:2]:
        region = cv2.resize(region, (x_size, y_size),
                            interpolation=cv2.INTER_LINEAR)
    out = region[_span(y_start, y_step, out_h), _span(x_start, x_step, out_w)]
    if x_step > 0 and y_step > 0:
        return np.ascontiguousarray(out)
    # cv2.flip codes: 1 mirrors x, 0 mirrors y, -1 both; it copies fast
    # where numpy's copy of a reversed view is slow.
    return cv2.flip(out, 1 if y_step > 0 else 0 if x_step > 0 else -1)


def _axis_plan(scale: float, offset: float, n_out: int, n_src: int,
               window: Optional[Sequence[float]], fill):
    """One axis of ``_resize_window``: the source pixels ``(first, last)``
    of the window, the size it is resized to, and where the output starts
    in the resized window and which way it runs."""
    step = 1 if scale > 0 else -1
    size = abs(scale)
    if window is None:
        if size != 1 and fill is not None:
            raise ValueError('a resample reading the fill without a clamp '
                             'window is not one of cv2.resize')
        # The output's own footprint, or the whole source to clamp at.
        lo, hi = sorted((offset, offset + scale * n_out))
        pixels = window_pixels(lo, hi) if size == 1 else (0, n_src - 1)
    else:
        pixels = window_pixels(*window)
    resized = (pixels[1] - pixels[0] + 1) / size
    start = (offset - pixels[0]) / size - (0 if step > 0 else 1)
    if abs(resized - round(resized)) > 1e-6 or \
            abs(start - round(start)) > 1e-6:
        raise ValueError(f'the geometry is not a resize of a window of its '
                         f'source (an axis of scale {scale}, offset '
                         f'{offset} over pixels {pixels})')
    resized, start = int(round(resized)), int(round(start))
    last = start + step * (n_out - 1)
    if min(start, last) < 0 or max(start, last) >= resized:
        raise ValueError('the geometry reads outside its clamp window')
    return pixels, resized, start, step


def _window_region(img: np.ndarray, x_pixels: Tuple[int, int],
                   y_pixels: Tuple[int, int], fill) -> np.ndarray:
    """The window's pixels: a view of the source where it lies inside,
    else padded with the fill (or the edge pixels when there is none)."""
    src_h, src_w = img.shape[:2]
    x0, x1 = x_pixels
    y0, y1 = y_pixels
    pads = (max(-y0, 0), max(y1 - src_h + 1,
                             0), max(-x0, 0), max(x1 - src_w + 1, 0))
    if not any(pads):
        return img[y0:y1 + 1, x0:x1 + 1]
    if x1 < 0 or y1 < 0 or x0 >= src_w or y0 >= src_h:  # in the fill only
        shape = (y1 - y0 + 1, x1 - x0 + 1) + img.shape[2:]
        return np.full(shape, fill, img.dtype)
    inner = img[max(y0, 0):min(y1 + 1, src_h), max(x0, 0):min(x1 + 1, src_w)]
    if fill is None:
        return cv2.copyMakeBorder(inner, *pads, cv2.BORDER_REPLICATE)
    return cv2.copyMakeBorder(inner, *pads, cv2.BORDER_CONSTANT, value=fill)


def _span(start: int, step: int, count: int) -> slice:
    """The ``count`` indices from ``start`` in direction ``step``, in
    increasing order (the caller flips)."""
    first = start if step > 0 else start - count + 1
    return slice(first, first + count)
