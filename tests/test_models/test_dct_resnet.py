import pytest
import torch
from torch.nn.modules.batchnorm import _BatchNorm

from dct_mmdet.models import DCTResNet


def dct_input(size, batch=1):
    y, c = -(-size // 8), -(-size // 16)
    return dict(
        y=torch.randn(batch, 64, 2 * c, 2 * c),
        cb=torch.randn(batch, 64, c, c),
        cr=torch.randn(batch, 64, c, c))


@pytest.mark.parametrize('arch,channels', [
    ('uber_late_concat_rfa_thinner', (384, 384, 768, 1024, 2048)),
    ('uber_late_concat_rfa', (1024, 512, 512, 1024, 2048)),
])
def test_full_size_stage_shapes_at_224(arch, channels):
    model = DCTResNet(arch, out_indices=range(5)).eval()
    with torch.no_grad():
        outs = model(dct_input(224))
    sizes = (28, 28, 14, 14, 7)
    assert [tuple(o.shape[1:]) for o in outs] == [
        (c, s, s) for c, s in zip(channels, sizes)]
    assert model.stage_channels == channels


def test_ssd_taps_at_300_with_stride_one_last_stage():
    model = DCTResNet(out_indices=(1, 4), strides=(1, 1, 2, 1, 1)).eval()
    with torch.no_grad():
        outs = model(dct_input(300))
    assert [tuple(o.shape) for o in outs] == [(1, 384, 38, 38),
                                              (1, 2048, 19, 19)]


def test_rfa_stage_kernels_and_keras_same_padding():
    model = DCTResNet()
    rfa = model.y_stages[0]
    assert [block.conv2.kernel_size for block in rfa] == [(1, 1), (2, 2),
                                                          (3, 3)]
    # The stride sits on the first 1x1 conv (Keras/caffe placement).
    down = model.y_stages[2][0]
    assert down.conv1.stride == (2, 2) and down.conv2.stride == (1, 1)
    x = torch.zeros(1, 96, 5, 5)
    x[0, :, 0, 0] = 1  # top-left impulse
    block = rfa[1].eval()
    with torch.no_grad():
        out = block.conv2(block.pad2(x))
    assert out.shape[-2:] == (5, 5)
    # With bottom/right padding a 2x2 kernel at (0, 0) sees (0:2, 0:2).
    weight = block.conv2.weight[:, :, 0, 0].sum(1)
    torch.testing.assert_close(out[0, :, 0, 0], weight)


def test_tiny_widen_factor_trains():
    model = DCTResNet(widen_factor=0.125, out_indices=(1, 4))
    model.init_weights()
    outs = model(dct_input(64, batch=2))
    assert [o.shape[1] for o in outs] == [48, 256]
    sum(o.mean() for o in outs).backward()
    assert model.y_norm.weight.grad is not None
    assert model.cbcr_stages[0][0].conv1.weight.grad is not None


def test_zero_init_residual():
    model = DCTResNet(widen_factor=0.125)
    model.init_weights()
    assert model.trunk_stages[0][0].bn3.weight.abs().sum() == 0
    assert model.trunk_stages[0][0].bn1.weight.eq(1).all()


def test_frozen_stages_and_norm_eval():
    model = DCTResNet(widen_factor=0.125, frozen_stages=2, norm_eval=True)
    model.train()
    frozen = [model.y_norm, model.cbcr_stages[0], *model.stages[:2]]
    for module in frozen:
        assert all(not p.requires_grad for p in module.parameters())
    assert all(p.requires_grad for p in model.stages[2].parameters())
    assert all(not m.training for m in model.modules()
               if isinstance(m, _BatchNorm))


def test_bad_arguments():
    with pytest.raises(KeyError, match='unknown DCTResNet arch'):
        DCTResNet('resnet_rgb_typo')
    with pytest.raises(ValueError, match='out_indices'):
        DCTResNet(out_indices=(5, ))
    with pytest.raises(ValueError, match='strides'):
        DCTResNet(strides=(1, 2))
