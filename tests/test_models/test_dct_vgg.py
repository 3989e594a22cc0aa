import pytest
import torch

from dct_mmdet.models import DCTVGG


def dct_input(size, batch=1):
    c = -(-size // 16)
    return dict(
        y=torch.randn(batch, 64, 2 * c, 2 * c),
        cb=torch.randn(batch, 64, c, c),
        cr=torch.randn(batch, 64, c, c))


@pytest.mark.parametrize('arch', sorted(DCTVGG.arch_settings))
def test_block4_and_block5_shapes(arch):
    model = DCTVGG(arch, out_indices=(0, 1)).eval()
    with torch.no_grad():
        at_224 = [tuple(o.shape[1:]) for o in model(dct_input(224))]
        at_300 = [tuple(o.shape[1:]) for o in model(dct_input(300))]
    # 2x2 'valid' pools, as Keras: 38 -> 19 -> 9 at 300 px.
    assert at_224 == [(512, 28, 28), (512, 7, 7)]
    assert at_300 == [(512, 38, 38), (512, 9, 9)]


def test_chroma_joins_block5_except_in_y_and_deconv_variants():
    assert DCTVGG('jpeg_deep_vgg_dct').trunk_convs[0].in_channels == 640
    assert DCTVGG('jpeg_deep_vgg_dct_y').trunk_convs[0].in_channels == 512
    deconv = DCTVGG('jpeg_deep_vgg_dct_deconv')
    assert deconv.input_norm.num_features == 192
    assert deconv.trunk_convs[0].in_channels == 512
    assert len(DCTVGG('vggA_dct').y_convs) == 2 * 3  # adapter + 2 convs


def test_tiny_vgg_trains_and_rejects_bad_arguments():
    model = DCTVGG('jpeg_deep_vgg_dct_deconv', widen_factor=0.0625)
    model.init_weights()
    model(dct_input(32, batch=2))[-1].mean().backward()
    assert all(p.grad is not None for p in model.parameters())
    with pytest.raises(KeyError, match='unknown DCTVGG arch'):
        DCTVGG('vgg19_dct')
    with pytest.raises(ValueError, match='out_indices'):
        DCTVGG(out_indices=(2, ))
