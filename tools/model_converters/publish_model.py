"""Strip a training checkpoint for release and name it by its hash.

    python tools/model_converters/publish_model.py IN.pth OUT.pth

Keeps ``meta`` and ``state_dict`` only (no optimizer, scheduler or message
hub state), with plain-Python metadata, so that the result loads with
torch's default ``weights_only=True``, and writes it as
``<OUT stem>_<YYYYMMDD>-<sha256[:8]>.pth`` (the date the checkpoint was
trained, from its metadata, else today), the name torch.hub and
``load_from='https://...'`` check.
"""
import argparse
import hashlib
import os
import os.path as osp
import time

import numpy as np
import torch


def to_plain(value):
    """numpy scalars/arrays and tuples inside metadata -> Python types that
    torch's weights_only unpickler accepts."""
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


def sha256_of(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def publish(in_file: str, out_file: str) -> str:
    """Write the stripped checkpoint; return its final path."""
    # Our own training checkpoint: trusted, and it needs full unpickling.
    checkpoint = torch.load(in_file, map_location='cpu', weights_only=False)
    if 'state_dict' not in checkpoint:
        raise KeyError(f'{in_file} has no state_dict: not an mmengine '
                       'checkpoint')
    meta = to_plain(checkpoint.get('meta', {}))
    stripped = dict(meta=meta, state_dict=checkpoint['state_dict'])
    date = str(meta.get('time', ''))[:8]
    if not (len(date) == 8 and date.isdigit()):
        date = time.strftime('%Y%m%d')
    stem = osp.splitext(out_file)[0]
    temp = f'{stem}.tmp.pth'
    os.makedirs(osp.dirname(osp.abspath(out_file)), exist_ok=True)
    torch.save(stripped, temp)
    final = f'{stem}_{date}-{sha256_of(temp)[:8]}.pth'
    os.replace(temp, final)
    return final


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('in_file', help='training checkpoint (epoch_N.pth)')
    parser.add_argument('out_file', help='output name, e.g. '
                        'work_dirs/publish/<config name>.pth')
    args = parser.parse_args()
    final = publish(args.in_file, args.out_file)
    print(f'published {final}')


if __name__ == '__main__':
    main()
