"""Pipeline steps that put DCT coefficients into the results dict.

They set ``dct_y`` ``(h, w, 64)`` and ``dct_cb``/``dct_cr``
``(ceil(h/2), ceil(w/2), 64)`` int16 arrays (Y padded to twice the chroma
grid, see :func:`dct_codec.read_dct`; with ``chroma='native'`` the
file's own grids, e.g. ``(h, w, 64)`` each for 4:4:4) and ``dct_grayscale``.
"""
import logging
from typing import List, Optional

import mmcv
import mmengine.fileio as fileio
import numpy as np
from mmcv.transforms import BaseTransform
from mmengine.logging import print_log

from dct_codec import (DCTCoefficients, JPEGReadError, encode_jpeg, read_dct,
                       resolve_backend, resolve_max_pixels)
from dct_codec.exif import exif_orientation
from dct_codec.geometry import Geometry, orientation_geometry
from dct_codec.reader import native_reader
from dct_codec.lossless import LUMA_SAMPLING, orient_levels
from dct_mmdet.registry import TRANSFORMS

ON_ERROR = ('raise', 'skip')
# Images skipped in this process since the last sample that got through:
# they travel to the main process in that sample's metainfo
# ('skipped_images'), where SkippedImagesHook counts them.
_skipped: List[str] = []


def read_coefficients(data: bytes, name: str, backend: str, chroma: str,
                      max_pixels: Optional[int] = None) -> DCTCoefficients:
    """Y is padded to twice the chroma grid only for 4:2:0 chroma."""
    return read_dct(
        data, name=name, align=chroma == '420', backend=backend,
        chroma=chroma, max_pixels=max_pixels)


class SkipUnreadable:
    """``on_error='skip'`` for the transforms that read JPEGs: an image
    that cannot be read (a :class:`JPEGReadError` or an ``OSError``) is
    logged with its name and reason and the transform returns ``None``, so
    that mmengine's training dataset draws another index; ``'raise'``
    (default) lets the error stop the run. mmengine refuses ``None`` in
    test mode, so val/test datasets still stop on such a file (after the
    warning that names it)."""

    def _set_on_error(self, on_error: str) -> None:
        if on_error not in ON_ERROR:
            raise ValueError(f'on_error must be one of {ON_ERROR}, got '
                             f'{on_error!r}')
        self.on_error = on_error

    def __call__(self, results: dict) -> Optional[dict]:
        try:
            results = self.transform(results)
        except (JPEGReadError, OSError) as error:
            if self.on_error == 'raise':
                raise
            _skipped.append(str(error))
            print_log(f'skipped an unreadable image: {error}',
                      logger='current', level=logging.WARNING)
            return None
        if _skipped:
            results['skipped_images'] = results.get('skipped_images',
                                                    []) + _skipped
            _skipped.clear()
        return results


def store_coefficients(results: dict, coeffs: DCTCoefficients) -> None:
    results['dct_y'] = coeffs.y
    results['dct_cb'] = coeffs.cb
    results['dct_cr'] = coeffs.cr
    results['dct_grayscale'] = coeffs.grayscale


def source_name(results: dict) -> str:
    """The name errors give a sample: its path, or '<bytes>' for in-memory
    data."""
    return str(results.get('img_path') or '<bytes>')


def read_source(results: dict, backend_args: Optional[dict]):
    """The JPEG bytes of a sample and the name errors give it: in-memory
    data in ``results['img_bytes']`` (see
    :func:`dct_mmdet.apis.inference_dct_detector`) when set, else the file
    at ``img_path``."""
    name = source_name(results)
    data = results.get('img_bytes')
    if data is None:
        data = fileio.get(results['img_path'], backend_args=backend_args)
    return data, name


def store_geometry(results: dict, geometry: Geometry, subsampling: str,
                   quant: Optional[np.ndarray]) -> None:
    """Leave the ``dct_*`` planes as read and describe the network's input
    as ``geometry`` of them, for the data preprocessor to materialise on the
    model's device (see ``PackDCTInputs``): ``quant`` ``(components, 64)``
    tables when the planes are quantised levels, else None; ``subsampling``
    the planes' own layout."""
    results['geometry'] = geometry
    results['dct_subsampling'] = subsampling
    results['dct_quant'] = quant
    results['img_shape'] = geometry.out_size


@TRANSFORMS.register_module()
class LoadDCTFromFile(SkipUnreadable, BaseTransform):
    """Read the coefficients of the original file at ``img_path``, without
    decoding it.

    In-memory JPEG data in ``results['img_bytes']`` (see
    :func:`dct_mmdet.apis.inference_dct_detector`) is read instead of the
    file when set, so that bytes from a request need no temporary file.

    ``scale_factor`` is 1 (the network sees the stored size). A file that
    cannot give trustworthy coefficients (truncated, CMYK, not a JPEG, ...)
    raises :class:`dct_codec.JPEGReadError` naming it.

    The image comes out upright, as OpenCV (mmdet's ``LoadImageFromFile``)
    shows it: a file with an EXIF orientation other than 1 is turned
    losslessly in the DCT domain (sign flips and block permutations) when
    its MCU padding stays at the bottom/right, and otherwise carries the
    exact turn as a geometry that the data preprocessor materialises
    (``geometry``).

    Required Keys:

    - img_path (or img_bytes)

    Added Keys:

    - dct_y, dct_cb, dct_cr, dct_grayscale
    - img_shape, ori_shape, scale_factor
    - geometry, dct_subsampling, dct_quant (``lazy``, and turned files)
    - skipped_images (see :class:`SkipUnreadable`)

    Args:
        backend (str): coefficient reader, 'auto' (native when built, else
            jpeg2dct with one warning), 'native' or 'jpeg2dct'.
        backend_args (dict, optional): mmengine file backend arguments.
        chroma (str): '420' (chroma on the 4:2:0 grid) or 'native' (the
            file's own chroma grid, e.g. full resolution for a 4:4:4 file;
            native backend only).
        on_error (str): 'raise' or 'skip' (see :class:`SkipUnreadable`).
        max_pixels (int, optional): refuse files that declare more pixels
            (None: ``$DCT_CODEC_MAX_PIXELS`` or 178,956,970; 0: no limit).
        lazy (bool): keep the file's own quantised levels on their own
            grids (``chroma`` is then ignored) with their tables, and start
            a geometry (the EXIF orientation) that later transforms compose
            and the data preprocessor materialises on the model's device
            (the compressed-domain path; jpeg2dct gives dequantised 4:2:0
            planes instead). ``img_shape`` is the upright size.
    """

    def __init__(self,
                 backend: str = 'auto',
                 backend_args: Optional[dict] = None,
                 chroma: str = '420',
                 on_error: str = 'raise',
                 max_pixels: Optional[int] = None,
                 lazy: bool = False):
        self.backend = resolve_backend(backend)
        self.backend_args = backend_args
        self.chroma = chroma
        self._set_on_error(on_error)
        self.max_pixels = resolve_max_pixels(max_pixels)
        self.lazy = lazy

    def transform(self, results: dict) -> dict:
        data, name = read_source(results, self.backend_args)
        if self.lazy:
            return self._read_lazy(results, data, name)
        coeffs = read_coefficients(data, name, self.backend, self.chroma,
                                   self.max_pixels)
        store_coefficients(results, coeffs)
        results['img_shape'] = (coeffs.height, coeffs.width)
        orientation = exif_orientation(data)
        if orientation != 1:
            self._turn_upright(results, coeffs, orientation)
        results['ori_shape'] = results['img_shape']
        # The stored size is the network's: boxes need no rescaling.
        results['scale_factor'] = (1.0, 1.0)
        return results

    def _read_lazy(self, results: dict, data: bytes, name: str) -> dict:
        if self.backend == 'native':
            coeffs = native_reader(strict=True).read(
                data, name, align=False, chroma='native', dequantize=False,
                max_pixels=self.max_pixels)
            quant, subsampling = coeffs.quant_tables, coeffs.subsampling
        else:  # jpeg2dct: dequantised, chroma on the 4:2:0 grid
            coeffs = read_dct(data, name, backend='jpeg2dct',
                              max_pixels=self.max_pixels)
            quant = None
            subsampling = 'gray' if coeffs.grayscale else '4:2:0'
        if subsampling not in LUMA_SAMPLING:
            raise JPEGReadError(
                name, f'{subsampling} chroma sampling cannot be resampled',
                'layout')
        store_coefficients(results, coeffs)
        store_geometry(
            results,
            orientation_geometry(
                exif_orientation(data), coeffs.height, coeffs.width),
            subsampling, quant)
        results['ori_shape'] = results['img_shape']
        results['scale_factor'] = (1.0, 1.0)
        return results

    def _turn_upright(self, results: dict, coeffs: DCTCoefficients,
                      orientation: int) -> None:
        subsampling = coeffs.subsampling if self.chroma == 'native' else (
            'gray' if coeffs.grayscale else '4:2:0')
        exact = orientation_geometry(orientation, coeffs.height, coeffs.width)
        rows, cols = coeffs.y.shape[:2]
        if subsampling != 'gray':
            h, v = LUMA_SAMPLING[subsampling]
            rows, cols = v * coeffs.cb.shape[0], h * coeffs.cb.shape[1]
        canvas = orientation_geometry(orientation, 8 * rows, 8 * cols)
        if canvas.matrix == exact.matrix:  # the padding stays bottom/right
            y, cb, cr, _, _ = orient_levels(coeffs.y, coeffs.cb, coeffs.cr,
                                            None, subsampling, orientation)
            results['dct_y'] = y
            if cb is not None:
                results['dct_cb'], results['dct_cr'] = cb, cr
            else:  # gray: zero chroma on the turned 4:2:0 grid
                grid = (-(-y.shape[0] // 2), -(-y.shape[1] // 2), 64)
                results['dct_cb'] = np.zeros(grid, np.int16)
                results['dct_cr'] = np.zeros(grid, np.int16)
            results['img_shape'] = exact.out_size
        else:
            store_geometry(results, exact, subsampling, None)

    def __repr__(self):
        return (f"{self.__class__.__name__}(backend='{self.backend}', "
                f"backend_args={self.backend_args}, chroma='{self.chroma}', "
                f"on_error='{self.on_error}', max_pixels={self.max_pixels}, "
                f'lazy={self.lazy})')


@TRANSFORMS.register_module()
class JPEGToDCT(SkipUnreadable, BaseTransform):
    """Re-encode ``img`` to JPEG in memory and read its coefficients.

    This is the published training protocol (augment in RGB, re-encode,
    read): put it after mmdet's pixel-domain transforms. ``img`` is taken in
    mmcv's BGR order; float images (after ``PhotoMetricDistortion`` or
    ``Expand``) are clipped and rounded to uint8 first.

    Required Keys:

    - img (and img_path, optional: names the sample in errors)

    Modified Keys:

    - img_shape (the pixel size of ``img``)

    Added Keys:

    - dct_y, dct_cb, dct_cr, dct_grayscale
    - skipped_images (see :class:`SkipUnreadable`)

    Removed Keys:

    - img (unless ``keep_img``)

    Args:
        quality (int): JPEG quality, 1-100. Default 75 (PIL's default, used
            by the published DCT detectors).
        subsampling (str): '4:2:0' (default), '4:2:2' or '4:4:4'; chroma
            is read back on the 4:2:0 grid either way (exactly by the native
            reader, through a quality-100 transcode by jpeg2dct).
        keep_img (bool): keep ``img`` in the results (e.g. for debugging
            views); by default it is dropped to save memory.
        backend (str): coefficient reader, as for :class:`LoadDCTFromFile`.
        chroma (str): '420' or 'native', as for :class:`LoadDCTFromFile`
            ('native' with subsampling '4:4:4' keeps full-resolution chroma).
        encoder (str): 'pil' (default; the INSA seed and the detection
            papers) or 'cv2' (``cv2.imencode``: jpeg_deep's ImageNet
            pipeline).
        on_error (str): 'raise' or 'skip' (see :class:`SkipUnreadable`).
    """

    def __init__(self,
                 quality: int = 75,
                 subsampling: str = '4:2:0',
                 keep_img: bool = False,
                 backend: str = 'auto',
                 chroma: str = '420',
                 encoder: str = 'pil',
                 on_error: str = 'raise'):
        # Validate once, at build time, with a dummy image.
        encode_jpeg(np.zeros((8, 8, 3), np.uint8), quality, subsampling,
                    encoder=encoder)
        self.quality = quality
        self.subsampling = subsampling
        self.encoder = encoder
        self.keep_img = keep_img
        self.backend = resolve_backend(backend)
        self.chroma = chroma
        self._set_on_error(on_error)

    def transform(self, results: dict) -> dict:
        img = results['img']
        if img.dtype != np.uint8:
            img = np.clip(np.rint(img), 0, 255).astype(np.uint8)
        data = encode_jpeg(img, self.quality, self.subsampling,
                           channel_order='bgr', encoder=self.encoder)
        name = f"{results.get('img_path', '<array>')} (re-encoded)"
        store_coefficients(
            results, read_coefficients(data, name, self.backend, self.chroma))
        results['img_shape'] = img.shape[:2]
        if not self.keep_img:
            del results['img']
        return results

    def __repr__(self):
        return (f'{self.__class__.__name__}(quality={self.quality}, '
                f"subsampling='{self.subsampling}', "
                f"keep_img={self.keep_img}, backend='{self.backend}', "
                f"chroma='{self.chroma}', encoder='{self.encoder}', "
                f"on_error='{self.on_error}')")


@TRANSFORMS.register_module()
class JPEGToDCTUpscaled(BaseTransform):
    """DCTNet's input (Xu et al., CVPR 2020): Y from ``img`` upsampled
    ``luma_upscale`` times and JPEG-encoded, Cb and Cr from ``img``
    upsampled twice as much, so that all three come on one grid of one
    block per ``8 / luma_upscale`` pixels of ``img`` (a stride-4 input for
    the stem-less ``dctnet_*`` ResNets at ``luma_upscale=2``, DCTNet's
    detection setting; classification used 1 on a 448 px crop).

    Bilinear upsampling, 4:2:0 encoding at ``quality`` (DCTNet: 100, with
    TurboJPEG; PIL here). Pair with ``DCTDataPreprocessor(
    chroma_subsampling='4:4:4', upscale=luma_upscale)``.

    Required Keys:

    - img (and img_path, optional: names the sample in errors)

    Modified Keys:

    - img_shape

    Added Keys:

    - dct_y, dct_cb, dct_cr, dct_grayscale

    Removed Keys:

    - img (unless ``keep_img``)

    Args:
        luma_upscale (int): 1 or 2.
        quality (int): JPEG quality of both encodes.
        keep_img (bool): keep ``img`` in the results.
        backend (str): coefficient reader, as for :class:`LoadDCTFromFile`.
    """

    def __init__(self,
                 luma_upscale: int = 2,
                 quality: int = 100,
                 keep_img: bool = False,
                 backend: str = 'auto'):
        if luma_upscale not in (1, 2):
            raise ValueError(f'luma_upscale must be 1 or 2, got '
                             f'{luma_upscale}')
        self.luma_upscale = luma_upscale
        self.encoder = JPEGToDCT(quality, keep_img=True, backend=backend)
        self.keep_img = keep_img

    def _read(self, img: np.ndarray, factor: int, name) -> dict:
        if factor > 1:
            img = mmcv.imrescale(img, float(factor), interpolation='bilinear')
        return self.encoder(dict(img=img, img_path=name))

    def transform(self, results: dict) -> dict:
        img, name = results['img'], results.get('img_path')
        luma = self._read(img, self.luma_upscale, name)
        chroma = self._read(img, 2 * self.luma_upscale, name)
        # Y came padded to twice a 4:2:0 chroma grid; the twice-upsampled
        # image's chroma grid is the true luma grid.
        height, width = chroma['dct_cb'].shape[:2]
        results['dct_y'] = luma['dct_y'][:height, :width]
        results['dct_cb'] = chroma['dct_cb']
        results['dct_cr'] = chroma['dct_cr']
        results['dct_grayscale'] = luma['dct_grayscale']
        results['img_shape'] = img.shape[:2]
        if not self.keep_img:
            del results['img']
        return results

    def __repr__(self):
        return (f'{self.__class__.__name__}(luma_upscale='
                f'{self.luma_upscale}, encoder={self.encoder})')
