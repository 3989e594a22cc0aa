from pathlib import Path

from setuptools import Extension, find_packages, setup

here = Path(__file__).parent


def read_requirements(name):
    lines = (here / 'requirements' / name).read_text().splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.startswith('#')]


version = {}
exec((here / 'dct_mmdet' / 'version.py').read_text(), version)

# The native DCT reader. Optional: without a C compiler or the libjpeg
# headers the install still succeeds and the library uses jpeg2dct.
native_reader = Extension(
    'dct_codec._jpegdct',
    sources=['dct_codec/_jpegdct.c', 'dct_codec/jpegdct_core.c'],
    depends=['dct_codec/jpegdct_core.h'],
    libraries=['jpeg', 'm'],
    extra_compile_args=['-O3', '-fno-math-errno'],
    optional=True)

setup(
    name='dct_mmdet',
    version=version['__version__'],
    description='Object detection straight from JPEG DCT coefficients, '
    'as MMDetection 3.x plugins',
    long_description=(here / 'README.md').read_text(),
    long_description_content_type='text/markdown',
    python_requires='>=3.9',
    packages=find_packages(exclude=('tests', 'tests.*', 'configs', 'tools')),
    # dct_mmdet/.mim links to configs/, tools/ and model-index.yml (as
    # mmdet's wheel ships them), so that `_base_ = 'dct_mmdet::...'` works.
    package_data={
        'dct_mmdet': [
            '.mim/model-index.yml', '.mim/configs/**/*.py',
            '.mim/configs/**/*.yml', '.mim/tools/**/*.py',
            '.mim/tools/**/*.sh'
        ]
    },
    # torch and the compiled mmcv==2.1.0 must be installed before this
    # package (mmcv has no wheel on PyPI; see README), so they are not listed.
    ext_modules=[native_reader],
    install_requires=read_requirements('runtime.txt'),
    extras_require={
        # The fallback reader; Uber Non-Commercial License.
        'jpeg2dct': ['jpeg2dct-numpy==1.0.0'],
        'tests': read_requirements('tests.txt'),
    },
)
