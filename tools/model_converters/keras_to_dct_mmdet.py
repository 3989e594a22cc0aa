"""Convert Keras ResNet-50 HDF5 weights (by layer name) to a DCT backbone.

    python tools/model_converters/keras_to_dct_mmdet.py WEIGHTS.h5 ARCH OUT.pth
        [--map OUR_BLOCK=KERAS_BLOCK ...] [--prefix backbone.]

Keras layer names follow ``resnet50_weights_tf_dim_ordering_tf_kernels.h5``:
``res3b_branch2a`` (convs), ``bn3b_branch2a`` (batch norms), ``conv1`` /
``bn_conv1`` (stem). Every block that ``DCTResNet.rgb_key_map()`` marks as an
ImageNet block is taken from its Keras name (torchvision ``layer2.1`` is
Keras ``3b``); ``--map y_stages.0.0=res2a3`` adds blocks under other names
(the seed's new layers). Kernels are transposed to PyTorch's layout and the
Keras conv biases are folded into the following batch norm (our convs have
none). Prints what it converted and what it could not find.
"""
import argparse
import string

import h5py
import numpy as np
import torch

from dct_mmdet.models import DCTResNet

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


def convert_conv_bn(conv: dict, bn: dict, conv_key: str, bn_key: str,
                    out: dict) -> None:
    kernel = conv['kernel']  # (kh, kw, in, out)
    out[f'{conv_key}.weight'] = torch.from_numpy(
        kernel.transpose(3, 2, 0, 1).copy())
    bias = conv.get('bias', np.zeros(kernel.shape[-1], kernel.dtype))
    # BN(conv(x) + b) == BN'(conv(x)) with the running mean shifted by b.
    out[f'{bn_key}.weight'] = torch.from_numpy(bn['gamma'].copy())
    out[f'{bn_key}.bias'] = torch.from_numpy(bn['beta'].copy())
    out[f'{bn_key}.running_mean'] = torch.from_numpy(bn['moving_mean'] - bias)
    out[f'{bn_key}.running_var'] = torch.from_numpy(
        bn['moving_variance'].copy())


def convert(layers: dict, model: DCTResNet, extra: dict) -> tuple:
    """Return (state dict, missing Keras layer names)."""
    blocks = {ours: keras_block(theirs)
              for ours, theirs in model.rgb_key_map().items()
              if theirs.startswith('layer')}
    blocks.update({f'{k.rstrip(".")}.': v.replace('res', '', 1)
                   for k, v in extra.items()})
    state, missing = {}, []
    own = model.state_dict()
    for ours, keras in blocks.items():
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
            convert_conv_bn(layers[conv_name], layers[bn_name], conv_key,
                            bn_key, state)
    if model.merge == 'rgb':
        if 'conv1' in layers and 'bn_conv1' in layers:
            convert_conv_bn(layers['conv1'], layers['bn_conv1'], 'conv1',
                            'bn1', state)
        else:
            missing.append('conv1')
    return state, missing


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('weights', help='Keras HDF5 weights file')
    parser.add_argument('arch', help='a DCTResNet preset')
    parser.add_argument('out', help='output .pth (a state_dict checkpoint)')
    parser.add_argument('--map', nargs='*', default=[],
                        help='OUR_BLOCK=KERAS_BLOCK pairs, e.g. '
                        'y_stages.0.0=res2a3')
    parser.add_argument('--prefix', default='backbone.',
                        help="key prefix (default 'backbone.', as in "
                        'classifier and detector checkpoints)')
    args = parser.parse_args()
    extra = dict(pair.split('=', 1) for pair in args.map)
    model = DCTResNet(args.arch)
    state, missing = convert(read_keras_layers(args.weights), model, extra)
    shapes = model.state_dict()
    wrong = [k for k, v in state.items() if v.shape != shapes[k].shape]
    if wrong:
        raise SystemExit(f'shape mismatch for {wrong}: is {args.arch} the '
                         'network these weights were trained for?')
    torch.save({'state_dict': {args.prefix + k: v
                               for k, v in state.items()}}, args.out)
    print(f'converted {len(state)} tensors into {args.out}; missing Keras '
          f'layers: {missing or "none"}')


if __name__ == '__main__':
    main()
