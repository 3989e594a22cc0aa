"""Fixes for known defects of the pinned upstream stack, applied once when
``dct_mmdet`` is imported, so that no user config has to work around them."""
import importlib.util
import os
import os.path as osp
import re

_RECIPE = (
    'Install torch first, then `pip install "setuptools<81" wheel ninja '
    'psutil` and `MMCV_WITH_OPS=1 pip install --no-build-isolation '
    'mmcv==2.1.0` (or `make install`, which does this and can take a '
    'prebuilt wheel from PIP_FIND_LINKS).')


def check_mmcv_ops() -> None:
    """mmdet 3.3.0 imports ``mmcv.ops`` everywhere: fail early and clearly
    when mmcv is missing or is an ops-less build (mmcv-lite)."""
    if importlib.util.find_spec('mmcv') is None:
        raise ImportError(f'dct_mmdet needs mmcv==2.1.0 with compiled ops, '
                          f'and mmcv is not installed. {_RECIPE}')
    if importlib.util.find_spec('mmcv._ext') is None:
        raise ImportError(
            'dct_mmdet needs mmcv==2.1.0 with compiled ops, but the installed '
            'mmcv has no `mmcv._ext` (mmcv-lite, or a build that could not '
            f'see torch). Uninstall it, then: {_RECIPE}')


def load_from_local(filename, map_location):
    """mmengine 0.10.7's local loader, with ``weights_only=False``.

    torch >= 2.6 defaults to ``weights_only=True``, which cannot unpickle the
    message hub and optimizer state of a training checkpoint, so ``--resume``,
    ``load_from`` and ``tools/test.py`` on ``epoch_N.pth`` all failed. A
    checkpoint is a pickle: load only files you trust.
    """
    import torch
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    return torch.load(
        filename, map_location=map_location, weights_only=False)


def _fix_ssd_head_loss_cls() -> None:
    """mmdet 3.3.0's ``SSDHead`` skips ``AnchorHead.__init__`` and so never
    sets ``loss_cls``, which ``BaseDenseHead`` reads at predict time. Its
    classification loss is the built-in hard-negative-mined cross entropy,
    so there is no loss module: ``None`` is the truthful value."""
    from mmdet.models.dense_heads import SSDHead

    def set_loss_cls(head):
        if not hasattr(head, 'loss_cls'):
            head.loss_cls = None

    _run_after_init(SSDHead, set_loss_cls)


def _fix_l2_norm_init() -> None:
    """mmdet 3.3.0's ``L2Norm`` (SSD's conv4_3 scale) makes its weight with
    ``torch.Tensor(n)``: uninitialised memory, NaN at times, until
    ``SSDNeck.init_weights`` writes the scale. A model used without
    ``init_weights`` (``init_detector`` without a checkpoint, a benchmark on
    random weights) computed garbage: start the weight at the scale."""
    from mmdet.models.necks.ssd_neck import L2Norm
    from torch import nn
    _run_after_init(
        L2Norm, lambda norm: nn.init.constant_(norm.weight, norm.scale))


def _run_after_init(cls, fix) -> None:
    """Call ``fix(instance)`` at the end of ``cls.__init__``, once."""
    original_init = cls.__init__
    if getattr(original_init, '_dct_mmdet_fixed', False):
        return

    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        fix(self)

    __init__._dct_mmdet_fixed = True
    __init__.__doc__ = original_init.__doc__
    cls.__init__ = __init__


# torch.hub's convention: `name-<sha256 prefix>.pth`.
_HASH_SUFFIX = re.compile(r'-([a-f0-9]{8,})\.')


def load_from_http(filename, map_location=None, model_dir=None,
                   progress=False):
    """mmengine's URL loader, checking the sha256 prefix in the file name
    (``name-<sha256[:8]>.pth``, as publish_model.py writes it) when there is
    one. Rank 0 downloads, the other ranks wait, then all load the cache."""
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


def _fix_checkpoint_loading() -> None:
    from mmengine.runner.checkpoint import CheckpointLoader
    CheckpointLoader.register_scheme(
        prefixes='', loader=load_from_local, force=True)
    CheckpointLoader.register_scheme(
        prefixes=['http://', 'https://'], loader=load_from_http, force=True)


def _fix_cpu_distributed() -> None:
    """mmengine 0.10.7 calls ``torch.cuda.set_device`` even on machines
    without CUDA, so ``--launcher pytorch`` failed on CPU: there, set up the
    process group without it."""
    from mmengine.dist import utils as dist_utils
    if getattr(dist_utils._init_dist_pytorch, '_dct_mmdet_fixed', False):
        return
    original = dist_utils._init_dist_pytorch

    def _init_dist_pytorch(backend, init_backend='torch', **kwargs):
        import torch
        if torch.cuda.is_available() or init_backend != 'torch':
            return original(backend, init_backend=init_backend, **kwargs)
        torch.distributed.init_process_group(
            backend=backend,
            rank=int(os.environ['RANK']),
            world_size=int(os.environ['WORLD_SIZE']),
            **kwargs)

    _init_dist_pytorch._dct_mmdet_fixed = True
    dist_utils._init_dist_pytorch = _init_dist_pytorch


def _register_config_package() -> None:
    """Let configs inherit ours with ``_base_ = 'dct_mmdet::...'``.

    mmengine 0.10.7 only resolves packages of a hard-coded table, and finds
    their ``.mim`` folder next to the distribution's location, which an
    editable install does not have: name the package, and point mmengine at
    the imported package's own folder.
    """
    from mmengine.config import config as config_module
    from mmengine.config.utils import MODULE2PACKAGE
    MODULE2PACKAGE['dct_mmdet'] = 'dct_mmdet'
    original = config_module.get_installed_path
    if getattr(original, '_dct_mmdet_fixed', False):
        return

    def get_installed_path(package: str) -> str:
        if package == 'dct_mmdet':
            return osp.dirname(osp.dirname(osp.abspath(__file__)))
        return original(package)

    get_installed_path._dct_mmdet_fixed = True
    config_module.get_installed_path = get_installed_path


def apply_upstream_fixes() -> None:
    """Apply every fix; safe to call more than once."""
    _fix_checkpoint_loading()
    _fix_ssd_head_loss_cls()
    _fix_l2_norm_init()
    _fix_cpu_distributed()
    _register_config_package()
