import pytest
import torch
from torch.nn.modules.batchnorm import _BatchNorm

from conftest import dct_inputs
from dct_mmdet.models import DCTResNet


def upscaled_input(size, batch=1):
    """DCTNet's input for a ``size`` px model: Y, Cb, Cr all on the grid
    of the 2x image (56x56 at 224: its 448 px crops)."""
    side = -(-2 * size // 8)
    return {c: torch.randn(batch, 64, side, side) for c in ('y', 'cb', 'cr')}


# Every preset: (channels, side at 224) of each stage, side of the last map
# at 300, from dct_inputs_and_backbones.md sections 4 and 9 (DCTNet's on its
# upscaled input). At 300 px each side becomes the ceiling of the 224 px
# one times 300 / 224 (28 -> 38, 14 -> 19, 7 -> 10, 4 -> 5).
SIDE_AT_300 = {56: 75, 28: 38, 14: 19, 7: 10, 4: 5}
PRESETS = {
    'uber_upsampling': ([(512, 28), (1024, 14), (2048, 7)], 10),
    'uber_upsampling_rfa': ([(1024, 28), (512, 28), (1024, 14), (2048, 7)],
                            10),
    'uber_deconvolution_rfa': ([(1024, 28), (512, 28), (1024, 14),
                                (2048, 7)], 10),
    'uber_downsampling': ([(1024, 14), (512, 14), (1024, 14), (2048, 7)],
                          10),
    'uber_late_concat': ([(512, 28), (512, 14), (1024, 14), (2048, 7)], 10),
    'uber_late_concat_rfa': ([(1024, 28), (512, 28), (512, 14), (1024, 14),
                              (2048, 7)], 10),
    'uber_late_concat_rfa_thinner': ([(384, 28), (384, 28), (768, 14),
                                      (1024, 14), (2048, 7)], 10),
    'jpeg_deep_lc_rfa': ([(1024, 28), (512, 28), (512, 14), (1024, 14),
                          (2048, 7)], 10),
    'jpeg_deep_lc_rfa_thinner': ([(384, 28), (384, 28), (768, 14),
                                  (1024, 14), (2048, 7)], 10),
    'jpeg_deep_lc_rfa_y': ([(1024, 28), (512, 28), (1024, 14), (1024, 14),
                            (2048, 7)], 10),
    'jpeg_deep_lc_rfa_thinner_y': ([(384, 28), (384, 28), (1024, 14),
                                    (1024, 14), (2048, 7)], 10),
    'jpeg_deep_deconv_rfa': ([(1024, 28), (512, 28), (1024, 14), (2048, 7)],
                             10),
    'late_concat_rfa_thinner': ([(384, 28), (384, 28), (384, 14), (512, 14),
                                 (1024, 7), (2048, 4)], 5),
    'late_concat_more_channels': ([(768, 28), (768, 28), (384, 14),
                                   (512, 14), (1024, 7), (2048, 4)], 5),
    'up_sampling': ([(512, 28), (512, 28), (1024, 14), (2048, 7)], 10),
    'up_sampling_rfa': ([(1024, 28), (512, 28), (512, 28), (1024, 14),
                         (2048, 7)], 10),
    'deconv': ([(1024, 28), (512, 28), (512, 28), (1024, 14), (2048, 7)], 10),
    'cb5_only': ([(768, 28), (768, 28), (768, 14), (2048, 7)], 10),
    'y_cb4_cbcr_cb5': ([(384, 28), (512, 28), (768, 14), (2048, 7)], 10),
    'dctnet_24': ([(256, 56), (512, 28), (1024, 14), (2048, 7)], 10),
    'dctnet_32': ([(256, 56), (512, 28), (1024, 14), (2048, 7)], 10),
    'dctnet_192': ([(256, 56), (512, 28), (1024, 14), (2048, 7)], 10),
}


def test_every_preset_is_listed():
    assert set(PRESETS) | {'resnet_rgb'} == set(DCTResNet.arch_settings)


def test_resnet_rgb_is_resnet50_and_takes_its_weights(rgb_resnet50_state):
    from mmdet.models import ResNet
    reference = ResNet(50)
    reference.load_state_dict(rgb_resnet50_state)
    reference.eval()
    model = DCTResNet('resnet_rgb', style='pytorch', out_indices=range(4))
    loaded, skipped = model.load_rgb_resnet50(rgb_resnet50_state)
    assert len(loaded) == len(rgb_resnet50_state) and not skipped
    model.eval()
    image = torch.randn(1, 3, 96, 96)
    with torch.no_grad():
        for ours, theirs in zip(model(image), reference(image)):
            torch.testing.assert_close(ours, theirs)


@pytest.mark.parametrize('arch', sorted(PRESETS))
def test_full_size_stage_shapes_at_224_and_300(arch):
    stages, side_300 = PRESETS[arch]
    model = DCTResNet(arch, out_indices=range(len(stages))).eval()
    inputs = upscaled_input if arch.startswith('dctnet') else dct_inputs
    with torch.no_grad():
        outs = model(inputs(224))
        outs_300 = model(inputs(300))
    assert [(o.shape[1], o.shape[2]) for o in outs] == stages
    assert all(o.shape[2] == o.shape[3] for o in outs + outs_300)
    assert [(o.shape[1], o.shape[2]) for o in outs_300] == \
        [(c, SIDE_AT_300[side]) for c, side in stages]
    assert outs_300[-1].shape[-1] == side_300
    assert model.stage_channels == tuple(c for c, _ in stages)


def test_dctnet_subsets_pick_the_published_frequencies():
    model = DCTResNet('dctnet_24')
    assert model.stem.y_subset.tolist() == [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18,
                                       19, 24, 25, 26, 27]
    assert model.stem.cb_subset.tolist() == [0, 1, 8, 9]
    assert DCTResNet('dctnet_32').stem.y_subset.numel() == 22
    assert model.stem.input_norm.num_features == 24


def test_ssd_taps_at_300_with_stride_one_last_stage():
    model = DCTResNet(out_indices=(1, 4), strides=(1, 1, 2, 1, 1)).eval()
    with torch.no_grad():
        outs = model(dct_inputs(300))
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
    outs = model(dct_inputs(64, batch=2))
    assert [o.shape[1] for o in outs] == [48, 256]
    sum(o.mean() for o in outs).backward()
    assert model.stem.y_norm.weight.grad is not None
    assert model.cbcr_stages[0][0].conv1.weight.grad is not None


@pytest.mark.parametrize('arch', [
    'uber_upsampling', 'uber_deconvolution_rfa', 'uber_downsampling',
    'jpeg_deep_lc_rfa_y', 'cb5_only', 'dctnet_32'
])
def test_every_merge_trains(arch):
    model = DCTResNet(arch, widen_factor=0.125)
    model.init_weights()
    out = model(dct_inputs(64, batch=2))[-1]
    out.mean().backward()
    grads = [p.grad for p in model.parameters() if p.requires_grad]
    assert all(g is not None for g in grads)


def test_zero_init_residual():
    model = DCTResNet(widen_factor=0.125)
    model.init_weights()
    assert model.trunk_stages[0][0].bn3.weight.abs().sum() == 0
    assert model.trunk_stages[0][0].bn1.weight.eq(1).all()


def test_frozen_stages_and_norm_eval():
    model = DCTResNet(widen_factor=0.125, frozen_stages=2, norm_eval=True)
    model.train()
    frozen = [model.stem, model.cbcr_stages[0], *model.stages[:2]]
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
    assert DCTResNet(out_indices=(-1, )).out_indices == (4, )
    with pytest.raises(ValueError, match='strides'):
        DCTResNet(strides=(1, 2))


@pytest.fixture(scope='module')
def rgb_resnet50_state():
    from mmdet.models import ResNet
    return ResNet(50).state_dict()


# Per preset: blocks that match ImageNet ResNet-50 (18 tensors each, 6 more
# with a projection shortcut), and the tensors whose input width differs.
@pytest.mark.parametrize('arch,blocks,projections,skipped', [
    ('late_concat_rfa_thinner', 12, 2, []),  # res3b-d, res4, res5
    ('uber_late_concat_rfa_thinner', 8, 1, []),  # res4b-f, res5
    ('cb5_only', 3, 1, []),
    ('dctnet_24', 16, 4, ['trunk_stages.0.0.conv1.weight',
                          'trunk_stages.0.0.downsample.0.weight']),
])
def test_rgb_weights_fill_exactly_the_matching_blocks(
        arch, blocks, projections, skipped, rgb_resnet50_state, tmp_path):
    path = tmp_path / 'resnet50.pth'
    torch.save({'state_dict': {f'backbone.{k}': v
                               for k, v in rgb_resnet50_state.items()}},
               path)
    model = DCTResNet(arch, rgb_pretrained=str(path))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    model.init_weights()
    # init_weights re-draws the random tensors: compare against a second
    # load over the same initialisation.
    initialised = {k: v.clone() for k, v in model.state_dict().items()}
    loaded, missed = model.load_rgb_resnet50(str(path))
    assert len(loaded) == 18 * blocks + 6 * projections - len(skipped)
    assert missed == skipped
    own = model.state_dict()
    for ours, theirs in model.rgb_key_map().items():
        for key in loaded:
            if key.startswith(ours):
                torch.testing.assert_close(
                    own[key], rgb_resnet50_state[theirs + key[len(ours):]])
    # Every tensor outside the loaded ones keeps its own initialisation.
    for key in set(own) - set(loaded):
        torch.testing.assert_close(own[key], initialised[key])
    assert before.keys() == own.keys()


def test_rgb_weights_log_the_blocks_and_refuse_a_foreign_checkpoint(
        rgb_resnet50_state):
    import logging
    partial = {k: v for k, v in rgb_resnet50_state.items()
               if not k.startswith('layer4.2.')}
    model = DCTResNet('cb5_only')
    logger = logging.getLogger('rgb_load_test')
    messages = []
    handler = logging.Handler()
    handler.emit = lambda record: messages.append(record.getMessage())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    loaded, _ = model.load_rgb_resnet50(partial, logger=logger)
    assert len(loaded) == 18 * 2 + 6
    assert 'trunk_stages.0.0 <- layer4.0 (24)' in messages[0]
    assert 'trunk_stages.0.2 <- layer4.2 (0)' in messages[0]
    assert '18 not in the checkpoint' in messages[0]
    with pytest.raises(ValueError, match='none of the .* cb5_only takes'):
        model.load_rgb_resnet50({'fc.weight': torch.zeros(1000, 2048)})


def test_pytorch_style_puts_the_stride_on_the_3x3():
    model = DCTResNet(style='pytorch')
    down = model.y_stages[2][0]
    assert down.conv1.stride == (1, 1) and down.conv2.stride == (2, 2)
    with pytest.raises(ValueError, match='style'):
        DCTResNet(style='keras')
