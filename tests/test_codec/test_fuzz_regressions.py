"""The fuzzers' regression corpus (tests/data/fuzz_regressions): every
reproducer found so far, and the hand-made hostile files of issue #12, each
with its expected outcome per mode in ``expected.json`` -- coefficients
("ok") or a named ``JPEGReadError`` kind. See tools/fuzz/README.md."""
import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from conftest import REPO, jpeg_bytes
from dct_codec import ERROR_KINDS, JPEGReadError, read_dct

CORPUS = REPO / 'tests' / 'data' / 'fuzz_regressions'
MANIFEST = json.loads((CORPUS / 'expected.json').read_text())
MODES = ('strict', 'lenient', 'jpeg2dct')
MEMORY_LIMIT = 200 << 20

try:
    import jpeg2dct.numpy  # noqa: F401
    HAVE_JPEG2DCT = True
except ImportError:
    HAVE_JPEG2DCT = False


def read(data: bytes, mode: str, entry: dict, name='regression.jpg'):
    """One read of the manifest's kind ``mode``."""
    if mode == 'jpeg2dct':
        options = dict(backend='jpeg2dct')
    else:
        options = dict(backend='native', strict=mode == 'strict',
                       chroma=entry.get('chroma', '420'))
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # lenient reads warn
        return read_dct(data, name=name, max_pixels=entry.get('max_pixels'),
                        **options)


def ceil_div(a, b):
    return -(-a // b)


def check_contract(c, chroma: str) -> None:
    """The layout DCTCoefficients promises."""
    for plane in (c.y, c.cb, c.cr):
        assert plane.dtype == np.int16 and plane.ndim == 3
        assert plane.shape[2] == 64
    if chroma == '420':
        grid = (ceil_div(c.height, 16), ceil_div(c.width, 16))
        assert c.cb.shape[:2] == grid and c.cr.shape[:2] == grid, \
            f'chroma {c.cb.shape[:2]} is not the 4:2:0 grid {grid}'
        assert c.y.shape[:2] == (2 * grid[0], 2 * grid[1]), \
            f'luma {c.y.shape[:2]} is not twice the chroma grid {grid}'
    if c.grayscale:
        assert not c.cb.any() and not c.cr.any()


VALID = jpeg_bytes(48, 40)
_reference = {}


def check_valid_read(mode: str, entry: dict) -> None:
    """After a failure, a valid file reads (same thread, same reader),
    exactly as it does on its own."""
    valid = read(VALID, mode, entry, name='valid.jpg')
    key = (mode, entry.get('chroma', '420'))
    if key not in _reference:
        _reference[key] = read(VALID, mode, {'chroma': key[1]},
                               name='valid.jpg')
    for a, b in zip((valid.y, valid.cb, valid.cr),
                    (_reference[key].y, _reference[key].cb,
                     _reference[key].cr)):
        np.testing.assert_array_equal(a, b)


def replay(name: str, mode: str) -> None:
    entry = MANIFEST[name]
    data = (CORPUS / name).read_bytes()
    expected = entry[mode]
    try:
        coefficients = read(data, mode, entry)
    except JPEGReadError as error:
        assert error.kind in ERROR_KINDS
        assert str(error).startswith('regression.jpg: ')
        assert error.kind == expected, f'{error.kind} ({error}), ' \
            f'expected {expected}'
        check_valid_read(mode, entry)
        return
    assert expected == 'ok', f'coefficients, expected {expected}'
    check_contract(coefficients, 'native' if entry.get('chroma') == 'native'
                   else '420')


CASES = [(name, mode) for name in sorted(MANIFEST) for mode in MODES
         if mode in MANIFEST[name]]


def test_manifest_matches_the_corpus():
    files = {p.name for p in CORPUS.iterdir() if p.name != 'expected.json'}
    assert files == set(MANIFEST)
    allowed = {'ok', *ERROR_KINDS}
    for name, entry in MANIFEST.items():
        assert entry.get('strict') in allowed and \
            entry.get('lenient') in allowed, name
        assert entry.get('jpeg2dct', 'ok') in allowed, name
        assert set(entry.get('known_bug', {})) <= set(MODES), name
        assert set(entry.get('unsafe', ())) <= set(entry.get('known_bug',
                                                             {})), name
    total = sum((CORPUS / name).stat().st_size for name in files)
    assert total < 200 << 10, f'the corpus is {total} bytes: keep it small'


@pytest.mark.parametrize('name,mode', CASES,
                         ids=[f'{n}-{m}' for n, m in CASES])
def test_reproducer_gives_its_expected_outcome(name, mode):
    if mode == 'jpeg2dct' and not HAVE_JPEG2DCT:
        pytest.skip('jpeg2dct-numpy is not installed')
    entry = MANIFEST[name]
    bug = entry.get('known_bug', {}).get(mode)
    if bug and mode in entry.get('unsafe', ()):
        pytest.xfail(f'known bug, not run: {bug}')
    try:
        replay(name, mode)
    except AssertionError:
        if bug:
            pytest.xfail(f'known bug: {bug}')
        raise
    if bug:
        pytest.fail(f'the known bug of {name} ({mode}) no longer '
                    f'reproduces: update expected.json ({bug})')


REPLAY_ALL = r'''
import json, sys, warnings
from pathlib import Path
from dct_codec import JPEGReadError, NativeReader, read_dct
corpus, modes = Path(sys.argv[1]), sys.argv[2].split(',')
manifest = json.loads((corpus / 'expected.json').read_text())
levels = {True: NativeReader(True), False: NativeReader(False)}
warnings.simplefilter('ignore')


def replay():
    for name, entry in sorted(manifest.items()):
        data = (corpus / name).read_bytes()
        unsafe = entry.get('unsafe', ())
        limit = entry.get('max_pixels')
        for mode in modes:
            if mode not in entry or mode in unsafe:
                continue
            options = (dict(backend='jpeg2dct') if mode == 'jpeg2dct' else
                       dict(backend='native', strict=mode == 'strict',
                            chroma=entry.get('chroma', '420')))
            try:
                read_dct(data, max_pixels=limit, **options)
            except JPEGReadError:
                pass
        for strict in (True, False):
            if strict or 'lenient' not in unsafe:
                try:
                    levels[strict].read(data, chroma='native',
                                        dequantize=False, max_pixels=limit)
                except JPEGReadError:
                    pass


def peak():
    # VmHWM: this process image's own peak (ru_maxrss would start from the
    # RSS of the process that forked it).
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM:'):
            return int(line.split()[1])


replay()  # warms every path and buffer pool up
warm = peak()
replay()
print(json.dumps(dict(warm_kb=warm, peak_kb=peak())))
'''


def test_whole_replay_stays_within_memory():
    """Every read of the corpus (unsafe known bugs left out), native levels
    included, in a fresh process: its peak memory stays within 200 MB of a
    process that only imported the reader, and a second pass adds nothing
    of note (no leak)."""
    modes = 'strict,lenient' + (',jpeg2dct' if HAVE_JPEG2DCT else '')
    if not Path('/proc/self/status').exists():
        pytest.skip('needs /proc/self/status (VmHWM)')
    bare = subprocess.run(
        [sys.executable, '-c', 'import dct_codec; print([l.split()[1] for l '
         "in open('/proc/self/status') if l.startswith('VmHWM:')][0])"],
        capture_output=True, text=True, check=True, cwd=REPO)
    result = subprocess.run(
        [sys.executable, '-c', REPLAY_ALL, str(CORPUS), modes],
        capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr[-4000:]
    usage = json.loads(result.stdout.strip().splitlines()[-1])
    growth = (usage['peak_kb'] - int(bare.stdout)) << 10
    assert growth < MEMORY_LIMIT, usage
    assert (usage['peak_kb'] - usage['warm_kb']) << 10 < 20 << 20, usage


def test_c_harness_invariants_hold_on_the_corpus(tmp_path):
    """The libFuzzer harness, built with the system compiler and no
    sanitizers (its FUZZ_STANDALONE main), checks its invariants on every
    corpus file under a spread of options."""
    compiler = shutil.which(os.environ.get('CC', 'cc')) or shutil.which('gcc')
    if compiler is None or not Path('/usr/include/jpeglib.h').exists():
        pytest.skip('no C compiler or no libjpeg headers')
    binary = tmp_path / 'fuzz_reader'
    subprocess.run([
        compiler, '-O1', '-DFUZZ_STANDALONE', f'-I{REPO / "dct_codec"}',
        str(REPO / 'tools' / 'fuzz' / 'fuzz_reader.c'),
        str(REPO / 'dct_codec' / 'jpegdct_core.c'), '-ljpeg', '-lm', '-o',
        str(binary)
    ], check=True, capture_output=True)
    files = sorted(str(p) for p in CORPUS.iterdir()
                   if p.name != 'expected.json')
    result = subprocess.run([str(binary), '--raw', *files],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-4000:]
    assert 'all invariants held' in result.stdout
