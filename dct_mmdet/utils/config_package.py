"""Let configs inherit ours with ``_base_ = 'dct_mmdet::...'``."""
import os.path as osp


def register_config_package() -> None:
    """mmengine 0.10.7 only resolves packages of a hard-coded table, and
    finds their ``.mim`` folder next to the distribution's location, which
    an editable install does not have: name the package, and point mmengine
    at the imported package's own folder."""
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
