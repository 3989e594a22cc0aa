"""The first step of the DCT test pipelines: one transform, three protocols
(``reencode``, ``direct``, ``resample``)."""
from typing import Optional

import mmcv
import numpy as np
from mmcv.transforms import BaseTransform
from mmdet.datasets.transforms import Resize

from dct_codec import (JPEGColourError, JPEGReadError, chroma_grid, read_dct,
                       subsampling_of)
from dct_codec.geometry import resize
from dct_mmdet.registry import TRANSFORMS
from .loading import (JPEGToDCT, LoadDCTFromFile, SkipUnreadable, read_source,
                      source_name)


@TRANSFORMS.register_module()
class DCTTestInput(SkipUnreadable, BaseTransform):
    """The DCT input of a test image, under one of three protocols.

    * ``'reencode'`` (the published one): decode the file, resize it to
      ``scale``, re-encode it (``quality``, ``subsampling``) and read the
      coefficients, exactly like training's :class:`JPEGToDCT`; boxes are
      mapped back through ``scale_factor``.
    * ``'direct'``: the original file's own coefficients, no decode, no
      resize and no extra JPEG generation (``scale_factor`` 1); the network
      sees the image at its stored size.
      With ``chroma='native'`` (the 4:4:4 ITSC models) the file's chroma
      must be ``subsampling``'s grid: other colour files (a 4:2:0 file
      for a 4:4:4 model) raise :class:`JPEGReadError` naming the file;
      grayscale files get zero chroma on that grid.
    * ``'resample'``: the original file's own coefficients at the
      network's input size, never decoded: the quantised levels, their
      tables and the geometry (the EXIF orientation, then the resize to
      ``scale`` as mmdet's ``Resize`` does it, ``keep_ratio`` honoured) go
      to the data preprocessor, which resamples them on the model's device
      (block IDCT -> bilinear -> block DCT, what ``cv2.resize`` of the
      decoded planes would give). ``scale_factor``/``img_shape``/
      ``ori_shape`` follow mmdet, so boxes land on the upright original.
      Any chroma sampling (4:2:0, 4:2:2, 4:4:4, gray, ...) is resampled
      from its own grid to the grid the model reads.

    All three see the image upright, as OpenCV shows a file with an EXIF
    orientation. The image comes from ``results['img_bytes']`` when set
    (in-memory JPEG data, see :func:`dct_mmdet.apis.inference_dct_detector`),
    otherwise from the file at ``img_path``. Under every protocol a
    truncated or corrupt JPEG raises :class:`JPEGReadError` (``'reencode'``
    checks it with a strict coefficient read before decoding).

    Required Keys:

    - img_path (or img_bytes)
    - gt_bboxes (optional; 'reencode' resizes them as mmdet's ``Resize``)

    Modified Keys:

    - gt_bboxes ('reencode')

    Added Keys:

    - dct_y, dct_cb, dct_cr, dct_grayscale
    - img_shape, ori_shape, scale_factor
    - scale, keep_ratio, homography_matrix ('reencode': mmdet's ``Resize``)
    - geometry, dct_subsampling, dct_quant ('resample'; 'direct' for
      EXIF-turned files that need it), dct_requantize ('resample')
    - skipped_images (see :class:`SkipUnreadable`)

    Args:
        protocol (str): 'reencode', 'direct' or 'resample'.
        scale (tuple): (w, h) of the network's input ('reencode',
            'resample').
        keep_ratio (bool): keep the aspect ratio when resizing.
        quality (int): re-encode quality.
        subsampling (str): re-encode chroma subsampling.
        backend (str): coefficient reader, as for :class:`LoadDCTFromFile`.
        backend_args (dict, optional): mmengine file backend arguments.
        chroma (str): '420' or 'native', as for :class:`LoadDCTFromFile`.
        on_error (str): 'raise' or 'skip' (see :class:`SkipUnreadable`).
        max_pixels (int, optional): the pixel limit, as for
            :class:`LoadDCTFromFile`.
        requantize (bool): 'resample' only: put the resampled coefficients
            back on the quantisation lattice of ``quality`` (IJG tables,
            libjpeg's rounding; on the device), as 'reencode' inputs are.
            Models trained on re-encoded inputs need it: channels that
            quantisation always zeroes in training get tiny non-zero values
            otherwise, which their input normalisation blows up (toy model:
            bbox mAP 0.004 without, see README).
    """

    PROTOCOLS = ('reencode', 'direct', 'resample')

    def __init__(self,
                 protocol: str = 'reencode',
                 scale: tuple = (300, 300),
                 keep_ratio: bool = False,
                 quality: int = 75,
                 subsampling: str = '4:2:0',
                 backend: str = 'auto',
                 backend_args: Optional[dict] = None,
                 chroma: str = '420',
                 on_error: str = 'raise',
                 max_pixels: Optional[int] = None,
                 requantize: bool = True):
        if protocol not in self.PROTOCOLS:
            raise ValueError(f'protocol must be one of {self.PROTOCOLS}, '
                             f'got {protocol!r}')
        self.protocol = protocol
        self.backend_args = backend_args
        self.requantize = requantize
        self._set_on_error(on_error)
        self.read_original = LoadDCTFromFile(
            backend, backend_args, chroma, max_pixels=max_pixels)
        self.read_levels = LoadDCTFromFile(
            backend, backend_args, max_pixels=max_pixels, lazy=True)
        self.resize = Resize(scale=scale, keep_ratio=keep_ratio)
        self.reencode = JPEGToDCT(
            quality, subsampling, backend=backend, chroma=chroma)

    def transform(self, results: dict) -> dict:
        if self.protocol == 'direct':
            return self._match_chroma_grid(self.read_original(results))
        if self.protocol == 'resample':
            return self._resample(results)
        data, name = read_source(results, self.backend_args)
        if data[:2] == b'\xff\xd8':
            self._check_jpeg_stream(data, name)
        img = mmcv.imfrombytes(data, flag='color', channel_order='bgr')
        if img is None:
            raise JPEGReadError(name, 'cannot be decoded as an image')
        results['img'] = img
        results['img_shape'] = results['ori_shape'] = img.shape[:2]
        return self.reencode(self.resize(results))

    def _resample(self, results: dict) -> dict:
        results = self.read_levels(results)
        height, width = results['img_shape']
        if self.resize.keep_ratio:
            out_w, out_h = mmcv.rescale_size((width, height),
                                             self.resize.scale)
        else:
            out_w, out_h = self.resize.scale
        results['geometry'] = results['geometry'].then(
            resize((height, width), (out_h, out_w)))
        if self.requantize:
            results['dct_requantize'] = self.reencode.quality
        results['img_shape'] = (out_h, out_w)
        results['scale_factor'] = (out_w / width, out_h / height)
        return results

    def _match_chroma_grid(self, results: dict) -> dict:
        """Under 'direct' with ``chroma='native'`` the model gets the
        file's own chroma grid, so it must be the grid that 'reencode'
        gives (``subsampling``), the one the model was trained on. A
        grayscale file has none: zero chroma is exact on any grid. A colour
        file on another grid (a 4:2:0 file for a 4:4:4 model: chroma on
        half the luma grid) cannot be converted exactly and is refused
        here, naming the file, instead of failing later in the data
        preprocessor. ``chroma='420'`` always gives the 4:2:0 grid."""
        if self.read_original.chroma != 'native':
            return results
        luma = results['dct_y'].shape[:2]
        chroma = results['dct_cb'].shape[:2]
        wanted = chroma_grid(luma, self.reencode.subsampling)
        if chroma == wanted:
            return results
        if results['dct_grayscale']:
            zeros = np.zeros(wanted + (64, ), results['dct_cb'].dtype)
            results['dct_cb'], results['dct_cr'] = zeros, zeros.copy()
            return results
        found = subsampling_of(luma, chroma)
        subsampling = self.reencode.subsampling
        raise JPEGReadError(
            source_name(results),
            f"protocol 'direct' with chroma='native' gives the model the "
            f'file\'s own chroma, here {found} ({chroma[0]}x{chroma[1]} '
            f'chroma blocks for {luma[0]}x{luma[1]} luma blocks), but this '
            f'pipeline expects {subsampling} chroma ({wanted[0]}x'
            f'{wanted[1]} blocks); it cannot be converted exactly. Test '
            f"such files with protocol='reencode' (decode, resize, "
            f're-encode {subsampling}) or use {subsampling} files.')

    def _check_jpeg_stream(self, data: bytes, name: str) -> None:
        """OpenCV decodes a truncated or corrupt JPEG without a word (grey
        rows): a strict read of its coefficients, on the file's own chroma
        grid so that any subsampling passes, refuses it with the file's
        name. Colour models without luma/chroma coefficients (CMYK, ...)
        are left to the decoder: the re-encode makes them YCbCr."""
        backend = self.read_original.backend
        try:
            read_dct(data, name, align=False, backend=backend,
                     chroma='native' if backend == 'native' else '420',
                     max_pixels=self.read_original.max_pixels)
        except JPEGColourError:
            pass

    def __repr__(self):
        return (f"{self.__class__.__name__}(protocol='{self.protocol}', "
                f'resize={self.resize}, reencode={self.reencode}, '
                f"read_original={self.read_original}, "
                f"read_levels={self.read_levels}, "
                f"on_error='{self.on_error}')")
