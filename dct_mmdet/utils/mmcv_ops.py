"""mmdet 3.3.0 imports ``mmcv.ops`` everywhere: fail early and clearly when
mmcv is missing or is an ops-less build (mmcv-lite)."""
import importlib.util

_RECIPE = (
    'Install torch first, then `pip install "setuptools<81" wheel ninja '
    'psutil` and `MMCV_WITH_OPS=1 pip install --no-build-isolation '
    'mmcv==2.1.0` (or `make install`, which does this and can take a '
    'prebuilt wheel from PIP_FIND_LINKS).')


def check_mmcv_ops() -> None:
    if importlib.util.find_spec('mmcv') is None:
        raise ImportError(f'dct_mmdet needs mmcv==2.1.0 with compiled ops, '
                          f'and mmcv is not installed. {_RECIPE}')
    if importlib.util.find_spec('mmcv._ext') is None:
        raise ImportError(
            'dct_mmdet needs mmcv==2.1.0 with compiled ops, but the installed '
            'mmcv has no `mmcv._ext` (mmcv-lite, or a build that could not '
            f'see torch). Uninstall it, then: {_RECIPE}')
