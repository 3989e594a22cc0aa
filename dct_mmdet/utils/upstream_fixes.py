"""Fixes for known defects of the upstream stack, each applied only where the
installed versions have the defect, when ``dct_mmdet`` is imported, so that
no user config has to work around them. ``python -m dct_mmdet.check_env``
reports each as active or not needed."""
import os
import os.path as osp
import re
from dataclasses import dataclass
from importlib import metadata
from typing import Callable, Optional, Tuple


def release(package: str) -> Optional[Tuple[int, ...]]:
    """The installed release of ``package`` as numbers (``'2.13.0+cpu'``
    -> ``(2, 13, 0)``), None when it is not installed."""
    try:
        version = metadata.version(package)
    except metadata.PackageNotFoundError:
        return None
    return tuple(int(part) for part in re.findall(r'\d+',
                                                  version.split('+')[0])[:3])


@dataclass(frozen=True)
class UpstreamFix:
    """One defect: where it is (``affected()``: the installed versions have
    it) and its fix (``apply()``: idempotent)."""
    name: str
    affects: str
    affected: Callable[[], bool]
    apply: Callable[[], None]


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


def _fix_local_checkpoints() -> None:
    from mmengine.runner.checkpoint import CheckpointLoader
    CheckpointLoader.register_scheme(
        prefixes='', loader=load_from_local, force=True)


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


def _fix_external_base_lookup() -> None:
    """mmengine 0.10.7, each time a config names a ``pkg::`` base, reloads
    ``pkg_resources`` to check that the package is installed (0.03 s) and
    reads every metafile of its model zoo (about 100 YAML files for mmdet,
    0.3 s) to learn whether the base is a model-zoo config; our configs
    inherit ``mmdet::`` bases, so loading one took 0.7 s instead of 0.1 s.
    Neither answer changes within a process (a package installed stays
    installed): look each up once."""
    from mmengine.config import config as config_module
    from mmengine.config import utils as config_utils
    if getattr(config_utils._get_cfg_metainfo, '_dct_mmdet_fixed', False):
        return
    metainfo, is_installed = config_utils._get_cfg_metainfo, \
        config_module.is_installed
    answers, installed = {}, set()

    def _get_cfg_metainfo(package_path: str, cfg_path: str) -> dict:
        key = (package_path, cfg_path)
        if key not in answers:
            try:
                answers[key] = metainfo(package_path, cfg_path)
            except ValueError as error:  # not a model-zoo config
                answers[key] = str(error)
        if isinstance(answers[key], str):
            raise ValueError(answers[key])
        return answers[key]

    def is_installed_once(package: str) -> bool:
        if package not in installed and is_installed(package):
            installed.add(package)
        return package in installed

    _get_cfg_metainfo._dct_mmdet_fixed = True
    config_utils._get_cfg_metainfo = _get_cfg_metainfo
    config_module.is_installed = is_installed_once


def _at_most(package: str, version: Tuple[int, ...]) -> Callable[[], bool]:
    def affected() -> bool:
        installed = release(package)
        return installed is not None and installed <= version

    return affected


def _torch_weights_only_default() -> bool:
    torch, mmengine = release('torch'), release('mmengine')
    return torch is not None and torch >= (2, 6) and \
        mmengine is not None and mmengine <= (0, 10, 7)


FIXES = (
    UpstreamFix('checkpoint loading with weights_only=False',
                'torch >= 2.6 with mmengine <= 0.10.7',
                _torch_weights_only_default, _fix_local_checkpoints),
    UpstreamFix('SSDHead.loss_cls', 'mmdet <= 3.3.0',
                _at_most('mmdet', (3, 3, 0)), _fix_ssd_head_loss_cls),
    UpstreamFix('L2Norm weight initialised', 'mmdet <= 3.3.0',
                _at_most('mmdet', (3, 3, 0)), _fix_l2_norm_init),
    UpstreamFix('CPU-only distributed launch', 'mmengine <= 0.10.7',
                _at_most('mmengine', (0, 10, 7)), _fix_cpu_distributed),
    UpstreamFix('pkg:: config bases resolved once', 'mmengine <= 0.10.7',
                _at_most('mmengine', (0, 10, 7)), _fix_external_base_lookup),
)


def apply_upstream_fixes() -> Tuple[str, ...]:
    """Apply the fixes the installed versions need; safe to call more than
    once. Returns the names of those applied."""
    applied = []
    for fix in FIXES:
        if fix.affected():
            fix.apply()
            applied.append(fix.name)
    return tuple(applied)
