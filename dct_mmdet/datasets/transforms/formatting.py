import torch
from mmdet.datasets.transforms import PackDetInputs

from dct_mmdet.registry import TRANSFORMS

DCT_COMPONENTS = ('y', 'cb', 'cr')


@TRANSFORMS.register_module()
class PackDCTInputs(PackDetInputs):
    """Pack ``dct_y/cb/cr`` as ``inputs = dict(y=, cb=, cr=)``, each a
    ``(64, h, w)`` int16 tensor, with the usual ``DetDataSample``.

    The coefficients stay int16 until the data preprocessor casts the
    batch, which keeps worker-to-main-process transfers small.
    """

    def transform(self, results: dict) -> dict:
        missing = [f'dct_{c}' for c in DCT_COMPONENTS
                   if f'dct_{c}' not in results]
        if missing:
            raise KeyError(
                f'PackDCTInputs needs {missing} in the results of '
                f"{results.get('img_path', 'this sample')}: put "
                'LoadDCTFromFile or JPEGToDCT earlier in the pipeline')
        packed = super().transform(results)
        packed['inputs'] = {
            c: torch.from_numpy(results[f'dct_{c}']).permute(2, 0,
                                                              1).contiguous()
            for c in DCT_COMPONENTS
        }
        return packed
