import h5py
import numpy as np
import torch

from conftest import run_tool
from dct_mmdet.models import DCTResNet


def write_keras_h5(path, blocks, rng):
    """A Keras-2 weights file with ResNet-50 layer names for ``blocks``
    (e.g. '5a', '5b', '5c' of stage 5, whose widths are fixed)."""
    widths = {'5': (1024, 512, 2048)}
    layers = []
    with h5py.File(path, 'w') as f:
        for block in blocks:
            stage = block[0]
            c_in, mid, c_out = widths[stage]
            first = block[1] == 'a'
            shapes = {'2a': (1, 1, c_in if first else c_out, mid),
                      '2b': (3, 3, mid, mid), '2c': (1, 1, mid, c_out)}
            if first:
                shapes['1'] = (1, 1, c_in, c_out)
            for branch, shape in shapes.items():
                for name, weights in (
                    (f'res{block}_branch{branch}',
                     dict(kernel=rng.normal(size=shape),
                          bias=rng.normal(size=shape[-1]))),
                    (f'bn{block}_branch{branch}',
                     dict(gamma=rng.normal(size=shape[-1]),
                          beta=rng.normal(size=shape[-1]),
                          moving_mean=rng.normal(size=shape[-1]),
                          moving_variance=rng.uniform(1, 2, shape[-1])))):
                    group = f.create_group(name)
                    sub = group.create_group(name)
                    group.attrs['weight_names'] = [
                        f'{name}/{k}:0'.encode() for k in weights
                    ]
                    for key, value in weights.items():
                        sub.create_dataset(f'{key}:0',
                                           data=value.astype(np.float32))
                    layers.append(name.encode())
        f.attrs['layer_names'] = layers


def test_keras_weights_round_trip_into_cb5_only(tmp_path):
    rng = np.random.default_rng(0)
    h5 = tmp_path / 'keras.h5'
    write_keras_h5(h5, ['5a', '5b', '5c'], rng)
    out = tmp_path / 'converted.pth'
    log = run_tool('tools/model_converters/keras_to_dct_mmdet.py', h5,
                   'cb5_only', out)
    assert 'missing Keras layers: none' in log
    state = torch.load(out)['state_dict']
    model = DCTResNet('cb5_only')
    result = model.load_state_dict(
        {k[len('backbone.'):]: v for k, v in state.items()}, strict=False)
    assert not result.unexpected_keys
    with h5py.File(h5) as f:
        kernel = np.array(f['res5b_branch2b/res5b_branch2b/kernel:0'])
        bias = np.array(f['res5b_branch2b/res5b_branch2b/bias:0'])
        mean = np.array(f['bn5b_branch2b/bn5b_branch2b/moving_mean:0'])
    block = model.trunk_stages[0][1]
    torch.testing.assert_close(block.conv2.weight,
                               torch.from_numpy(kernel.transpose(3, 2, 0, 1)))
    torch.testing.assert_close(block.bn2.running_mean,
                               torch.from_numpy(mean - bias))
    # The conv bias folded into BN gives Keras' output: BN(conv(x) + b).
    x = torch.randn(1, 512, 4, 4)
    block.eval()
    keras = torch.nn.functional.batch_norm(
        block.conv2(x) + torch.from_numpy(bias)[:, None, None],
        torch.from_numpy(mean), block.bn2.running_var, block.bn2.weight,
        block.bn2.bias, eps=block.bn2.eps)
    torch.testing.assert_close(block.bn2(block.conv2(x)), keras)
    # 3 blocks x 3 convs + 1 shortcut, each conv + 4 BN tensors.
    assert len(state) == 10 * 5


def write_layers(path, layers):
    """A Keras-2 weights file holding ``{layer: {weight: array}}``."""
    with h5py.File(path, 'w') as f:
        for name, weights in layers.items():
            sub = f.create_group(name).create_group(name)
            f[name].attrs['weight_names'] = [
                f'{name}/{k}:0'.encode() for k in weights
            ]
            for key, value in weights.items():
                sub.create_dataset(f'{key}:0', data=value.astype(np.float32))
        f.attrs['layer_names'] = [name.encode() for name in layers]


def test_mapped_layers_input_norm_deconvs_and_a_new_block(tmp_path):
    """The seed's own layers of `deconv`, taken by --map: a Keras BN
    without gamma (scale=False), the Cb/Cr Conv2DTranspose layers and the
    new res2a3 block ahead of the ImageNet blocks. The deconvs are named
    as before the input layers moved into ``stem``: both names work."""
    rng = np.random.default_rng(1)
    layers = {
        'bn_input': dict(beta=rng.normal(size=192),
                         moving_mean=rng.normal(size=192),
                         moving_variance=rng.uniform(1, 2, 192)),
        'deconv_cb': dict(kernel=rng.normal(size=(2, 2, 64, 64)),
                          bias=rng.normal(size=64)),
        'deconv_cr': dict(kernel=rng.normal(size=(2, 2, 64, 64)),
                          bias=rng.normal(size=64)),
    }
    for branch, shape in {'2a': (1, 1, 192, 256), '2b': (1, 1, 256, 256),
                          '2c': (1, 1, 256, 1024),
                          '1': (1, 1, 192, 1024)}.items():
        layers[f'res2a3_branch{branch}'] = dict(kernel=rng.normal(size=shape))
        layers[f'bn2a3_branch{branch}'] = dict(
            gamma=rng.normal(size=shape[-1]), beta=rng.normal(size=shape[-1]),
            moving_mean=rng.normal(size=shape[-1]),
            moving_variance=rng.uniform(1, 2, shape[-1]))
    h5, out = tmp_path / 'seed.h5', tmp_path / 'seed.pth'
    write_layers(h5, layers)
    log = run_tool('tools/model_converters/keras_to_dct_mmdet.py', h5,
                   'deconv', out, '--map', 'stem.input_norm=bn_input',
                   'cb_deconv=deconv_cb', 'cr_deconv=deconv_cr',
                   'trunk_stages.0.0=res2a3')
    # The ImageNet blocks were not in this file: named as missing.
    assert 'res3b_branch2a' in log and 'res2a3' not in log.split('missing')[1]
    state = torch.load(out)['state_dict']
    model = DCTResNet('deconv').eval()
    result = model.load_state_dict(
        {k[len('backbone.'):]: v for k, v in state.items()}, strict=False)
    assert not result.unexpected_keys
    assert len(state) == 4 + 2 * 2 + 4 * 5  # BN, 2 deconvs, 4 conv+BN
    assert model.stem.input_norm.weight.eq(1).all()  # Keras scale=False
    torch.testing.assert_close(
        model.stem.input_norm.running_mean,
        torch.from_numpy(layers['bn_input']['moving_mean']).float())
    # Keras' Conv2DTranspose(2, strides=2): out[2i+a, 2j+b, o] =
    # sum_c x[i, j, c] K[a, b, o, c] + bias[o].
    x = rng.normal(size=(3, 4, 64)).astype(np.float32)
    kernel, bias = layers['deconv_cb']['kernel'], layers['deconv_cb']['bias']
    keras = np.einsum('ijc,aboc->iajbo', x, kernel).reshape(6, 8, 64) + bias
    with torch.no_grad():
        ours = model.stem.cb_deconv(torch.from_numpy(x).permute(2, 0, 1)[None])
    np.testing.assert_allclose(ours[0].permute(1, 2, 0).numpy(), keras,
                               rtol=1e-4, atol=1e-4)


def test_vgg_layers_and_a_shape_mismatch(tmp_path):
    rng = np.random.default_rng(2)
    kernel = rng.normal(size=(3, 3, 64, 256))
    h5 = tmp_path / 'vgg.h5'
    write_layers(h5, {'block4_conv1': dict(kernel=kernel,
                                           bias=rng.normal(size=256))})
    out = tmp_path / 'vgg.pth'
    log = run_tool('tools/model_converters/keras_to_dct_mmdet.py', h5,
                   'jpeg_deep_vgg_dct', out, '--map',
                   'y_convs.0=block4_conv1', '--prefix', '')
    assert 'converted 2 tensors' in log and 'missing Keras layers: none' in log
    state = torch.load(out)['state_dict']
    torch.testing.assert_close(
        state['y_convs.0.weight'],
        torch.from_numpy(kernel.transpose(3, 2, 0, 1)).float())
    log = run_tool('tools/model_converters/keras_to_dct_mmdet.py', h5,
                   'jpeg_deep_vgg_dct', out, '--map',
                   'y_convs.2=block4_conv1', succeeds=False)
    assert 'shape mismatch for' in log and 'y_convs.2.weight' in log
    log = run_tool('tools/model_converters/keras_to_dct_mmdet.py', h5,
                   'jpeg_deep_vgg_dct', out, '--map', 'y_convs=block4_conv1',
                   succeeds=False)
    assert 'not a bottleneck block, batch norm or conv' in log
