import pytest
import torch
from mmengine.runner.checkpoint import load_checkpoint

from conftest import dct_inputs
from dct_mmdet.models import DCTVGG, DCTResNet
from dct_mmdet.models.backbones.dct_stems import (STEMS, build_stem,
                                                  merge_of)


def test_every_preset_names_a_stem_and_a_typo_is_refused():
    for family in (DCTResNet, DCTVGG):
        for arch, setting in family.arch_settings.items():
            assert merge_of(setting) in STEMS, arch
    with pytest.raises(ValueError, match="unknown merge 'upsampel'"):
        build_stem(dict(merge='upsampel'), False, int)


def legacy_names(state: dict) -> dict:
    """Today's keys as checkpoints saved before the stem module named
    them: the stem's layers at the backbone's top level, the ITSC block
    conv as ``stem.0``."""
    def old(key):
        if key.startswith('stem.block_conv.'):
            return 'stem.0.' + key[len('stem.block_conv.'):]
        return key[len('stem.'):] if key.startswith('stem.') else key
    return {old(key): value for key, value in state.items()}


@pytest.mark.parametrize('family,arch', [
    (DCTResNet, 'jpeg_deep_lc_rfa_thinner'),  # late, with chroma stages
    (DCTResNet, 'uber_downsampling'),
    (DCTResNet, 'resnet_rgb'),
    (DCTVGG, 'itsc_vgg_dct'),
    (DCTVGG, 'jpeg_deep_vgg_dct_deconv'),
])
def test_checkpoints_from_before_the_stem_modules_load(
        family, arch, tmp_path):
    trained = family(arch, widen_factor=0.125)
    trained.init_weights()
    for param in trained.stem.parameters():  # not the init values
        param.data.normal_()
    trained.eval()
    state = legacy_names(trained.state_dict())
    assert 'stem.' not in ''.join(state) or arch == 'itsc_vgg_dct'
    path = tmp_path / 'old.pth'
    torch.save({'state_dict': {f'backbone.{k}': v
                               for k, v in state.items()}}, path)

    loaded = family(arch, widen_factor=0.125).eval()
    # The way Pretrained init and load_from read a checkpoint, strictly.
    load_checkpoint(loaded, str(path), strict=True,
                    revise_keys=[(r'^backbone\.', '')])
    expected = trained.state_dict()
    assert all(torch.equal(value, expected[key])
               for key, value in loaded.state_dict().items())
    if arch == 'resnet_rgb':
        inputs = torch.randn(1, 3, 64, 64)
    else:
        inputs = dct_inputs(64, 1, 1 if arch == 'itsc_vgg_dct' else 2)
    with torch.no_grad():
        for ours, theirs in zip(loaded(inputs), trained(inputs)):
            torch.testing.assert_close(ours, theirs)
