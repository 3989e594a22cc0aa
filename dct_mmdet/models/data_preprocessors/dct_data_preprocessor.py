from typing import Dict, List, Mapping, Optional, Sequence, Union

import torch
from mmengine.model import BaseDataPreprocessor

from dct_mmdet.registry import MODELS
from .materialize import materialize

COMPONENTS = ('y', 'cb', 'cr')
# A luma block covers 8 px; a chroma block 16 px in 4:2:0, 8 px in 4:4:4.
LUMA_BLOCK_PX = 8
LUMA_BLOCKS_PER_CHROMA = {'4:2:0': 2, '4:4:4': 1}

Stats = Optional[Dict[str, Union[float, Sequence[float]]]]


@MODELS.register_module()
class DCTDataPreprocessor(BaseDataPreprocessor):
    """Batch DCT inputs: cast to float, normalise, pad, set pixel metainfo.

    Each sample is ``dict(y=(64, hy, wy), cb=(64, hc, wc), cr=(64, hc, wc))``
    with ``hy <= 2 * hc`` (4:2:0 chroma). The batch pads chroma to the
    largest grid (rounded up to ``pad_size_divisor`` pixels) and Y to
    exactly twice it, with zeros after normalisation, so luma block
    ``(2i, 2j)`` and chroma block ``(i, j)`` always cover the same pixels.
    With ``chroma_subsampling='4:4:4'`` (chroma read on its own full grid,
    ``chroma='native'``, or DCTNet's upscaled input) all three share one
    grid. ``batch_input_shape`` and ``pad_shape`` are set in **pixels** of
    the image the pipeline resized (16 or 8 per chroma block, divided by
    ``upscale``), as anchors and box coding expect.

    Samples that carry a ``geometry`` (``DCTTestInput(protocol=
    'resample')``, ``LoadDCTFromFile(lazy=True)``, EXIF-turned files; their
    planes are ``(h, w, 64)`` blocks: see ``pack_coefficients``) are first
    materialised here, on the model's device: their quantised levels are
    dequantised and resampled through the geometry onto the grids this
    preprocessor reads (:mod:`.materialize`).

    Args:
        mean (dict, optional): per-component mean, a scalar or 64 values
            (one per frequency, raster order), e.g. ``dict(y=[...], cb=...,
            cr=...)``. Components left out are not shifted.
        std (dict, optional): per-component std, same form as ``mean``.
        pad_size_divisor (int, optional): pad the batch to a multiple of
            this many pixels, a multiple of the chroma block (default).
        chroma_subsampling (str): '4:2:0' or '4:4:4', the chroma grid the
            pipeline reads.
        upscale (int): how much the pipeline upsampled the image before
            encoding (:class:`JPEGToDCTUpscaled`'s ``luma_upscale``): a
            block then covers ``8 / upscale`` pixels of the image.
        requantize (int, optional): a JPEG quality: put materialised
            samples back on that quality's IJG quantisation lattice (as the
            re-encode protocol's inputs are), on the device.
        non_blocking (bool): non-blocking host-to-device copies.
    """

    def __init__(self,
                 mean: Stats = None,
                 std: Stats = None,
                 pad_size_divisor: Optional[int] = None,
                 chroma_subsampling: str = '4:2:0',
                 upscale: int = 1,
                 requantize: Optional[int] = None,
                 non_blocking: bool = False):
        super().__init__(non_blocking)
        if requantize is not None and not 1 <= requantize <= 100:
            raise ValueError(f'requantize must be a JPEG quality 1-100, got '
                             f'{requantize}')
        self.requantize = requantize
        if chroma_subsampling not in LUMA_BLOCKS_PER_CHROMA:
            raise ValueError('chroma_subsampling must be one of '
                             f'{tuple(LUMA_BLOCKS_PER_CHROMA)}, got '
                             f'{chroma_subsampling!r}')
        if upscale not in (1, 2, 4, 8):
            raise ValueError(f'upscale must be 1, 2, 4 or 8, got {upscale}')
        self.luma_scale = LUMA_BLOCKS_PER_CHROMA[chroma_subsampling]
        self.chroma_block_px = LUMA_BLOCK_PX * self.luma_scale // upscale
        pad_size_divisor = pad_size_divisor or self.chroma_block_px
        if pad_size_divisor <= 0 or pad_size_divisor % self.chroma_block_px:
            raise ValueError('pad_size_divisor must be a positive multiple '
                             f'of {self.chroma_block_px}, got '
                             f'{pad_size_divisor}')
        self.pad_blocks = pad_size_divisor // self.chroma_block_px
        for name, stats in (('mean', mean), ('std', std)):
            for component, value in (stats or {}).items():
                if component not in COMPONENTS:
                    raise KeyError(f'{name} has unknown component '
                                   f'{component!r}; expected {COMPONENTS}')
                tensor = torch.as_tensor(value, dtype=torch.float32)
                if tensor.numel() not in (1, 64):
                    raise ValueError(f'{name}[{component!r}] needs 1 or 64 '
                                     f'values, got {tensor.numel()}')
                self.register_buffer(f'{name}_{component}',
                                     tensor.reshape(-1, 1, 1), False)

    def forward(self, data: dict, training: bool = False) -> dict:
        data = self.cast_data(data)
        samples = [
            self._materialize(sample) if sample.get('geometry') is not None
            else sample for sample in _per_sample(data['inputs'])
        ]
        data_samples = data.get('data_samples')
        chroma_grids = []
        for index, sample in enumerate(samples):
            (hy, wy), (hc, wc) = sample['y'].shape[-2:], \
                sample['cb'].shape[-2:]
            scale = self.luma_scale
            if hy > scale * hc or wy > scale * wc or \
                    sample['cr'].shape[-2:] != sample['cb'].shape[-2:]:
                layout = '4:2:0' if scale == 2 else '4:4:4'
                name = ''
                if data_samples is not None:
                    name = data_samples[index].metainfo.get('img_path', '')
                    name = f' ({name})' if name else ''
                raise ValueError(
                    f'sample {index}{name}: Y grid {(hy, wy)} and chroma '
                    f"grids {tuple(sample['cb'].shape[-2:])}/"
                    f"{tuple(sample['cr'].shape[-2:])} are not {layout} "
                    f'aligned, as chroma_subsampling={layout!r} needs; the '
                    "pipeline's chroma grid (JPEGToDCT/DCTTestInput "
                    "subsampling and chroma='native'/'420') must match it")
            chroma_grids.append((self._round_up(hc), self._round_up(wc)))
        batch_hc = max(h for h, _ in chroma_grids)
        batch_wc = max(w for _, w in chroma_grids)

        inputs = {}
        for component in COMPONENTS:
            scale = self.luma_scale if component == 'y' else 1
            batch = samples[0][component].new_zeros(
                (len(samples), 64, scale * batch_hc, scale * batch_wc),
                dtype=torch.float32)
            for index, sample in enumerate(samples):
                coeffs = self._normalize(component, sample[component].float())
                h, w = coeffs.shape[-2:]
                batch[index, :, :h, :w] = coeffs
            inputs[component] = batch

        if data_samples is not None:
            px = self.chroma_block_px
            for sample, (hc, wc) in zip(data_samples, chroma_grids):
                sample.set_metainfo({
                    'batch_input_shape': (px * batch_hc, px * batch_wc),
                    'pad_shape': (px * hc, px * wc)
                })
        return {'inputs': inputs, 'data_samples': data_samples}

    def _materialize(self, sample: Mapping) -> dict:
        if self.chroma_block_px != LUMA_BLOCK_PX * self.luma_scale:
            raise ValueError('resampled inputs cannot be upscaled (upscale '
                             'must be 1)')
        layout = '4:2:0' if self.luma_scale == 2 else '4:4:4'
        return materialize(sample, layout, self.requantize)

    def _round_up(self, blocks: int) -> int:
        return -(-blocks // self.pad_blocks) * self.pad_blocks

    def _normalize(self, component: str,
                   coeffs: torch.Tensor) -> torch.Tensor:
        mean = getattr(self, f'mean_{component}', None)
        std = getattr(self, f'std_{component}', None)
        if mean is not None:
            coeffs = coeffs - mean
        if std is not None:
            coeffs = coeffs / std
        return coeffs


def _per_sample(inputs: Union[Mapping, List[Mapping]]) -> List[Mapping]:
    """Accept both a list of per-sample dicts and mmengine's
    ``pseudo_collate`` form, a dict of per-component lists."""
    if isinstance(inputs, Mapping):
        missing = [c for c in COMPONENTS if c not in inputs]
        if missing:
            raise KeyError(f'DCT inputs lack components {missing}')
        keys = list(inputs)
        return [dict(zip(keys, parts))
                for parts in zip(*(inputs[k] for k in keys))]
    return list(inputs)
