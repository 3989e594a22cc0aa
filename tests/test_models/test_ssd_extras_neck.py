import pytest
import torch
from mmdet.models.necks import SSDNeck

from conftest import dct_inputs
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
    with torch.no_grad():
        outs = neck(backbone(dct_inputs(300)))
    assert [o.shape[-1] for o in outs] == [38, 19, 10, 5, 3, 1]
    assert outs[1].shape[1] == 128


def test_fc_layers_become_fc6_fc7_by_subsampling():
    """Every (4096 / width)-th filter; fc6 taps 0, 3, 6 of the 7x7 map."""
    from dct_mmdet.models.necks.ssd_extras_neck import fc_layers_to_fc6_fc7
    fc1 = torch.randn(8, 2 * 7 * 7)
    fc2 = torch.randn(8, 8)
    b1, b2 = torch.randn(8), torch.randn(8)
    w6, c6, w7, c7 = fc_layers_to_fc6_fc7(fc1, b1, fc2, b2, 2, 2, 3)
    assert w6.shape == (2, 2, 3, 3) and w7.shape == (2, 2, 1, 1)
    # fc6 filter 1 = FC1 row 4; channel c, tap (i, j) = column
    # c * 49 + 3i * 7 + 3j (flatten is channels first).
    for c in range(2):
        for i in range(3):
            for j in range(3):
                assert w6[1, c, i, j] == fc1[4, c * 49 + 3 * i * 7 + 3 * j]
    assert torch.equal(c6, b1[::4]) and torch.equal(c7, b2[::4])
    assert torch.equal(w7[:, :, 0, 0], fc2[::4, ::4])
    with pytest.raises(ValueError, match='flatten of a 3-channel'):
        fc_layers_to_fc6_fc7(fc1, b1, fc2, b2, 3, 2, 3)
    with pytest.raises(ValueError, match='subsample 8 features to 3'):
        fc_layers_to_fc6_fc7(fc1, b1, fc2, b2, 2, 3, 3)


def test_neck_takes_fc6_fc7_from_a_vgg_classifier_checkpoint(tmp_path):
    from dct_mmdet.registry import MODELS
    classifier = MODELS.build(
        dict(type='DCTImageClassifier',
             backbone=dict(type='DCTVGG', widen_factor=0.0625),
             pool_size=7, hidden_channels=(64, 64), dropout=0.5,
             num_classes=5))
    path = tmp_path / 'epoch_90.pth'
    torch.save({'state_dict': classifier.state_dict()}, path)
    neck = SSDExtrasNeck(
        in_channels=(32, 32), fc7_channels=16,
        out_channels=(32, 16, 16, 8, 8, 8), level_strides=(2, 2, 1, 1),
        level_paddings=(1, 1, 0, 0), fc_init_checkpoint=str(path))
    neck.init_weights()
    fc1, fc2 = classifier.hidden[0], classifier.hidden[3]
    torch.testing.assert_close(
        neck.fc7[1].weight,
        fc1.weight.reshape(64, 32, 7, 7)[::4, :, ::3, ::3])
    torch.testing.assert_close(neck.fc7[3].weight[:, :, 0, 0],
                               fc2.weight[::4, ::4])
    torch.testing.assert_close(neck.fc7[3].bias, fc2.bias[::4])
    # A checkpoint without VGG's FC head is refused, naming the file.
    torch.save({'state_dict': {'fc.weight': torch.zeros(5, 32)}}, path)
    with pytest.raises(ValueError, match='epoch_90.pth: no VGG classifier'):
        neck.init_weights()
    with pytest.raises(ValueError, match='fc_init_checkpoint needs'):
        SSDExtrasNeck(in_channels=(32, 32), out_channels=(32, 32, 8),
                      level_strides=(2, ), level_paddings=(1, ),
                      fc_init_checkpoint=str(path))
