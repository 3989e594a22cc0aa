"""mmdet 3.3's MinIoURandomCrop trials, vectorised: the same draws from
numpy's global random state, the same float32 IoU decisions, all 50 trials
of an IoU mode at once (:class:`.lazy_geometry.LazyMinIoURandomCrop`)."""
import ctypes
import functools
from typing import Optional, Tuple

import numpy as np

# mmdet's MinIoURandomCrop tries this many patches per drawn IoU mode.
CROP_TRIALS = 50


def crop_trials(doubles: np.ndarray, h: int, w: int,
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


def first_accepted(
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


class RandomStateBookmark:
    """numpy's global random state now, to return to after drawing ahead.

    ``np.random.get_state``/``set_state`` convert MT19937's 2.5 kB state to
    and from Python objects (~60 us each on the 2-core development machine,
    more than the rest of a mode's trials); copying the state struct
    through the bit generator's public ctypes address costs ~1 us. The copy
    is used where the struct has the layout above (checked once per
    process), get_state/set_state elsewhere.
    """

    def __init__(self):
        self._address = mt19937_state_address()
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


def mt19937_state_address() -> Optional[int]:
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
