"""ImageNet RGB ResNet-50 weights into the DCT ResNet blocks that match
them (``DCTResNet.rgb_key_map``): the transfer every DCT ResNet of the
literature starts from."""
from typing import List, Optional, Tuple, Union

import torch.nn as nn
from mmengine.logging import print_log
from mmengine.runner.checkpoint import CheckpointLoader


def _plain_names(checkpoint: Union[str, dict]) -> dict:
    """The tensors of a path or state dict, ``backbone.`` / ``module.``
    prefixes dropped (mmdet and DataParallel checkpoints)."""
    if not isinstance(checkpoint, dict):
        checkpoint = CheckpointLoader.load_checkpoint(
            checkpoint, map_location='cpu')
    source = checkpoint.get('state_dict', checkpoint)
    return {
        key.split('backbone.', 1)[-1].split('module.', 1)[-1]: value
        for key, value in source.items()
    }


def load_rgb_resnet50(backbone: nn.Module,
                      checkpoint: Union[str, dict],
                      logger: Optional[object] = None
                      ) -> Tuple[List[str], List[str]]:
    """Copy ImageNet ResNet-50 tensors into ``backbone``'s matching blocks.

    ``checkpoint``: a path or a state dict, with torchvision or mmdet
    names. Logs which block took which ImageNet block, the tensors skipped
    for a shape mismatch and those the checkpoint lacks; raises if it holds
    none of them (not a ResNet-50). Returns the names loaded and the names
    skipped for a shape mismatch.
    """
    name = checkpoint if isinstance(checkpoint, str) else 'state dict'
    source = _plain_names(checkpoint)
    key_map = backbone.rgb_key_map()
    own = backbone.state_dict()
    loaded, skipped, absent, blocks, mismatches = [], [], [], [], []
    for ours, theirs in key_map.items():
        count = 0
        for key in [k for k in own if k.startswith(ours)]:
            tensor = source.get(theirs + key[len(ours):])
            if tensor is None:
                absent.append(key)
            elif tensor.shape == own[key].shape:
                own[key].copy_(tensor)
                loaded.append(key)
                count += 1
            else:
                skipped.append(key)
                mismatches.append(
                    f'{key} {tuple(own[key].shape)} vs {theirs}'
                    f'{key[len(ours):]} {tuple(tensor.shape)}')
        blocks.append(f'{ours[:-1]} <- {theirs[:-1]} ({count})')
    if not loaded:
        raise ValueError(
            f'{name}: none of the {len(absent) + len(skipped)} ImageNet '
            f'ResNet-50 tensors that {backbone.arch} takes is in it (e.g. '
            f'{next(iter(key_map.values()))}conv1.weight)')
    print_log(
        f'{backbone.arch}: loaded {len(loaded)} ImageNet ResNet-50 tensors '
        f'from {name}: ' + ', '.join(blocks) +
        f'; skipped {len(skipped)} for shape: {mismatches}'
        f'; {len(absent)} not in the checkpoint: {absent}',
        logger=logger or 'current')
    return loaded, skipped
