"""Geometry as data: where each output pixel comes from in the source.

The compressed-domain pipeline does not move pixels transform by transform:
EXIF orientation, Expand, crop, resize and flip only compose a
:class:`Geometry`, boxes follow it through :meth:`Geometry.map_boxes`, and
``resample.materialize`` resamples the coefficients once at the end.

Coordinates are continuous, with pixel ``i`` centred at ``i + 0.5``. The
``matrix`` maps an *output* point to a *source* point. What a geometry means
for pixels (the semantics ``resample.materialize`` reproduces):

* the virtual source image ``V`` is the source inside its true size
  (``src_size``; MCU padding is outside), and outside it ``fill`` when one is
  given, else the nearest edge pixel;
* output pixel ``(y, x)`` is the bilinear (2 taps per axis) interpolation of
  ``V`` at ``matrix @ (x + 0.5, y + 0.5, 1)``, with the tap indices clamped
  into the pixels of ``window`` when there is one, exactly as
  ``cv2.resize(INTER_LINEAR)`` clamps its taps at the edges of its input.

With ``fill`` None and no window this is ``cv2.resize`` of the source; after
Expand and a crop the window is the crop (the resize input), which may reach
into the fill.
"""
import math
from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np

Size = Tuple[int, int]
Box = Tuple[float, float, float, float]

FLIP_DIRECTIONS = ('horizontal', 'vertical', 'diagonal')


@dataclass(frozen=True)
class Geometry:
    """An output image as a map into its source image.

    Args:
        matrix: ``(a, b, c, d, e, f)``: output point ``(x, y)`` comes from
            source point ``(a x + b y + c, d x + e y + f)``.
        out_size: output ``(h, w)``.
        src_size: the source's true ``(h, w)``.
        fill: RGB colour (0-255) outside the source; None: edge pixels.
        window: ``(x0, y0, x1, y1)`` in source coordinates: interpolation
            taps are clamped into the pixels it covers; None: no clamp.
    """
    matrix: Tuple[float, float, float, float, float, float]
    out_size: Size
    src_size: Size
    fill: Optional[Tuple[float, float, float]] = None
    window: Optional[Box] = None

    def __post_init__(self):
        set_field = object.__setattr__
        set_field(self, 'matrix', tuple(float(v) for v in self.matrix))
        if len(self.matrix) != 6:
            raise ValueError(f'matrix needs 6 entries, got {self.matrix}')
        for name in ('out_size', 'src_size'):
            size = tuple(int(v) for v in getattr(self, name))
            if len(size) != 2 or min(size) < 1:
                raise ValueError(f'{name} must be (h, w) >= 1, got {size}')
            set_field(self, name, size)
        if self.fill is not None:
            set_field(self, 'fill', tuple(float(v) for v in self.fill))
        if self.window is not None:
            set_field(self, 'window', tuple(float(v) for v in self.window))

    @property
    def affine(self) -> np.ndarray:
        """The 3x3 homogeneous matrix (output -> source)."""
        return np.array([self.matrix[:3], self.matrix[3:], [0, 0, 1]],
                        dtype=np.float64)

    @property
    def transposed(self) -> bool:
        """True when output x comes from source y (90/270 degree turns,
        transposes)."""
        a, b, _, d, e, _ = self.matrix
        return a == 0 and e == 0 and b != 0 and d != 0

    @property
    def axis_aligned(self) -> bool:
        """True when the linear part is diagonal or anti-diagonal."""
        a, b, _, d, e, _ = self.matrix
        return (b == 0 and d == 0 and a != 0 and e != 0) or self.transposed

    @property
    def exact(self) -> bool:
        """True when every output pixel is a source pixel (or outside): a
        permutation/translation with no interpolation."""
        if not self.axis_aligned:
            return False
        a, b, c, d, e, f = self.matrix
        return (all(abs(v) in (0.0, 1.0) for v in (a, b, d, e))
                and _is_integer(c) and _is_integer(f))

    @property
    def scale_factor(self) -> Tuple[float, float]:
        """``(w_scale, h_scale)``: output pixels per source pixel along the
        output x and y axes, as mmdet's ``scale_factor``."""
        self._check_axis_aligned()
        a, b, _, d, e, _ = self.matrix
        if self.transposed:
            return 1 / abs(d), 1 / abs(b)
        return 1 / abs(a), 1 / abs(e)

    def then(self, other: 'Geometry') -> 'Geometry':
        """This geometry followed by ``other`` (whose source is this output).

        Raises ValueError when the pair has no exact single-resample form:
        two interpolating maps, or fill/edge pixels around an interpolated
        image or a crop.
        """
        if other.src_size != self.out_size:
            raise ValueError(f'cannot follow an output of size '
                             f'{self.out_size} by a geometry of source size '
                             f'{other.src_size}')
        matrix = _to_tuple(self.affine @ other.affine)
        reads_outside = other._reads_outside()
        if other.exact and not reads_outside:
            # ``other`` only selects pixels of this output.
            return Geometry(matrix, other.out_size, self.src_size, self.fill,
                            self.window)
        if not self.exact:
            raise ValueError('the composition is not a single exact resample '
                             '(interpolation after interpolation, or fill '
                             'around an interpolated image)')
        # This geometry only moves source pixels: ``other``'s taps are
        # source pixels, and its clamp window maps into the source.
        window = other.window
        if other.fill is None:  # ``other`` clamps at its source's edges
            window = _intersect(window, (0, 0) + other.src_size[::-1])
        window = _intersect(self._map_box(window), self.window)
        if window is not None and (window[0] >= window[2]
                                   or window[1] >= window[3]):
            raise ValueError('the composed clamp window is empty')
        fill = self.fill
        source = (0, 0) + self.src_size[::-1]
        if other.fill is not None and reads_outside:
            covered = self._map_box((0, 0) + self.out_size[::-1])
            if _intersect(covered, source) != source:
                raise ValueError('fill around a crop of the source is not '
                                 'representable')
            if covered != source and self.fill != other.fill:
                raise ValueError('two different fills do not compose')
            fill = other.fill
        if fill is None and _intersect(window, source) == source:
            window = None  # clamping at the source edges already
        return Geometry(matrix, other.out_size, self.src_size, fill, window)

    def inverse(self) -> 'Geometry':
        """The inverse map (source -> output) as a geometry. A coordinate map:
        ``fill`` and ``window`` do not invert and are dropped."""
        a, b, c, d, e, f = self.matrix
        det = a * e - b * d
        if det == 0:
            raise ValueError(f'singular matrix {self.matrix}')
        ia, ib, id_, ie = e / det, -b / det, -d / det, a / det
        return Geometry((ia, ib, -(ia * c + ib * f), id_, ie,
                         -(id_ * c + ie * f)), self.src_size, self.out_size)

    def map_boxes(self, boxes: np.ndarray) -> np.ndarray:
        """Boxes ``(N, 4)`` ``x1, y1, x2, y2`` in source coordinates to
        output coordinates (``x1 <= x2``, ``y1 <= y2`` kept)."""
        self._check_axis_aligned()
        boxes = np.asarray(boxes)
        dtype = boxes.dtype if boxes.dtype.kind == 'f' else np.float64
        out = _transform_boxes(self.inverse().affine, boxes)
        return out.reshape(boxes.shape).astype(dtype)

    def _check_axis_aligned(self):
        if not self.axis_aligned:
            raise ValueError(f'only axis-aligned geometries (diagonal or '
                             f'anti-diagonal linear part) are supported, got '
                             f'matrix {self.matrix}')

    def _map_box(self, box: Optional[Box]) -> Optional[Box]:
        """An output-coordinate rectangle in source coordinates."""
        if box is None:
            return None
        self._check_axis_aligned()
        return tuple(float(v) for v in _transform_boxes(self.affine, box)[0])

    def _reads_outside(self) -> bool:
        """Whether an interpolation tap (clamped into ``window`` when there
        is one) falls outside the source."""
        self._check_axis_aligned()
        h, w = self.out_size
        span = self._map_box((0.5, 0.5, w - 0.5, h - 0.5))
        reach = 0 if self.exact else 1
        src_h, src_w = self.src_size
        for axis, size in ((0, src_w), (1, src_h)):
            lo = math.floor(span[axis] - 0.5)
            hi = math.floor(span[axis + 2] - 0.5) + reach
            if self.window is not None:
                first, last = window_pixels(self.window[axis],
                                            self.window[axis + 2])
                lo, hi = min(max(lo, first), last), min(max(hi, first), last)
            if lo < 0 or hi > size - 1:
                return True
        return False


def window_pixels(start: float, stop: float) -> Tuple[int, int]:
    """First and last pixel index a window ``[start, stop)`` touches."""
    return math.floor(start + 1e-9), math.ceil(stop - 1e-9) - 1


def identity(size: Size) -> Geometry:
    """The source unchanged."""
    return Geometry((1, 0, 0, 0, 1, 0), size, size)


def resize(src_size: Size, out_size: Size) -> Geometry:
    """``cv2.resize(INTER_LINEAR)`` / mmdet ``Resize`` from ``src_size`` to
    ``out_size`` (both ``(h, w)``): source index ``(i + 0.5) * in / out -
    0.5``, taps clamped at the source edges."""
    (in_h, in_w), (out_h, out_w) = src_size, out_size
    return Geometry((in_w / out_w, 0, 0, 0, in_h / out_h, 0), out_size,
                    src_size)


def crop(src_size: Size, left: int, top: int, out_size: Size,
         fill: Optional[Tuple[float, float, float]] = None) -> Geometry:
    """Output pixel ``(y, x)`` is source pixel ``(y + top, x + left)``.

    Negative offsets or a larger size reach outside the source, which is
    ``fill`` (or edge pixels): mmdet's ``Expand`` is
    ``crop(src, -left, -top, canvas_size, mean)``.
    """
    if int(left) != left or int(top) != top:
        raise ValueError(f'crop offsets must be integers, got {left}, {top}')
    return Geometry((1, 0, left, 0, 1, top), out_size, src_size, fill)


def flip(size: Size, direction: str = 'horizontal') -> Geometry:
    """mmdet ``RandomFlip``: mirror an image of ``size`` about its centre
    ('horizontal', 'vertical' or 'diagonal' = both)."""
    if direction not in FLIP_DIRECTIONS:
        raise ValueError(f'direction must be one of {FLIP_DIRECTIONS}, got '
                         f'{direction!r}')
    h, w = size
    sx = -1 if direction in ('horizontal', 'diagonal') else 1
    sy = -1 if direction in ('vertical', 'diagonal') else 1
    return Geometry((sx, 0, w if sx < 0 else 0, 0, sy, h if sy < 0 else 0),
                    size, size)


def orientation_geometry(orientation: int, stored_h: int,
                         stored_w: int) -> Geometry:
    """The upright image of EXIF ``orientation`` (1-8; what cv2.imdecode
    shows) as a map into the stored, unrotated pixels of size
    ``stored_h x stored_w``."""
    h, w = stored_h, stored_w
    matrices = {
        1: (1, 0, 0, 0, 1, 0),
        2: (-1, 0, w, 0, 1, 0),  # mirrored horizontally
        3: (-1, 0, w, 0, -1, h),  # rotated 180
        4: (1, 0, 0, 0, -1, h),  # mirrored vertically
        5: (0, 1, 0, 1, 0, 0),  # transposed
        6: (0, 1, 0, -1, 0, h),  # stored rotated 90 CCW: turn 90 CW
        7: (0, -1, w, -1, 0, h),  # transversed
        8: (0, -1, w, 1, 0, 0),  # stored rotated 90 CW: turn 90 CCW
    }
    if orientation not in matrices:
        raise ValueError(f'EXIF orientation must be 1-8, got {orientation}')
    out_size = (w, h) if orientation > 4 else (h, w)
    return Geometry(matrices[orientation], out_size, (h, w))


def _is_integer(value: float) -> bool:
    return abs(value - round(value)) < 1e-9


def _transform_boxes(affine: np.ndarray, boxes) -> np.ndarray:
    """Axis-aligned boxes ``(..., 4)`` through ``affine``, as min/max."""
    corners = np.asarray(boxes, np.float64).reshape(-1, 2, 2)
    mapped = corners @ affine[:2, :2].T + affine[:2, 2]
    return np.concatenate([mapped.min(axis=1), mapped.max(axis=1)], 1)


def _to_tuple(affine: np.ndarray) -> tuple:
    return tuple(float(v) for v in affine[:2].ravel())


def _intersect(a: Optional[Box], b: Optional[Box]) -> Optional[Box]:
    if a is None or b is None:
        return b if a is None else a
    return (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]),
            min(a[3], b[3]))
