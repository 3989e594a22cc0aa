"""``dct_mmdet.codec`` is the framework-free :mod:`dct_codec` package,
re-exported so that code written against ``dct_mmdet`` needs one import."""
from dct_codec import *  # noqa: F401,F403
from dct_codec import __all__  # noqa: F401
