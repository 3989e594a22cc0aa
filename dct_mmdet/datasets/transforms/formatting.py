import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmdet.datasets.transforms import PackDetInputs
from mmengine.structures import BaseDataElement

from dct_codec.lossless import crop_to_reach
from dct_mmdet.registry import TRANSFORMS

DCT_COMPONENTS = ('y', 'cb', 'cr')


def pack_coefficients(results: dict) -> dict:
    """``dct_y/cb/cr`` -> ``dict(y=, cb=, cr=)`` of int16 tensors (copies,
    so the results' arrays can be reused): ``(64, h, w)``, the network's
    layout.

    A sample that still has to be resampled (``geometry``, set by
    ``DCTTestInput(protocol='resample')``, ``LoadDCTFromFile(lazy=True)``
    and for EXIF-turned files) carries ``quant`` (``(components, 64)``
    int32 quantisation tables in natural order, or None when the planes are
    dequantised), ``subsampling`` (the planes' own layout, e.g. '4:2:2')
    and ``geometry`` (a :class:`dct_codec.geometry.Geometry`): the planes
    are then the file's own grids in the reader's ``(h, w, 64)`` block
    layout (a plain copy: transposing ~0.5 MB of int16 would cost the
    worker about as much as reading the file; the materialiser's block
    IDCT wants rows of 64 anyway), cut to the whole MCUs the geometry reads
    with the geometry rebased on them
    (:func:`dct_codec.lossless.crop_to_reach`; gray samples ship empty
    chroma), and the data preprocessor materialises the network's
    ``(64, h, w)`` input from them on its device. Other samples have None
    there.

    ``photometric`` carries a :class:`dct_codec.photometric.
    PhotometricParams` draw (``DCTPhotoMetricDistortion``), applied by the
    materialiser, so only a sample with a ``geometry`` may have one; None
    otherwise."""
    missing = [f'dct_{c}' for c in DCT_COMPONENTS if f'dct_{c}' not in results]
    if missing:
        raise KeyError(
            f"needs {missing} in the results of "
            f"{results.get('img_path', 'this sample')}: put LoadDCTFromFile "
            'or JPEGToDCT earlier in the pipeline')
    geometry = results.get('geometry')
    if geometry is None:
        packed = {
            c: torch.from_numpy(results[f'dct_{c}']).permute(2, 0,
                                                             1).contiguous()
            for c in DCT_COMPONENTS
        }
    else:  # only the MCUs the geometry reads (a crop: a fraction)
        planes, geometry = crop_to_reach(
            *(results[f'dct_{c}'] for c in DCT_COMPONENTS), geometry,
            results['dct_subsampling'])
        packed = {
            c: torch.from_numpy(
                np.array(plane, order='C') if plane is not None else
                np.zeros((0, 0, 64), np.int16))  # gray: chroma never read
            for c, plane in zip(DCT_COMPONENTS, planes)
        }
    # Every sample has the same keys (None when already materialised), so
    # that a batch may mix both kinds.
    quant = results.get('dct_quant')
    photometric = results.get('photometric')
    if photometric is not None and geometry is None:
        raise ValueError(
            f"{results.get('img_path', 'this sample')} has photometric "
            'parameters but no geometry: only samples materialised by the '
            'data preprocessor get them applied (load with '
            'LoadDCTFromFile(lazy=True))')
    packed.update(
        quant=None if quant is None else torch.from_numpy(
            quant.astype('int32')),
        subsampling=results.get('dct_subsampling'),
        geometry=geometry,
        photometric=photometric,
        requantize=results.get('dct_requantize'))
    return packed


@TRANSFORMS.register_module()
class PackDCTInputs(PackDetInputs):
    """Pack ``dct_y/cb/cr`` as ``inputs = dict(y=, cb=, cr=)``, each a
    ``(64, h, w)`` int16 tensor (``(h, w, 64)`` for samples still to be
    resampled: see :func:`pack_coefficients`), with the usual
    ``DetDataSample``.

    The coefficients stay int16 until the data preprocessor casts the
    batch, which keeps worker-to-main-process transfers small. The names of
    images skipped before this one (``skipped_images``, see
    :class:`SkipUnreadable`) go into the metainfo.

    The packed dict holds ``inputs`` and ``data_samples`` only, as
    ``PackDetInputs``'s.

    Required Keys:

    - dct_y, dct_cb, dct_cr
    - geometry, dct_subsampling, dct_quant (optional: samples still to be
      resampled)
    - photometric, dct_requantize (optional)
    - gt_bboxes, gt_bboxes_labels, gt_ignore_flags (optional)
    - img (optional: packed as ``PackDetInputs`` does, then replaced by the
      coefficients)
    - skipped_images (optional)
    - the ``meta_keys`` present

    Added Keys:

    - inputs (dict of ``y``, ``cb``, ``cr`` tensors, ``quant``,
      ``subsampling``, ``geometry``, ``photometric``, ``requantize``)
    - data_samples (``DetDataSample``: ``gt_instances``, the metainfo)
    """

    def transform(self, results: dict) -> dict:
        inputs = pack_coefficients(results)
        packed = super().transform(results)
        packed['inputs'] = inputs
        if results.get('skipped_images'):
            packed['data_samples'].set_metainfo(
                {'skipped_images': results['skipped_images']})
        return packed


@TRANSFORMS.register_module()
class PackClsInputs(BaseTransform):
    """Pack ``img`` (as a ``(3, H, W)`` tensor) with a ``BaseDataElement``
    carrying ``gt_label`` (when known): the RGB baselines of the
    classification experiments. The packed dict holds ``inputs`` and
    ``data_samples`` only.

    Required Keys:

    - img ((H, W, C) or (H, W))
    - gt_label (optional)
    - the ``meta_keys`` present

    Added Keys:

    - inputs ((C, H, W) tensor)
    - data_samples (``BaseDataElement``: ``gt_label``, the metainfo)
    """

    def __init__(self,
                 meta_keys=('img_path', 'ori_shape', 'img_shape',
                            'skipped_images')):
        self.meta_keys = meta_keys

    def pack_inputs(self, results: dict):
        img = results['img']
        if img.ndim == 2:
            img = img[..., None]
        return torch.from_numpy(img).permute(2, 0, 1).contiguous()

    def transform(self, results: dict) -> dict:
        sample = BaseDataElement(metainfo={
            k: results[k] for k in self.meta_keys if k in results})
        if 'gt_label' in results:
            sample.gt_label = torch.as_tensor(results['gt_label'])
        return dict(inputs=self.pack_inputs(results), data_samples=sample)


@TRANSFORMS.register_module()
class PackDCTClsInputs(PackClsInputs):
    """Pack DCT inputs as :class:`PackDCTInputs` does, with a
    ``BaseDataElement`` carrying ``gt_label`` for classification. The
    packed dict holds ``inputs`` and ``data_samples`` only.

    Required Keys:

    - dct_y, dct_cb, dct_cr
    - geometry, dct_subsampling, dct_quant, photometric, dct_requantize
      (optional, as for :class:`PackDCTInputs`)
    - gt_label (optional)
    - the ``meta_keys`` present

    Added Keys:

    - inputs (as :class:`PackDCTInputs`'s)
    - data_samples (``BaseDataElement``: ``gt_label``, the metainfo)
    """

    def pack_inputs(self, results: dict):
        return pack_coefficients(results)
