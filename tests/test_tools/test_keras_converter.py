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
