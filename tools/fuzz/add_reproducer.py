"""Add reproducers to the regression corpus that the test suite replays.

    python tools/fuzz/add_reproducer.py FILE [FILE ...] [--libfuzzer]
        [--name NAME] [--note TEXT] [--max-pixels N | --default-limit]
        [--chroma 420|native] [--no-jpeg2dct] [--corpus DIR]

Copies each FILE into the corpus (tests/data/fuzz_regressions/ by default)
and records in its ``expected.json`` the outcome each mode gives *now*: the
``JPEGReadError`` kind, or "ok" for coefficients, for the native backend
strict and lenient and for jpeg2dct. Fix the bug first, then add the
reproducer, and check the printed outcomes: they become the expectation.

--libfuzzer strips the option byte in front of libFuzzer's inputs
(build/fuzz/findings/c/crash-*, see tools/fuzz/fuzz_reader.c). Reads use a
pixel limit of 1,000,000 (the Python fuzzer's), recorded with the file;
--default-limit records none, so that the replay uses the reader's default
(what decompression bombs must be refused by).
"""
import argparse
import json
import sys
import warnings
from pathlib import Path
from typing import Dict, Optional

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DEFAULT_CORPUS = REPO / 'tests' / 'data' / 'fuzz_regressions'
MANIFEST = 'expected.json'
MODES = ('strict', 'lenient', 'jpeg2dct')


def outcome(data: bytes, mode: str, chroma: str = '420',
            max_pixels: Optional[int] = None) -> str:
    """'ok' or the JPEGReadError kind of one read (any other exception
    propagates)."""
    from dct_codec import JPEGReadError, read_dct
    options = dict(backend='native', strict=mode == 'strict', chroma=chroma)
    if mode == 'jpeg2dct':
        options = dict(backend='jpeg2dct')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        try:
            read_dct(data, name='reproducer.jpg', max_pixels=max_pixels,
                     **options)
        except JPEGReadError as error:
            return error.kind
    return 'ok'


def load_manifest(corpus: Path) -> Dict[str, dict]:
    path = corpus / MANIFEST
    return json.loads(path.read_text()) if path.exists() else {}


def save_manifest(corpus: Path, manifest: Dict[str, dict]) -> None:
    (corpus / MANIFEST).write_text(
        json.dumps(dict(sorted(manifest.items())), indent=1) + '\n')


def add(corpus: Path, name: str, data: bytes, note: str = '',
        max_pixels: Optional[int] = 1_000_000, chroma: str = '420',
        modes=MODES) -> dict:
    """Write ``data`` as corpus/name and record its current outcomes."""
    corpus.mkdir(parents=True, exist_ok=True)
    entry = {mode: outcome(data, mode, chroma, max_pixels) for mode in modes}
    if chroma != '420':
        entry['chroma'] = chroma
    if max_pixels is not None:
        entry['max_pixels'] = max_pixels
    if note:
        entry['note'] = note
    (corpus / name).write_bytes(data)
    manifest = load_manifest(corpus)
    manifest[name] = entry
    save_manifest(corpus, manifest)
    return entry


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('files', nargs='+', type=Path)
    parser.add_argument('--libfuzzer', action='store_true',
                        help='strip the harness option byte')
    parser.add_argument('--name', help='file name in the corpus (one FILE)')
    parser.add_argument('--note', default='', help='what the file is')
    limit = parser.add_mutually_exclusive_group()
    limit.add_argument('--max-pixels', type=int, default=1_000_000)
    limit.add_argument('--default-limit', action='store_true')
    parser.add_argument('--chroma', choices=('420', 'native'),
                        default='420')
    parser.add_argument('--no-jpeg2dct', action='store_true')
    parser.add_argument('--corpus', type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args(argv)
    if args.name and len(args.files) != 1:
        parser.error('--name takes one FILE')
    modes = MODES[:2] if args.no_jpeg2dct else MODES
    for path in args.files:
        data = path.read_bytes()
        if args.libfuzzer:
            data = data[1:]
        name = args.name or (path.stem + '.jpg')
        if (args.corpus / name).exists() and \
                (args.corpus / name).read_bytes() != data:
            parser.error(f'{args.corpus / name} exists with other bytes: '
                         'pick another --name')
        entry = add(args.corpus, name, data, args.note,
                    None if args.default_limit else args.max_pixels,
                    args.chroma, modes)
        print(f'{name} ({len(data)} bytes): {json.dumps(entry)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())

