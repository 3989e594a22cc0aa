"""Checkpoint URLs with a checked hash: ``name-<sha256[:8]>.pth`` (what
``tools/model_converters/publish_model.py`` writes, torch.hub's convention)
is verified on download; rank 0 downloads, the other ranks load its cache."""
import os.path as osp
import re

# torch.hub's convention: `name-<sha256 prefix>.pth`.
_HASH_SUFFIX = re.compile(r'-([a-f0-9]{8,})\.')


def load_from_http(filename, map_location=None, model_dir=None,
                   progress=False):
    """mmengine's URL loader, checking the sha256 prefix in the file name
    when there is one."""
    from mmengine.dist import get_dist_info
    from torch.hub import load_state_dict_from_url
    import torch.distributed as torch_dist
    check_hash = _HASH_SUFFIX.search(osp.basename(filename)) is not None
    rank, world_size = get_dist_info()

    def load():
        return load_state_dict_from_url(
            filename,
            model_dir=model_dir,
            map_location=map_location,
            progress=progress,
            check_hash=check_hash,
            weights_only=False)

    if rank == 0:
        checkpoint = load()
    if world_size > 1:
        torch_dist.barrier()
        if rank > 0:
            checkpoint = load()
    return checkpoint


def register_url_loader() -> None:
    from mmengine.runner.checkpoint import CheckpointLoader
    CheckpointLoader.register_scheme(
        prefixes=['http://', 'https://'], loader=load_from_http, force=True)
