import pytest
import torch

from conftest import dct_inputs
from dct_mmdet.models import DCTVGG


@pytest.mark.parametrize('arch', sorted(DCTVGG.arch_settings))
def test_block4_and_block5_shapes(arch):
    model = DCTVGG(arch, out_indices=(0, 1)).eval()
    # The ITSC network reads 4:4:4 chroma on the luma grid.
    scale = 1 if model.merge == 'stack' else 2
    with torch.no_grad():
        at_224 = [tuple(o.shape[1:]) for o in model(dct_inputs(224, 1, scale))]
        at_300 = [tuple(o.shape[1:]) for o in model(dct_inputs(300, 1, scale))]
    # 2x2 'valid' pools, as Keras: 38 -> 19 -> 9 at 300 px.
    assert at_224 == [(512, 28, 28), (512, 7, 7)]
    assert at_300 == [(512, 38, 38), (512, 9, 9)]


def test_chroma_joins_block5_except_in_y_and_deconv_variants():
    assert DCTVGG('jpeg_deep_vgg_dct').trunk_convs[0].in_channels == 640
    assert DCTVGG('jpeg_deep_vgg_dct_y').trunk_convs[0].in_channels == 512
    deconv = DCTVGG('jpeg_deep_vgg_dct_deconv')
    assert deconv.stem.input_norm.num_features == 192
    assert deconv.trunk_convs[0].in_channels == 512
    assert len(DCTVGG('vggA_dct').y_convs) == 2 * 3  # adapter + 2 convs


def test_tiny_vgg_trains_and_rejects_bad_arguments():
    model = DCTVGG('jpeg_deep_vgg_dct_deconv', widen_factor=0.0625)
    model.init_weights()
    model(dct_inputs(32, batch=2))[-1].mean().backward()
    assert all(p.grad is not None for p in model.parameters())
    with pytest.raises(KeyError, match='unknown DCTVGG arch'):
        DCTVGG('vgg19_dct')
    with pytest.raises(ValueError, match='out_indices'):
        DCTVGG(out_indices=(2, ))


def test_itsc_block_stem_sees_one_blocks_three_components():
    model = DCTVGG('itsc_vgg_dct', widen_factor=0.125).eval()
    assert model.stem.input_norm.num_features == 192
    assert model.stem.block_conv.kernel_size == (1, 1)
    assert model.stem.block_conv.out_channels == round(196 * 0.125)
    inputs = dct_inputs(64, 1, luma_per_chroma=1)
    with torch.no_grad():
        before = model.stem(inputs)[0]
        inputs['cr'][:, :, 3, 5] += 100.
        after = model.stem(inputs)[0]
    changed = (before != after).any(dim=1)[0]
    assert changed.nonzero().tolist() == [[3, 5]]


@pytest.mark.parametrize('arch,inputs', [
    ('jpeg_deep_vgg_dct', ['y_norm', 'cbcr_norm']),
    ('jpeg_deep_vgg_dct_deconv', ['cb_deconv', 'cr_deconv', 'input_norm']),
    ('itsc_vgg_dct', ['input_norm', 'block_conv']),
])
def test_frozen_stages_and_norm_eval(arch, inputs):
    from torch.nn.modules.batchnorm import _BatchNorm

    def trainable(module):
        return {p.requires_grad for p in module.parameters()}

    for frozen_stages in (-1, 0, 1, 2):
        model = DCTVGG(arch, widen_factor=0.0625,
                       frozen_stages=frozen_stages).train()
        stages = [model.y_convs, model.trunk_convs]
        for name in inputs:
            assert trainable(getattr(model.stem, name)) == \
                {frozen_stages < 0}, (name, frozen_stages)
        for index, stage in enumerate(stages):
            assert trainable(stage) == {index >= frozen_stages}, index
        norms = [m for m in model.modules() if isinstance(m, _BatchNorm)]
        assert all(m.training == (frozen_stages < 0) for m in norms)
    model = DCTVGG(arch, widen_factor=0.0625, norm_eval=True).train()
    assert all(not m.training for m in model.modules()
               if isinstance(m, _BatchNorm))
    assert all(p.requires_grad for p in model.parameters())
    with pytest.raises(ValueError, match='frozen_stages'):
        DCTVGG(arch, frozen_stages=3)
