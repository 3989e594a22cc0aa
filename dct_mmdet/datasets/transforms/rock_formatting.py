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
    ``scene_label`` in the metainfo."""

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
    """:class:`PackROCKInputs` with DCT inputs, as ``PackDCTInputs``."""

    def transform(self, results: dict) -> dict:
        inputs = pack_coefficients(results)
        packed = super().transform(results)
        packed['inputs'] = inputs
        return packed
