from numbers import Number
from typing import Sequence

from mmdet.datasets.transforms import PhotoMetricDistortion

from dct_codec.photometric import MODES, PhotometricParams
from dct_mmdet.registry import TRANSFORMS


@TRANSFORMS.register_module()
class DCTPhotoMetricDistortion(PhotoMetricDistortion):
    """mmdet's ``PhotoMetricDistortion`` for the compressed-domain pipeline:
    draws its random variables, applied later by the materialiser.

    The draw is mmdet 3.3's own (this class inherits its
    ``_random_flags``: the same numpy global-random calls in the same order,
    cached under ``cache_random_params`` as mmdet's), so with one seed both
    transforms use the same parameters and leave numpy's random state in
    the same place. No pixel or coefficient is touched here: the parameters
    go to ``results['photometric']`` and travel with the sample
    (``PackDCTInputs``); the data preprocessor's materialiser applies them
    to the small resampled output, after the geometry (photometric ops are
    per-pixel, so they commute with it) and before any requantisation
    (:func:`dct_codec.photometric.apply_photometric`, its torch twin in
    ``dct_mmdet.models.data_preprocessors.materialize``).

    Each step applies with probability 0.5, in mmdet's order: brightness,
    contrast (here or after the HSV step), HSV saturation, HSV hue,
    contrast, channel swap; contrast scales about 0 and nothing is clipped
    but mmdet's ``S <= 1`` for saturation factors above 1.

    Required Keys:

    - geometry (``dct_codec.geometry.Geometry``): the sample is
      materialised on the device (``LoadDCTFromFile(lazy=True)``); checked
      when packed, as samples without one are never materialised.

    Added Keys:

    - photometric (:class:`dct_codec.photometric.PhotometricParams`): the
      draw, None for the steps not applied.

    Args:
        brightness_delta (int): delta of brightness.
        contrast_range (sequence): range of contrast.
        saturation_range (sequence): range of saturation.
        hue_delta (int): delta of hue.
        mode (str): 'mmdet' (mmdet's op: brightness and contrast exactly,
            the HSV step and the swap per pixel on the luma grid, exact up
            to the 4:2:0 chroma resampling of the change) or 'ycbcr' (a
            cheaper, luma-preserving variant: chroma times the saturation
            factor, a (Cb, Cr) rotation by the hue angle, the chroma part
            of the swap; coefficient-wise). See
            :mod:`dct_codec.photometric` and the README's RMS table.
    """

    def __init__(self,
                 brightness_delta: int = 32,
                 contrast_range: Sequence[Number] = (0.5, 1.5),
                 saturation_range: Sequence[Number] = (0.5, 1.5),
                 hue_delta: int = 18,
                 mode: str = 'mmdet') -> None:
        super().__init__(brightness_delta, contrast_range, saturation_range,
                         hue_delta)
        if mode not in MODES:
            raise ValueError(f'mode must be one of {MODES}, got {mode!r}')
        self.mode = mode

    def transform(self, results: dict) -> dict:
        """Draw the parameters into ``results['photometric']``."""
        if results.get('photometric') is not None:
            raise ValueError('this sample already has photometric '
                             'parameters: one DCTPhotoMetricDistortion per '
                             'pipeline')
        results['photometric'] = PhotometricParams.from_mmdet_draw(
            self._random_flags(), self.mode)
        return results

    def __repr__(self) -> str:
        return super().__repr__()[:-1] + f', mode={self.mode!r})'
