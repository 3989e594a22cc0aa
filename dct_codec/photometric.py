"""MMDetection's ``PhotoMetricDistortion`` as maps on block-DCT planes.

The planes are level-shifted YCbCr block-DCT coefficients (JFIF colour
matrix, :data:`RGB_TO_YCBCR`): Y on its grid and Cb/Cr on the 4:2:0 grid
(half each side) or on Y's own grid (4:4:4), as the materialiser outputs
them. The maps apply mmdet 3.3's steps in its order, each only when drawn:

1. brightness ``img += delta``;
2. contrast ``img *= alpha`` (about 0, not the mean) when
   ``contrast_first`` (mmdet's ``mode == 1``; its comment has the modes the
   other way round, its code does this);
3. BGR -> HSV (OpenCV, float), saturation ``S *= beta`` (clipped to <= 1
   only when ``beta > 1``), hue ``H += gamma`` (wrapped), HSV -> BGR;
4. contrast when not ``contrast_first``;
5. channel permutation ``img = img[..., swap]`` (BGR indices).

No clipping anywhere else: the images stay unclamped floats, as in mmdet.

Two modes:

* ``'mmdet'``: mmdet's op, exactly where the algebra allows. Brightness and
  contrast are exact (``Y_DC += 8 delta``; ``Y, Cb, Cr *= alpha`` with
  ``Y_DC += 8 * 128 (alpha - 1)``). The HSV step and the swap are computed
  per pixel on **the luma grid**: Y is inverse-transformed, the chroma is
  brought to the luma grid by the centre-sited linear x2 upsample (weights
  3/4 and 1/4, edge replicated: ``cv2.resize(INTER_LINEAR)`` x2 and
  libjpeg's "fancy" upsampling), OpenCV's float HSV round trip is evaluated
  on those RGB pixels (including its quirks: the ``S <= 1`` clip and the
  reflection ``c' = 2 V - c`` of pixels whose max channel V is negative),
  the luma change is added to Y as is, the chroma change is averaged over
  each 2x2 luma block (the 4:2:0 encoder's downsample) and added to the
  chroma planes, and everything is transformed back. So the result is
  decode -> mmdet's op -> encode with those two chroma filters: exact in
  4:4:4; in 4:2:0 the HSV step's luma change is exact and its chroma change
  ``dC`` is off by its resampling (``(U B - I) dC``; see
  ``tools/analysis_tools/photometric_rms.py``). Evaluating the step at
  chroma resolution and upsampling the luma change would touch 4x fewer
  pixels, but it cannot see V (the clip for factors above 1, the
  reflection) and errs in luma too.
  The HSV round trip runs only when saturation or hue is drawn or the
  brightness is negative: otherwise it is the identity on any image whose
  pixels are >= 0 (mmdet's uint8 input), so skipping it is exact there.
* ``'ycbcr'``: a cheaper, luma-preserving augmentation, linear and
  coefficient-wise (no transform, no upsample): brightness and contrast as
  above, saturation ``Cb, Cr *= beta``, hue a rotation of (Cb, Cr) by
  ``theta = gamma`` degrees (the direction of increasing HSV hue), swap the
  chroma 2x2 part of ``T = M P M^-1`` only.

The pixel-domain part, :func:`apply_pixels`, is written once against an
array namespace ``xp`` (numpy here; the device-side materialiser passes
torch), so both backends apply the same arithmetic.
"""
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

import numpy as np

from .blockdct import BLOCK, dct_matrix

MODES = ('mmdet', 'ycbcr')

# JFIF: (Y, Cb - 128, Cr - 128) = RGB_TO_YCBCR @ (R, G, B); the chroma rows
# sum to 0 and the luma row to 1.
RGB_TO_YCBCR = np.array([[0.299, 0.587, 0.114],
                         [-0.168736, -0.331264, 0.5],
                         [0.5, -0.418688, -0.081312]])
YCBCR_TO_RGB = np.linalg.inv(RGB_TO_YCBCR)
# OpenCV's float HSV conversion adds FLT_EPSILON to its denominators.
FLT_EPSILON = float(np.finfo(np.float32).eps)
# As Python floats, for any array namespace.
_RGB_TO_YCBCR = RGB_TO_YCBCR.tolist()
_YCBCR_TO_RGB = YCBCR_TO_RGB.tolist()

_K = np.kron(dct_matrix(), dct_matrix())


@dataclass(frozen=True)
class PhotometricParams:
    """One draw of ``PhotoMetricDistortion``: None for the steps not
    applied.

    Attributes:
        mode: 'mmdet' or 'ycbcr' (see the module docstring).
        brightness: ``delta`` added to every channel.
        contrast: ``alpha`` multiplying every channel (about 0).
        contrast_first: contrast before the HSV step (mmdet's ``mode ==
            1``), else after it.
        saturation: ``beta`` multiplying HSV saturation.
        hue: ``gamma`` added to HSV hue, in degrees.
        swap: mmdet's ``swap_value``, the new BGR channel order
            (``img[..., swap]``).
    """
    mode: str = 'mmdet'
    brightness: Optional[float] = None
    contrast: Optional[float] = None
    contrast_first: bool = False
    saturation: Optional[float] = None
    hue: Optional[float] = None
    swap: Optional[Tuple[int, int, int]] = None

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f'mode must be one of {MODES}, got '
                             f'{self.mode!r}')
        set_field = object.__setattr__
        for name in ('brightness', 'contrast', 'saturation', 'hue'):
            value = getattr(self, name)
            if value is not None:
                set_field(self, name, float(value))
        set_field(self, 'contrast_first', bool(self.contrast_first))
        if self.swap is not None:
            swap = tuple(int(i) for i in self.swap)
            if sorted(swap) != [0, 1, 2]:
                raise ValueError(f'swap must be a permutation of (0, 1, 2),'
                                 f' got {self.swap}')
            set_field(self, 'swap', swap)

    @classmethod
    def from_mmdet_draw(cls, draw: Sequence, mode: str = 'mmdet'):
        """From the tuple mmdet's ``PhotoMetricDistortion._random_flags``
        returns: ``(mode, brightness_flag, contrast_flag, saturation_flag,
        hue_flag, swap_flag, delta, alpha, beta, gamma, swap)``."""
        (order, brightness_flag, contrast_flag, saturation_flag, hue_flag,
         swap_flag, delta, alpha, beta, gamma, swap) = draw
        return cls(
            mode=mode,
            brightness=delta if brightness_flag else None,
            contrast=alpha if contrast_flag else None,
            contrast_first=order == 1,
            saturation=beta if saturation_flag else None,
            hue=gamma if hue_flag else None,
            swap=tuple(swap) if swap_flag else None)

    @property
    def needs_pixels(self) -> bool:
        """Whether the map needs the pixel domain ('mmdet' with an HSV step
        that can change pixels, or a swap); else it is coefficient-wise
        (:func:`linear_map`)."""
        return self.mode == 'mmdet' and (self.hsv_step or
                                         self.swap is not None)

    @property
    def hsv_step(self) -> bool:
        """Whether mmdet's HSV round trip can change a pixel >= 0."""
        return (self.saturation is not None or self.hue is not None
                or (self.brightness is not None and self.brightness < 0))


def swap_matrix(swap: Sequence[int]) -> np.ndarray:
    """``T = M P M^-1``: mmdet's channel permutation (``img[..., swap]`` of
    a BGR image) on (Y, Cb - 128, Cr - 128). Its first column is exactly (1,
    0, 0): a permutation keeps grey grey."""
    permutation = np.zeros((3, 3))
    for new, old in enumerate(swap):  # BGR indices -> RGB rows/columns
        permutation[2 - new, 2 - old] = 1
    matrix = RGB_TO_YCBCR @ permutation @ YCBCR_TO_RGB
    matrix[:, 0] = (1, 0, 0)
    return matrix


def hue_rotation(gamma: float) -> np.ndarray:
    """The (Cb, Cr) rotation of 'ycbcr' mode's hue step: ``gamma`` degrees
    towards increasing HSV hue (red -> green -> blue)."""
    theta = np.deg2rad(gamma)
    return np.array([[np.cos(theta), -np.sin(theta)],
                     [np.sin(theta), np.cos(theta)]])


def linear_map(params: PhotometricParams
               ) -> Tuple[float, float, np.ndarray]:
    """The map as ``(a, b, A)`` with ``Y' = a Y + b`` (level-shifted; on
    coefficients: ``Y *= a``, ``Y_DC += 8 b``) and ``(Cb', Cr') = A (Cb,
    Cr)``: the whole of 'ycbcr' mode, and of 'mmdet' mode when
    ``not params.needs_pixels``."""
    if params.needs_pixels:
        raise ValueError('this map needs the pixel domain (apply_pixels)')
    a, b, chroma = 1.0, 0.0, np.eye(2)
    if params.brightness is not None:
        b += params.brightness
    alpha = params.contrast
    if alpha is not None and params.contrast_first:
        a, b, chroma = alpha * a, alpha * (b + 128) - 128, alpha * chroma
    if params.saturation is not None:
        chroma = params.saturation * chroma
    if params.hue is not None:
        chroma = hue_rotation(params.hue) @ chroma
    if alpha is not None and not params.contrast_first:
        a, b, chroma = alpha * a, alpha * (b + 128) - 128, alpha * chroma
    if params.swap is not None:
        chroma = swap_matrix(params.swap)[1:, 1:] @ chroma
    return a, b, chroma


def apply_photometric(y: np.ndarray, cb: np.ndarray, cr: np.ndarray,
                      params: Optional[PhotometricParams]
                      ) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Apply ``params`` to block-DCT planes.

    Args:
        y: ``(2 R, 2 C, 64)`` (4:2:0) or ``(R, C, 64)`` (4:4:4)
            raster-order coefficients of the level-shifted luma.
        cb, cr: ``(R, C, 64)``, same layout.
        params: the draw; None returns the planes unchanged.

    Returns:
        ``(y, cb, cr)`` float (float64 for float64 input, else float32).
        Every block is mapped: blocks standing for whole-MCU padding, which
        a reader returns as zeros, must be zeroed again by the caller (the
        materialiser does).
    """
    _check_grids(y.shape[:2], cb.shape[:2], cr.shape[:2])
    dtype = np.result_type(y.dtype, np.float32)
    if params is None:
        return tuple(np.asarray(p, dtype) for p in (y, cb, cr))
    if params.needs_pixels:
        planes = apply_pixels(_idct(y), _idct(cb), _idct(cr), params)
        return tuple(_dct(p).astype(dtype, copy=False) for p in planes)
    a, b, chroma = linear_map(params)
    y = np.array(y, np.float64) * a
    y[..., 0] += BLOCK * b
    cb, cr = np.asarray(cb, np.float64), np.asarray(cr, np.float64)
    return (y.astype(dtype, copy=False),
            (chroma[0, 0] * cb + chroma[0, 1] * cr).astype(dtype,
                                                           copy=False),
            (chroma[1, 0] * cb + chroma[1, 1] * cr).astype(dtype,
                                                           copy=False))


def apply_pixels(y, cb, cr, params: PhotometricParams, xp=np):
    """Apply ``params`` to level-shifted pixel planes: ``y`` ``(H, W)``,
    ``cb``/``cr`` ``(H/2, W/2)`` (4:2:0) or ``(H, W)``; ``xp`` is the array
    namespace (numpy or torch; arrays of that kind, floating point).
    Returns new ``(y, cb, cr)``."""
    half = cb.shape[0] * 2 == y.shape[0] and cb.shape[0] != y.shape[0]
    up = (lambda plane: upsample2(plane, xp)) if half else (lambda p: p)
    down = downsample2 if half else (lambda plane: plane)
    if params.brightness is not None:
        y = y + params.brightness
    alpha = params.contrast
    if alpha is not None and params.contrast_first:
        y, cb, cr = alpha * (y + 128) - 128, alpha * cb, alpha * cr
    if params.mode == 'mmdet' and params.hsv_step:
        d_y, d_cb, d_cr = hsv_change(y, up(cb), up(cr), params.saturation,
                                     params.hue, xp)
        y, cb, cr = y + d_y, cb + down(d_cb), cr + down(d_cr)
    elif params.mode == 'ycbcr':
        chroma = np.eye(2)
        if params.saturation is not None:
            chroma = params.saturation * chroma
        if params.hue is not None:
            chroma = hue_rotation(params.hue) @ chroma
        cb, cr = _mix(chroma, cb, cr)
    if alpha is not None and not params.contrast_first:
        y, cb, cr = alpha * (y + 128) - 128, alpha * cb, alpha * cr
    if params.swap is not None:
        matrix = swap_matrix(params.swap).tolist()
        if params.mode == 'mmdet':
            y = y + matrix[0][1] * up(cb) + matrix[0][2] * up(cr)
        cb, cr = _mix([row[1:] for row in matrix[1:]], cb, cr)
    return y, cb, cr


def hsv_change(y, cb, cr, saturation: Optional[float], hue: Optional[float],
               xp=np):
    """The change ``(dY, dCb, dCr)`` mmdet's HSV step (OpenCV's float
    BGR -> HSV, ``S *= saturation`` clipped to <= 1 when ``saturation >
    1``, ``H += hue`` wrapped, HSV -> BGR) makes to pixels given as
    level-shifted planes of one shape."""
    # Each channel is Y + d_c, d_c linear in (Cb, Cr) (YCBCR_TO_RGB's first
    # column is (1, 1, 1)): H, S's numerator and c' - c need only the d_c.
    m = _YCBCR_TO_RGB
    dr, dg, db = (m[i][1] * cb + m[i][2] * cr for i in range(3))
    top = xp.maximum(xp.maximum(dr, dg), db)
    diff = top - xp.minimum(xp.minimum(dr, dg), db)
    v = y + (128 + top)  # V, the max channel
    s = diff / (xp.abs(v) + FLT_EPSILON)
    scale = 60 / (diff + FLT_EPSILON)
    h = xp.where(top == dr, (dg - db) * scale,
                 xp.where(top == dg, (db - dr) * scale + 120,
                          (dr - dg) * scale + 240))
    if saturation is not None:
        s = s * saturation
        if saturation > 1:
            s = s.clip(max=1)  # s >= 0 already
    if hue is not None:
        h = h + hue
    # HSV -> RGB: channel n (5: R, 3: G, 1: B) is V - V S w((n + H / 60)
    # mod 6) with w(k) = clip(min(k, 4 - k), 0, 1), OpenCV's sector table
    # in closed form (for V < 0, V S = -range: the reflection OpenCV does).
    # So c' - c = (V - c) - V S w = (top - d_c) - V S w.
    sector = h / 60
    sector = sector - 6 * xp.floor(sector / 6)  # mod 6, without fmod
    vs = v * s
    change = []
    for n, d in ((5, dr), (3, dg), (1, db)):
        k = sector + n
        k = k - 6 * (k >= 6)
        change.append((top - d) - vs * xp.minimum(k, 4 - k).clip(0, 1))
    m = _RGB_TO_YCBCR
    return tuple(m[i][0] * change[0] + m[i][1] * change[1] +
                 m[i][2] * change[2] for i in range(3))


def upsample2(plane, xp=np):
    """Centre-sited linear x2 upsample of a 2-D plane (each output sample
    3/4 of its source and 1/4 of the next one out, edges replicated):
    ``cv2.resize(INTER_LINEAR)`` to twice the size, libjpeg's "fancy"
    upsampling in float."""
    for axis in (0, 1):
        first, last = _take(plane, slice(0, 1), axis), _take(
            plane, slice(-1, None), axis)
        before = xp.concatenate([first, _take(plane, slice(0, -1), axis)],
                                axis)
        after = xp.concatenate([_take(plane, slice(1, None), axis), last],
                               axis)
        pair = xp.stack([0.75 * plane + 0.25 * before,
                         0.75 * plane + 0.25 * after], axis + 1)
        shape = list(plane.shape)
        shape[axis] *= 2
        plane = pair.reshape(shape)
    return plane


def downsample2(plane):
    """Mean of each 2x2 block of a 2-D plane (the 4:2:0 encoder's
    downsample)."""
    return (plane[0::2, 0::2] + plane[1::2, 0::2] + plane[0::2, 1::2] +
            plane[1::2, 1::2]) * 0.25


def _take(plane, index, axis):
    return plane[index] if axis == 0 else plane[:, index]


def _mix(matrix, cb, cr):
    """``(cb, cr) <- matrix (cb, cr)``, with Python-float weights (any
    array kind)."""
    (a, b), (c, d) = np.asarray(matrix, np.float64).tolist()
    return a * cb + b * cr, c * cb + d * cr


def _check_grids(y_grid, cb_grid, cr_grid):
    if tuple(cb_grid) != tuple(cr_grid) or (
            tuple(y_grid) != tuple(cb_grid) and
            tuple(y_grid) != (2 * cb_grid[0], 2 * cb_grid[1])):
        raise ValueError(f'Y {tuple(y_grid)} and chroma {tuple(cb_grid)}/'
                         f'{tuple(cr_grid)} block grids are neither 4:2:0 '
                         'nor 4:4:4 aligned')


def _idct(blocks: np.ndarray) -> np.ndarray:
    """``(r, c, 64)`` -> float64 ``(8 r, 8 c)`` plane, one GEMM."""
    rows, cols = blocks.shape[:2]
    pixels = np.asarray(blocks, np.float64).reshape(-1, BLOCK * BLOCK) @ _K
    return pixels.reshape(rows, cols, BLOCK, BLOCK).transpose(
        0, 2, 1, 3).reshape(rows * BLOCK, cols * BLOCK)


def _dct(plane: np.ndarray) -> np.ndarray:
    """float64 ``(8 r, 8 c)`` plane -> ``(r, c, 64)``, one GEMM."""
    rows, cols = plane.shape[0] // BLOCK, plane.shape[1] // BLOCK
    pixels = plane.reshape(rows, BLOCK, cols, BLOCK).transpose(0, 2, 1, 3)
    return (pixels.reshape(-1, BLOCK * BLOCK) @ _K.T).reshape(
        rows, cols, BLOCK * BLOCK)
