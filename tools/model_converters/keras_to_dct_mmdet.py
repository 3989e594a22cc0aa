"""Convert Keras HDF5 weights (by layer name) to a DCT backbone.

    python tools/model_converters/keras_to_dct_mmdet.py WEIGHTS.h5 ARCH OUT.pth
        [--map OURS=KERAS ...] [--prefix backbone.]

Keras ResNet names follow ``resnet50_weights_tf_dim_ordering_tf_kernels.h5``:
``res3b_branch2a`` (convs), ``bn3b_branch2a`` (batch norms), ``conv1`` /
``bn_conv1`` (stem). Every block that ``DCTResNet.rgb_key_map()`` marks as an
ImageNet block is taken from its Keras name (torchvision ``layer2.1`` is
Keras ``3b``). ``--map`` names what else to take, for the sources' own
layers:

* a bottleneck block: ``y_stages.0.0=res2a3`` (its ``res2a3_branch2a``,
  ``bn2a3_branch2a``, ... layers);
* one layer, by module path: a batch norm (``stem.y_norm=bn_y``), a conv
  or transposed conv (``stem.cb_deconv=deconv_cb``,
  ``y_convs.0=block4_conv1`` for a ``DCTVGG`` preset). The names from before
  the input layers moved into ``stem`` (``y_norm=bn_y``) still work.

Kernels are transposed to PyTorch's layout; a block's Keras conv biases are
folded into the following batch norm (our block convs have none). Prints what
it converted and what it could not find; stops on a shape mismatch.
"""
import argparse
import string

import h5py
import numpy as np
import torch
import torch.nn as nn
from torch.nn.modules.batchnorm import _BatchNorm

from dct_mmdet.models import DCTResNet
from dct_mmdet.models.backbones.dct_stems import current_name
from dct_mmdet.models.backbones.presets import build_preset

BRANCHES = {'conv1': '2a', 'conv2': '2b', 'conv3': '2c', 'downsample': '1'}


def keras_block(torch_block: str) -> str:
    """'layer2.1.' -> '3b' (Keras stage = torchvision layer + 1)."""
    layer, index = torch_block.rstrip('.').split('.')
    return f'{int(layer[5:]) + 1}{string.ascii_lowercase[int(index)]}'


def read_keras_layers(path: str) -> dict:
    """{layer name: {weight name ('kernel', 'gamma', ...): array}}."""
    layers = {}
    with h5py.File(path, 'r') as f:
        root = f['model_weights'] if 'model_weights' in f else f
        for name in root.attrs['layer_names']:
            name = name.decode() if isinstance(name, bytes) else name
            group = root[name]
            weights = {}
            for weight in group.attrs['weight_names']:
                weight = weight.decode() if isinstance(weight, bytes) \
                    else weight
                key = weight.split('/')[-1].split(':')[0]
                weights[key] = np.array(group[weight])
            if weights:
                layers[name] = weights
    return layers


def tensor(array: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(array))


def convert_bn(bn: dict, key: str, out: dict, shift=0) -> None:
    """Keras BN (``scale``/``center`` may be off) -> PyTorch; ``shift`` is
    a preceding conv bias folded into the running mean."""
    channels = bn['moving_mean'].shape[0]
    out[f'{key}.weight'] = tensor(bn.get('gamma', np.ones(channels)))
    out[f'{key}.bias'] = tensor(bn.get('beta', np.zeros(channels)))
    out[f'{key}.running_mean'] = tensor(bn['moving_mean'] - shift)
    out[f'{key}.running_var'] = tensor(bn['moving_variance'])


def convert_kernel(layer: dict, key: str, out: dict) -> None:
    """Conv2D (kh, kw, in, out) -> (out, in, kh, kw); Conv2DTranspose
    (kh, kw, out, in) -> (in, out, kh, kw): the same permutation."""
    out[f'{key}.weight'] = tensor(layer['kernel'].transpose(3, 2, 0, 1))
    if 'bias' in layer:
        out[f'{key}.bias'] = tensor(layer['bias'])


def convert_conv_bn(conv: dict, bn: dict, conv_key: str, bn_key: str,
                    out: dict) -> None:
    # BN(conv(x) + b) == BN'(conv(x)) with the running mean shifted by b.
    convert_kernel(dict(kernel=conv['kernel']), conv_key, out)
    convert_bn(bn, bn_key, out, shift=conv.get('bias', 0))


def convert_block(layers: dict, own: dict, ours: str, keras: str,
                  out: dict, missing: list) -> None:
    for branch, suffix in BRANCHES.items():
        conv_name = f'res{keras}_branch{suffix}'
        bn_name = f'bn{keras}_branch{suffix}'
        if branch == 'downsample':
            conv_key, bn_key = f'{ours}downsample.0', f'{ours}downsample.1'
        else:
            conv_key, bn_key = f'{ours}{branch}', f'{ours}bn{branch[-1]}'
        if f'{conv_key}.weight' not in own:
            continue
        if conv_name not in layers or bn_name not in layers:
            missing.append(conv_name)
            continue
        convert_conv_bn(layers[conv_name], layers[bn_name], conv_key, bn_key,
                        out)


def convert_layer(layers: dict, model: nn.Module, own: dict, ours: str,
                  keras: str, out: dict, missing: list) -> None:
    """One mapped module: a bottleneck block, a batch norm or a conv."""
    module = model.get_submodule(ours)
    if isinstance(module, _BatchNorm):
        kind = 'batch norm'
    elif isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        kind = 'conv'
    elif hasattr(module, 'conv3'):
        convert_block(layers, own, f'{ours}.', keras.replace('res', '', 1),
                      out, missing)
        return
    else:
        raise SystemExit(f'--map {ours}: a {type(module).__name__}, not a '
                         'bottleneck block, batch norm or conv')
    if keras not in layers:
        missing.append(keras)
    elif kind == 'batch norm':
        convert_bn(layers[keras], ours, out)
    elif module.bias is None and 'bias' in layers[keras]:
        raise SystemExit(f'--map {ours}={keras}: the Keras layer has a bias '
                         'and ours has none (map its block instead)')
    else:
        convert_kernel(layers[keras], ours, out)


def convert(layers: dict, model: nn.Module, extra: dict) -> tuple:
    """Return (state dict, missing Keras layer names)."""
    state, missing = {}, []
    own = model.state_dict()
    if isinstance(model, DCTResNet):
        for ours, theirs in model.rgb_key_map().items():
            if theirs.startswith('layer'):
                convert_block(layers, own, ours, keras_block(theirs), state,
                              missing)
        if model.merge == 'rgb':
            if 'conv1' in layers and 'bn_conv1' in layers:
                convert_conv_bn(layers['conv1'], layers['bn_conv1'],
                                'stem.conv1', 'stem.bn1', state)
            else:
                missing.append('conv1')
    for ours, keras in extra.items():
        convert_layer(layers, model, own, current_name(ours.rstrip('.')),
                      keras, state, missing)
    return state, missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('weights', help='Keras HDF5 weights file')
    parser.add_argument('arch', help='a DCTResNet or DCTVGG preset')
    parser.add_argument('out', help='output .pth (a state_dict checkpoint)')
    parser.add_argument('--map', nargs='*', default=[],
                        help='OURS=KERAS pairs: a block (y_stages.0.0=res2a3) '
                        'or one layer (stem.y_norm=bn_y)')
    parser.add_argument('--prefix', default='backbone.',
                        help="key prefix (default 'backbone.', as in "
                        'classifier and detector checkpoints)')
    args = parser.parse_args()
    extra = dict(pair.split('=', 1) for pair in args.map)
    try:
        model = build_preset(args.arch)
    except KeyError:
        raise SystemExit(
            f'unknown arch {args.arch!r}: a DCTResNet or DCTVGG preset')
    state, missing = convert(read_keras_layers(args.weights), model, extra)
    shapes = model.state_dict()
    wrong = [
        f'{k} {tuple(v.shape)} vs ours {tuple(shapes[k].shape)}'
        for k, v in state.items() if v.shape != shapes[k].shape
    ]
    if wrong:
        raise SystemExit(f'shape mismatch for {wrong}: is {args.arch} the '
                         'network these weights were trained for?')
    torch.save({'state_dict': {args.prefix + k: v.float()
                               for k, v in state.items()}}, args.out)
    print(f'converted {len(state)} tensors into {args.out}; missing Keras '
          f'layers: {missing or "none"}')


if __name__ == '__main__':
    main()
