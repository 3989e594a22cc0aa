import numpy as np
import torch
from mmdet.datasets.transforms import PackDetInputs
from mmengine.structures import PixelData

from dct_mmdet.registry import TRANSFORMS

from .formatting import pack_coefficients

ROCK_META_KEYS = ('img_id', 'img_path', 'ori_shape', 'img_shape',
                  'scale_factor', 'flip', 'flip_direction', 'scene_label')


@TRANSFORMS.register_module()
class PackROCKInputs(PackDetInputs):
    """``PackDetInputs`` plus ROCK's targets: ``gt_depth``
    (``PixelData(data=(1, h, w))``, metres), ``gt_normals``
    (``PixelData(data=(3, h, w), valid=(1, h, w) bool)``) and
    ``scene_label`` in the metainfo. The packed dict holds ``inputs`` and
    ``data_samples`` only, as ``PackDetInputs``'s.

    Required Keys:

    - img
    - gt_bboxes, gt_bboxes_labels, gt_ignore_flags (optional)
    - gt_depth (optional)
    - gt_normals and gt_normals_mask (optional)
    - the ``meta_keys`` present (e.g. scene_label)

    Added Keys:

    - inputs ((3, H, W) tensor, as ``PackDetInputs``'s)
    - data_samples (``DetDataSample``: ``gt_instances``, ``gt_depth``,
      ``gt_normals``, the metainfo)
    """

    def __init__(self, meta_keys=ROCK_META_KEYS):
        super().__init__(meta_keys=meta_keys)

    def transform(self, results: dict) -> dict:
        packed = super().transform(results)
        sample = packed['data_samples']
        if 'gt_depth' in results:
            sample.gt_depth = PixelData(
                data=torch.from_numpy(results['gt_depth'][None].copy()))
        if 'gt_normals' in results:
            normals = np.ascontiguousarray(
                results['gt_normals'].transpose(2, 0, 1))
            sample.gt_normals = PixelData(
                data=torch.from_numpy(normals),
                valid=torch.from_numpy(results['gt_normals_mask'][None]))
        return packed


@TRANSFORMS.register_module()
class PackROCKDCTInputs(PackROCKInputs):
    """:class:`PackROCKInputs` with DCT inputs, as ``PackDCTInputs``.

    Required Keys:

    - dct_y, dct_cb, dct_cr
    - geometry, dct_subsampling, dct_quant, photometric, dct_requantize
      (optional, as for ``PackDCTInputs``)
    - img (optional: packed, then replaced by the coefficients)
    - gt_bboxes, gt_bboxes_labels, gt_ignore_flags (optional)
    - gt_depth (optional)
    - gt_normals and gt_normals_mask (optional)
    - the ``meta_keys`` present (e.g. scene_label)

    Added Keys:

    - inputs (as ``PackDCTInputs``'s)
    - data_samples (as :class:`PackROCKInputs`'s)
    """

    def transform(self, results: dict) -> dict:
        inputs = pack_coefficients(results)
        packed = super().transform(results)
        packed['inputs'] = inputs
        return packed
