from typing import Sequence, Union

import numpy as np
from mmcv.transforms import BaseTransform

from dct_mmdet.registry import TRANSFORMS


@TRANSFORMS.register_module()
class RandomRequantize(BaseTransform):
    """Draw the JPEG quality at which the data preprocessor re-quantises
    this sample after resampling it: training inputs on the quantisation
    lattices of a range of qualities, as if each image had been re-encoded
    at one of them (reference §3's emulation), without encoding anything.

    The quality is drawn in the DataLoader worker from numpy's global
    random state (``np.random.randint``), like mmdet's augmentation draws,
    so a resumed run draws what an uninterrupted one would. It overrides the
    preprocessor's ``requantize`` for this sample.

    Required Keys:

    - geometry (the sample is materialised on the device:
      ``LoadDCTFromFile(lazy=True)``)

    Added Keys:

    - dct_requantize (int)

    Args:
        quality (int or (int, int)): a fixed quality, or the inclusive range
            a quality is drawn from uniformly, e.g. ``(50, 95)``.
    """

    def __init__(self, quality: Union[int, Sequence[int]] = (50, 95)):
        low, high = (quality, quality) if isinstance(quality, int) else \
            tuple(quality)
        if not 1 <= low <= high <= 100:
            raise ValueError(f'quality must be a JPEG quality 1-100 or a '
                             f'range (low, high) of them, got {quality!r}')
        self.quality = (low, high)

    def transform(self, results: dict) -> dict:
        if results.get('geometry') is None:
            raise ValueError(
                f"{results.get('img_path', 'this sample')} has no geometry: "
                'only samples the data preprocessor materialises are '
                're-quantised (load with LoadDCTFromFile(lazy=True))')
        low, high = self.quality
        results['dct_requantize'] = int(np.random.randint(low, high + 1))
        return results

    def __repr__(self) -> str:
        return f'{type(self).__name__}(quality={self.quality})'
