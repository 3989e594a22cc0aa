def register_all_modules(init_default_scope: bool = True) -> None:
    """Register mmdet's and dct_mmdet's modules and (optionally) set the
    default scope to ``mmdet``, for tests and notebooks that build modules
    without a config's ``custom_imports``."""
    from mmdet.utils import register_all_modules as register_mmdet
    register_mmdet(init_default_scope=init_default_scope)
    import dct_mmdet  # noqa: F401  (registers the plugin's modules)
