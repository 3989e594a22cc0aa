import pytest
import torch
from mmdet.models.necks import SSDNeck

from dct_mmdet.models import DCTVGG, SSDExtrasNeck

SSD300 = dict(
    out_channels=(64, 96, 64, 32, 32, 32),
    level_strides=(2, 2, 1, 1),
    level_paddings=(1, 1, 0, 0))


def maps(channels, sizes):
    return [torch.randn(2, c, s, s) for c, s in zip(channels, sizes)]


def test_matches_mmdet_ssd_neck_without_fc7():
    ours = SSDExtrasNeck(in_channels=(64, 96), **SSD300)
    theirs = SSDNeck(in_channels=(64, 96), l2_norm_scale=20., **SSD300)
    # mmdet's L2Norm weight is uninitialised memory (NaN at times) until
    # init_weights sets it to the scale.
    theirs.init_weights()
    state = {
        key.replace('l2_norm.', 'l2_norms.0.'): value
        for key, value in theirs.state_dict().items()
    }
    ours.load_state_dict(state)
    inputs = maps((64, 96), (38, 19))
    for a, b in zip(ours(inputs), theirs(inputs)):
        torch.testing.assert_close(a, b)
    assert [o.shape[-1] for o in ours(inputs)] == [38, 19, 10, 5, 3, 1]


def test_ssd_custom_taps():
    # The INSA ssd_custom neck: three L2Norms, fc7 on res5c, two extras
    # with a 256-wide first 1x1.
    neck = SSDExtrasNeck(
        in_channels=(384, 512, 1024, 2048),
        fc7_channels=1024,
        out_channels=(384, 512, 1024, 1024, 256, 256),
        mid_channels=(256, 128),
        level_strides=(2, 1),
        level_paddings=(1, 0),
        l2_norm_levels=(0, 1, 2))
    neck.init_weights()
    assert sorted(neck.l2_norms) == ['0', '1', '2']
    for l2_norm in neck.l2_norms.values():
        assert torch.all(l2_norm.weight == 20)
    assert neck.extra_layers[0][0].conv.out_channels == 256
    with torch.no_grad():
        outs = neck(maps((384, 512, 1024, 2048), (38, 19, 10, 5)))
    assert [tuple(o.shape[1:]) for o in outs] == [
        (384, 38, 38), (512, 19, 19), (1024, 10, 10), (1024, 5, 5),
        (256, 3, 3), (256, 1, 1)]
    # An L2-normalised tap has per-position norm equal to the scale.
    norms = outs[1].pow(2).sum(1).sqrt()
    torch.testing.assert_close(norms, torch.full_like(norms, 20.))


def test_rejects_inconsistent_channels():
    with pytest.raises(ValueError, match='must start with the tap channels'):
        SSDExtrasNeck(in_channels=(64, 96), fc7_channels=128, **SSD300)
    with pytest.raises(ValueError, match='level_strides'):
        SSDExtrasNeck(
            in_channels=(64, 96),
            out_channels=(64, 96, 32),
            level_strides=(2, 2),
            level_paddings=(1, 1))
    with pytest.raises(ValueError, match='l2_norm_levels'):
        SSDExtrasNeck(in_channels=(64, 96), l2_norm_levels=(2, ), **SSD300)


def test_vgg_dct_ssd_taps_at_300():
    backbone = DCTVGG(
        'jpeg_deep_vgg_dct', out_indices=(0, 1), final_pool=False,
        widen_factor=0.125)
    neck = SSDExtrasNeck(
        in_channels=(64, 64),
        fc7_channels=128,
        out_channels=(64, 128, 64, 32, 32, 32),
        level_strides=(2, 2, 1, 1),
        level_paddings=(1, 1, 0, 0))
    inputs = dict(
        y=torch.randn(1, 64, 38, 38),
        cb=torch.randn(1, 64, 19, 19),
        cr=torch.randn(1, 64, 19, 19))
    with torch.no_grad():
        outs = neck(backbone(inputs))
    assert [o.shape[-1] for o in outs] == [38, 19, 10, 5, 3, 1]
    assert outs[1].shape[1] == 128
