"""Print the versions of the stack and whether its known traps are handled:
``python -m dct_mmdet.check_env``."""
import importlib
import importlib.util
import platform


def collect() -> dict:
    info = {'python': platform.python_version()}
    for name in ('torch', 'mmcv', 'mmengine', 'mmdet', 'numpy', 'setuptools',
                 'cv2', 'PIL', 'pycocotools', 'h5py'):
        try:
            module = importlib.import_module(name)
            info[name] = getattr(module, '__version__', 'installed')
        except Exception as exc:  # report, do not stop
            info[name] = f'unavailable ({exc.__class__.__name__}: {exc})'
    info['mmcv ops compiled'] = importlib.util.find_spec('mmcv._ext') \
        is not None
    try:
        from mmcv.ops import get_compiling_cuda_version
        info['mmcv CUDA'] = get_compiling_cuda_version()
    except Exception as exc:
        info['mmcv CUDA'] = f'unavailable ({exc})'
    info['pkg_resources'] = importlib.util.find_spec('pkg_resources') \
        is not None
    info['jpeg2dct'] = importlib.util.find_spec('jpeg2dct') is not None
    try:
        from dct_codec import native
        info['native DCT reader'] = 'built (libjpeg %d)' % \
            native._jpegdct.LIBJPEG_VERSION if native.available() else \
            f'not built ({native.IMPORT_ERROR})'
    except Exception as exc:
        info['native DCT reader'] = f'unavailable ({exc})'
    try:
        import dct_mmdet
        info['dct_mmdet'] = dct_mmdet.__version__
    except Exception as exc:
        info['dct_mmdet'] = f'import failed ({exc.__class__.__name__}: {exc})'
        return info
    from dct_mmdet.utils.upstream_fixes import FIXES
    for fix in FIXES:
        info[f'fix: {fix.name}'] = \
            f'active ({fix.affects})' if fix.affected() else \
            f'not needed (only {fix.affects})'
    return info


def main() -> int:
    info = collect()
    width = max(map(len, info))
    for key, value in info.items():
        print(f'{key:<{width}} : {value}')
    has_reader = info['jpeg2dct'] or \
        str(info['native DCT reader']).startswith('built')
    ok = info['mmcv ops compiled'] and info['pkg_resources'] and \
        has_reader and not str(info['dct_mmdet']).startswith('import')
    print('environment OK' if ok else 'environment NOT usable (see above)')
    return 0 if ok else 1


if __name__ == '__main__':
    raise SystemExit(main())
