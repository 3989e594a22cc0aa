"""Fixes for known defects of the pinned upstream stack, applied once when
``dct_mmdet`` is imported, so that no user config has to work around them."""
import importlib.util
import os.path as osp

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


def _fix_checkpoint_loading() -> None:
    from mmengine.runner.checkpoint import CheckpointLoader
    CheckpointLoader.register_scheme(
        prefixes='', loader=load_from_local, force=True)


def _fix_ssd_head_loss_cls() -> None:
    """mmdet 3.3.0's ``SSDHead`` skips ``AnchorHead.__init__`` and so never
    sets ``loss_cls``, which ``BaseDenseHead`` reads at predict time. Its
    classification loss is the built-in hard-negative-mined cross entropy,
    so there is no loss module: ``None`` is the truthful value."""
    from mmdet.models.dense_heads import SSDHead
    if getattr(SSDHead.__init__, '_dct_mmdet_fixed', False):
        return
    original_init = SSDHead.__init__

    def __init__(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        if not hasattr(self, 'loss_cls'):
            self.loss_cls = None

    __init__._dct_mmdet_fixed = True
    __init__.__doc__ = original_init.__doc__
    SSDHead.__init__ = __init__


def apply_upstream_fixes() -> None:
    """Apply every fix; safe to call more than once."""
    _fix_checkpoint_loading()
    _fix_ssd_head_loss_cls()
