import mmcv
from mmcv.transforms import BaseTransform

from dct_mmdet.registry import TRANSFORMS


@TRANSFORMS.register_module()
class ResizeShortEdge(BaseTransform):
    """Resize ``img`` so that its shorter side is ``scale`` pixels, keeping
    the aspect ratio (the first step of the ImageNet protocols: 224 in the
    INSA seed, 256 in jpeg_deep). Updates ``img_shape`` and
    ``scale_factor``.

    Required Keys:

    - img

    Modified Keys:

    - img
    - img_shape

    Added Keys:

    - scale_factor ((w, h) ratios of the new size to the old)
    """

    def __init__(self, scale: int, interpolation: str = 'bilinear'):
        if scale <= 0:
            raise ValueError(f'scale must be positive, got {scale}')
        self.scale = scale
        self.interpolation = interpolation

    def transform(self, results: dict) -> dict:
        img = results['img']
        height, width = img.shape[:2]
        ratio = self.scale / min(height, width)
        size = (max(1, round(width * ratio)), max(1, round(height * ratio)))
        results['img'] = mmcv.imresize(
            img, size, interpolation=self.interpolation)
        results['img_shape'] = results['img'].shape[:2]
        results['scale_factor'] = (size[0] / width, size[1] / height)
        return results

    def __repr__(self):
        return f'{self.__class__.__name__}(scale={self.scale})'
