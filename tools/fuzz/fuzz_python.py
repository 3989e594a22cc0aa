"""Mutation fuzzer over the reader's Python front end.

    python tools/fuzz/fuzz_python.py [--seconds 60] [--seed N]
        [--findings build/fuzz/findings/python] [--max-pixels 1000000]
        [--corpus tests/data/fuzz_regressions] [--no-jpeg2dct]
    python tools/fuzz/fuzz_python.py --replay FILE [FILE ...]

Starts from the generated seeds (tools/fuzz/make_seeds.py) and the
regression corpus, and stacks one to four seeded mutations per input: bit
flips, interesting bytes, truncations, splices, inserted and deleted runs,
and edits of the header fields -- SOF size, precision, component count,
sampling factors, table ids and marker type; DQT values, precision and ids
(and 8-bit tables widened to 16 bits); marker lengths; DHT counts; SOS
fields; DRI intervals; duplicated, dropped and swapped segments; markers
in the entropy-coded data. Inputs whose outcomes (per target) are new are
kept and mutated further.

Each input goes through ``dct_codec.parse_jpeg_header``, ``read_dct`` with
the native backend (strict and lenient, chroma '420' and 'native') and with
jpeg2dct, and ``NativeReader.read(..., chroma='native', dequantize=False)``
(strict and lenient). Each must give coefficients or a ``JPEGReadError``
whose ``kind`` is in ``ERROR_KINDS``. Findings are:

- any other exception;
- coefficients that break the layout contract (dtype, shapes, the 4:2:0
  grids, zero chroma of grayscale files, nonzero quantisation values);
- a strict read that succeeds with warnings, or one whose lenient read
  differs or fails; levels that, dequantised, differ from the dequantised
  read; native and jpeg2dct reads of a 4:2:0/grayscale file that differ;
- a valid read that fails, or differs, right after a failed one (same
  reader, same thread);
- process memory (RSS) growing by more than --rss-limit-mb (200) over the
  run;
- a crash of the process or a hang (the fuzzing runs in a child process,
  which writes each input to disk before it runs it).

Each finding is written once per signature and run to the findings folder
as ``<signature>-<hash>.jpg`` (made smaller first when it reproduces in
process) and ``.txt`` (what failed, with the traceback). Findings of the
open bugs listed in ``KNOWN`` go to ``known/`` and do not fail the run;
exit status 1 when anything else was found. See tools/fuzz/README.md.
"""
import argparse
import faulthandler
import hashlib
import json
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
if str(REPO) not in sys.path:
    sys.path.insert(1, str(REPO))

DEFAULT_FINDINGS = REPO / 'build' / 'fuzz' / 'findings' / 'python'
DEFAULT_CORPUS = REPO / 'tests' / 'data' / 'fuzz_regressions'

# Open bugs that already have a reproducer (with "known_bug" in the corpus's
# expected.json): signature pattern -> reproducer. Their findings are saved
# under known/ and reported, but do not fail the run. Remove an entry when
# its bug is fixed.
KNOWN = {
    # jpeg2dct (third-party) leaks ~6 KB on each read that libjpeg fails,
    # e.g. 1000 reads of dht_bad_counts.jpg: not a single-file reproducer.
    r'memory:rss-growth-jpeg2dct$': 'dht_bad_counts.jpg (read 1000 times)',
}


def known_bug(signature: str) -> Optional[str]:
    for pattern, reproducer in KNOWN.items():
        if re.match(pattern, signature):
            return reproducer
    return None

# --------------------------------------------------------------------------
# Mutations


def header_segments(data: bytes) -> List[Tuple[int, int, int]]:
    """(marker, offset of the marker, segment length) of each marker
    segment up to and including the first SOS; stops at anything that does
    not look like a segment."""
    found, pos = [], 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker == 0xD9:
            break
        length = int.from_bytes(data[pos + 2:pos + 4], 'big')
        found.append((marker, pos, length))
        if marker == 0xDA or length < 2:
            break
        pos += 2 + length
    return found


def scan_start(data: bytes) -> Optional[int]:
    """Offset of the first entropy-coded byte, if there is a scan."""
    for marker, pos, length in header_segments(data):
        if marker == 0xDA:
            return min(pos + 2 + length, len(data))
    return None


SOF_MARKERS = (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB,
               0xCD, 0xCE, 0xCF)
INTERESTING_BYTES = (0x00, 0x01, 0x02, 0x7F, 0x80, 0xFE, 0xFF, 0x10, 0x11,
                     0x12, 0x21, 0x22, 0x41, 0x44, 0x08, 0x0C)
INTERESTING_SIZES = (0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 255, 256, 1000,
                     4095, 4096, 16383, 30000, 60000, 65500, 65535)


class Mutator:
    """Seeded mutations of JPEG bytes (each returns new bytes)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.generic = [
            self.flip_bit, self.set_byte, self.truncate, self.delete_run,
            self.insert_run, self.duplicate_run, self.append_garbage
        ]
        self.structural = [
            self.sof_size, self.sof_sampling, self.sof_field, self.sof_marker,
            self.dqt_values, self.dqt_field, self.dqt_widen, self.length_field,
            self.dht_counts, self.sos_field, self.dri, self.duplicate_segment,
            self.drop_segment, self.swap_segments, self.scan_marker,
            self.scan_bits
        ]

    def mutate(self, data: bytes, other: bytes) -> Tuple[bytes, List[str]]:
        names = []
        for _ in range(self.rng.choice((1, 1, 2, 2, 3, 4))):
            roll = self.rng.random()
            if roll < 0.08:
                mutation, args = self.splice, (data, other)
            elif roll < 0.4:
                mutation, args = self.rng.choice(self.generic), (data,)
            else:
                mutation, args = self.rng.choice(self.structural), (data,)
            result = mutation(*args)
            if result is not None:
                data = bytes(result)
                names.append(mutation.__name__)
        return data, names

    # generic -------------------------------------------------------------
    def position(self, data, start=0):
        return self.rng.randrange(start, max(start + 1, len(data)))

    def flip_bit(self, data):
        if not data:
            return None
        data = bytearray(data)
        data[self.position(data)] ^= 1 << self.rng.randrange(8)
        return data

    def set_byte(self, data):
        if not data:
            return None
        data = bytearray(data)
        data[self.position(data)] = self.rng.choice(
            INTERESTING_BYTES + (self.rng.randrange(256),))
        return data

    def truncate(self, data):
        if len(data) < 3:
            return None
        return data[:self.rng.randrange(1, len(data))]

    def delete_run(self, data):
        if len(data) < 4:
            return None
        start = self.position(data, 2)
        return data[:start] + data[start + self.rng.randint(1, 64):]

    def insert_run(self, data):
        start = self.position(data, 2)
        count = self.rng.randint(1, 32)
        run = self.rng.choice((
            bytes([self.rng.choice(INTERESTING_BYTES)]) * count,
            bytes(self.rng.randrange(256) for _ in range(count)),
        ))
        return data[:start] + run + data[start:]

    def duplicate_run(self, data):
        if len(data) < 4:
            return None
        start = self.position(data, 2)
        run = data[start:start + self.rng.randint(1, 256)]
        at = self.position(data, 2)
        return data[:at] + run + data[at:]

    def append_garbage(self, data):
        return data + bytes(
            self.rng.randrange(256) for _ in range(self.rng.randint(1, 64)))

    def splice(self, data, other):
        if len(data) < 4 or len(other) < 4:
            return None
        return data[:self.position(data, 2)] + other[self.position(other, 2):]

    # structural ----------------------------------------------------------
    def segment(self, data, markers=None):
        """A random header segment (marker, pos, length) whose payload lies
        inside the data, optionally among ``markers``."""
        found = [s for s in header_segments(data)
                 if (markers is None or s[0] in markers)
                 and s[1] + 2 + s[2] <= len(data) and s[2] >= 2]
        return self.rng.choice(found) if found else None

    def sof_size(self, data):
        found = self.segment(data, SOF_MARKERS)
        if found is None or found[2] < 7:
            return None
        _, pos, _ = found
        data = bytearray(data)
        for offset in self.rng.choice(((5,), (7,), (5, 7))):
            value = self.rng.choice(INTERESTING_SIZES + (
                self.rng.randrange(65536), int.from_bytes(
                    data[pos + offset:pos + offset + 2], 'big') +
                self.rng.randint(-9, 9)))
            data[pos + offset:pos + offset + 2] = (value % 65536).to_bytes(
                2, 'big')
        return data

    def sof_sampling(self, data):
        found = self.segment(data, SOF_MARKERS)
        if found is None or found[2] < 11:
            return None
        _, pos, length = found
        count = min(data[pos + 9], (length - 8) // 3)
        if count < 1:
            return None
        data = bytearray(data)
        at = pos + 11 + 3 * self.rng.randrange(count)
        if self.rng.random() < 0.8:
            data[at] = self.rng.randint(1, 4) << 4 | self.rng.randint(1, 4)
        else:
            data[at] = self.rng.randrange(256)
        return data

    def sof_field(self, data):
        """Precision, component count, a component id or table id."""
        found = self.segment(data, SOF_MARKERS)
        if found is None or found[2] < 8:
            return None
        _, pos, length = found
        data = bytearray(data)
        choice = self.rng.randrange(4)
        if choice == 0:
            data[pos + 4] = self.rng.choice((8, 12, 16, 0, 7, 9, 255))
        elif choice == 1:
            data[pos + 9] = self.rng.choice((0, 1, 2, 3, 4, 5, 255))
        elif length >= 11:
            count = max(1, min(data[pos + 9], (length - 8) // 3))
            at = pos + 10 + 3 * self.rng.randrange(count) + (
                0 if choice == 2 else 2)
            if at < len(data):
                data[at] = self.rng.choice((0, 1, 2, 3, 4, 82, 71, 66, 255))
        return data

    def sof_marker(self, data):
        found = self.segment(data, SOF_MARKERS)
        if found is None:
            return None
        data = bytearray(data)
        data[found[1] + 1] = self.rng.choice(SOF_MARKERS)
        return data

    def dqt_values(self, data):
        found = self.segment(data, (0xDB,))
        if found is None or found[2] < 67:
            return None
        _, pos, length = found
        data = bytearray(data)
        value = self.rng.choice((0, 1, 2, 255, self.rng.randrange(256)))
        first = pos + 5
        if self.rng.random() < 0.5:  # one entry
            data[first + self.rng.randrange(length - 3)] = value
        else:  # a whole table
            data[first:first + 64] = bytes([value]) * 64
        return data

    def dqt_field(self, data):
        found = self.segment(data, (0xDB,))
        if found is None or found[2] < 3:
            return None
        data = bytearray(data)
        data[found[1] + 4] = self.rng.choice(
            (0x00, 0x01, 0x02, 0x03, 0x04, 0x10, 0x11, 0x20, 0xFF,
             self.rng.randrange(256)))
        return data

    def dqt_widen(self, data):
        """An 8-bit table as a 16-bit one, its values scaled."""
        found = self.segment(data, (0xDB,))
        if found is None or found[2] < 67 or data[found[1] + 4] >> 4:
            return None
        _, pos, length = found
        scale = self.rng.choice((1, 2, 16, 128, 257, 1000))
        table = data[pos + 5:pos + 69]
        wide = b''.join(min(65535, max(0, v * scale)).to_bytes(2, 'big')
                        for v in table)
        body = bytes([0x10 | (data[pos + 4] & 0x0F)]) + wide
        rest = data[pos + 69:pos + 2 + length]
        segment = b'\xff\xdb' + (2 + len(body) + len(rest)).to_bytes(
            2, 'big') + body + rest
        return data[:pos] + segment + data[pos + 2 + length:]

    def length_field(self, data):
        found = self.segment(data)
        if found is None:
            return None
        _, pos, length = found
        value = self.rng.choice((0, 1, 2, 3, length - 1, length + 1,
                                 length + 64, 0xFFFF,
                                 self.rng.randrange(65536)))
        data = bytearray(data)
        data[pos + 2:pos + 4] = (value % 65536).to_bytes(2, 'big')
        return data

    def dht_counts(self, data):
        found = self.segment(data, (0xC4,))
        if found is None or found[2] < 19:
            return None
        _, pos, _ = found
        data = bytearray(data)
        if self.rng.random() < 0.2:  # class / id
            data[pos + 4] = self.rng.choice((0x00, 0x01, 0x10, 0x11, 0x02,
                                             0x04, 0x20, 0xFF))
        else:
            at = pos + 5 + self.rng.randrange(16)
            data[at] = self.rng.choice(
                (0, 1, 255, (data[at] + 1) % 256, (data[at] - 1) % 256,
                 self.rng.randrange(256)))
        return data

    def sos_field(self, data):
        found = self.segment(data, (0xDA,))
        if found is None or found[2] < 6:
            return None
        _, pos, length = found
        data = bytearray(data)
        at = pos + 4 + self.rng.randrange(length - 2)
        data[at] = self.rng.choice(INTERESTING_BYTES +
                                   (self.rng.randrange(256),))
        return data

    def dri(self, data):
        found = self.segment(data, (0xDD,))
        interval = self.rng.choice((0, 1, 2, 3, 7, 255, 65535))
        if found is not None:
            data = bytearray(data)
            data[found[1] + 4:found[1] + 6] = interval.to_bytes(2, 'big')
            return data
        sos = self.segment(data, (0xDA,))
        if sos is None:
            return None
        return data[:sos[1]] + b'\xff\xdd\x00\x04' + interval.to_bytes(
            2, 'big') + data[sos[1]:]

    def duplicate_segment(self, data):
        found = self.segment(data)
        if found is None:
            return None
        _, pos, length = found
        piece = data[pos:pos + 2 + length]
        at = self.rng.choice([p for _, p, _ in header_segments(data)] +
                             [pos + 2 + length])
        return data[:at] + piece + data[at:]

    def drop_segment(self, data):
        found = self.segment(data)
        if found is None:
            return None
        _, pos, length = found
        return data[:pos] + data[pos + 2 + length:]

    def swap_segments(self, data):
        found = [s for s in header_segments(data)
                 if s[0] != 0xDA and s[1] + 2 + s[2] <= len(data)]
        if len(found) < 2:
            return None
        first, second = sorted(self.rng.sample(found, 2), key=lambda s: s[1])
        a = data[first[1]:first[1] + 2 + first[2]]
        b = data[second[1]:second[1] + 2 + second[2]]
        if first[1] + 2 + first[2] > second[1]:
            return None
        return (data[:first[1]] + b + data[first[1] + len(a):second[1]] + a +
                data[second[1] + len(b):])

    def scan_marker(self, data):
        """A marker inside the entropy-coded data, or the EOI removed."""
        start = scan_start(data)
        if start is None or start >= len(data):
            return None
        if self.rng.random() < 0.15:
            return data[:-2] if data.endswith(b'\xff\xd9') else data
        at = self.rng.randrange(start, len(data))
        marker = self.rng.choice(
            (bytes([0xFF, 0xD0 + self.rng.randrange(8)]), b'\xff\xd9',
             b'\xff\xd8', b'\xff\xff', b'\xff\xc4\x00\x02', b'\xff\xda',
             b'\xff\xdc\x00\x04\x00\x10', b'\xff\xfe\x00\x03x',
             bytes([0xFF, self.rng.randrange(256)])))
        return data[:at] + marker + data[at:]

    def scan_bits(self, data):
        start = scan_start(data)
        if start is None or start >= len(data) - 2:
            return None
        data = bytearray(data)
        for _ in range(self.rng.randint(1, 8)):
            data[self.rng.randrange(start, len(data) - 2)] ^= \
                1 << self.rng.randrange(8)
        return data


# --------------------------------------------------------------------------
# The oracle


class Finding(Exception):
    """An input that breaks a promise: ``signature`` names the failure
    (stable across inputs), ``details`` says what happened."""

    def __init__(self, signature: str, details: str):
        super().__init__(signature)
        self.signature = signature
        self.details = details


def normalise(text: str) -> str:
    """A message without the numbers, for signatures."""
    return re.sub(r'\d+', 'N', text.splitlines()[0] if text else '')[:80]


def ceil_div(a: int, b: int) -> int:
    return -(-a // b)


class Oracle:
    """Runs every target on one input and raises Finding on a broken
    promise. Returns the outcome per target (for the corpus feedback)."""

    def __init__(self, valid: bytes, max_pixels: int, jpeg2dct: bool,
                 rss_limit: int):
        import numpy as np
        import psutil

        import dct_codec
        from dct_codec import header, reader
        self.np = np
        self.codec = dct_codec
        self.header = header
        self.reader = reader
        self.process = psutil.Process()
        self.valid = valid
        self.max_pixels = max_pixels
        self.rss_limit = rss_limit
        self.levels_readers = {
            strict: dct_codec.NativeReader(strict=strict)
            for strict in (True, False)
        }
        self.jpeg2dct = jpeg2dct and self._jpeg2dct_available()
        # Each target's result on the valid file, for the after-failure check.
        self.reference = {}
        for target, call in self.targets().items():
            self.reference[target] = self.arrays(call(valid, max_pixels))
        self.baseline_rss = None
        self.jpeg2dct_growth = 0
        self.peak_growth = 0

    @staticmethod
    def _jpeg2dct_available() -> bool:
        try:
            import jpeg2dct.numpy  # noqa: F401
        except ImportError:
            return False
        return True

    def targets(self) -> Dict[str, Callable]:
        read_dct = self.codec.read_dct
        targets = {}
        for strict in (True, False):
            mode = 'strict' if strict else 'lenient'
            targets[f'native-420-{mode}'] = (
                lambda data, mp, s=strict: read_dct(
                    data, name='fuzz.jpg', backend='native', strict=s,
                    max_pixels=mp))
            targets[f'native-native-{mode}'] = (
                lambda data, mp, s=strict: read_dct(
                    data, name='fuzz.jpg', backend='native', strict=s,
                    chroma='native', max_pixels=mp))
            targets[f'levels-{mode}'] = (
                lambda data, mp, s=strict: self.levels_readers[s].read(
                    data, 'fuzz.jpg', chroma='native', dequantize=False,
                    max_pixels=mp))
        if self.jpeg2dct:
            targets['jpeg2dct'] = (lambda data, mp: read_dct(
                data, name='fuzz.jpg', backend='jpeg2dct', max_pixels=mp))
        return targets

    @staticmethod
    def arrays(coefficients) -> tuple:
        return (coefficients.y.copy(), coefficients.cb.copy(),
                coefficients.cr.copy())

    def call(self, target: str, function: Callable, data: bytes,
             max_pixels: Optional[int]):
        """(result or None, JPEGReadError or None, warnings)."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            before = self.process.memory_info().rss \
                if target == 'jpeg2dct' else 0
            try:
                result = function(data, max_pixels)
            except self.header.JPEGReadError as error:
                if target == 'jpeg2dct':
                    self.jpeg2dct_growth += \
                        self.process.memory_info().rss - before
                if error.kind not in self.header.ERROR_KINDS:
                    raise Finding(f'{target}:unknown-kind',
                                  f'kind {error.kind!r}: {error}')
                if not str(error).startswith('fuzz.jpg: '):
                    raise Finding(f'{target}:unnamed-error', str(error))
                return None, error, [str(w.message) for w in caught]
            except Finding:
                raise
            except BaseException as error:  # noqa: B902
                if isinstance(error, KeyboardInterrupt):
                    raise
                raise Finding(
                    f'{target}:{type(error).__name__}:{normalise(str(error))}',
                    traceback.format_exc())
        if target == 'jpeg2dct':
            self.jpeg2dct_growth += self.process.memory_info().rss - before
        return result, None, [str(w.message) for w in caught]

    def check_valid_after(self, target: str, function: Callable,
                          error) -> None:
        """The valid file still reads, identically, after a failure."""
        try:
            result, failure, _ = self.call(target, function, self.valid,
                                           self.max_pixels)
        except Finding as finding:
            raise Finding(f'{target}:poisoned-after-{error.kind}',
                          f'after {error}:\n{finding.details}')
        if failure is not None:
            raise Finding(f'{target}:poisoned-after-{error.kind}',
                          f'after {error}: the valid file failed: {failure}')
        same = all(self.np.array_equal(a, b) for a, b in zip(
            self.arrays(result), self.reference[target]))
        if not same:
            raise Finding(f'{target}:poisoned-after-{error.kind}',
                          f'after {error}: the valid file read differently')

    def check_layout(self, target: str, c, chroma: str) -> None:
        np = self.np

        def broken(what):
            raise Finding(f'{target}:layout:{what}',
                          f'{c.width}x{c.height} {c.subsampling}: y '
                          f'{c.y.shape} cb {c.cb.shape} cr {c.cr.shape}: '
                          f'{what}')

        for plane in (c.y, c.cb, c.cr):
            if plane.dtype != np.int16 or plane.ndim != 3 or \
                    plane.shape[2] != 64:
                broken('plane dtype/shape')
        if not (1 <= c.width <= 65535 and 1 <= c.height <= 65535):
            broken('size')
        blocks = (ceil_div(c.height, 8), ceil_div(c.width, 8))
        # (With chroma='native', luma sampled below a chroma component --
        # 'other' layouts -- keeps its own, smaller grid.)
        if (c.y.shape[0] < blocks[0] or c.y.shape[1] < blocks[1]) and \
                (chroma == '420' or c.subsampling != 'other'):
            broken('luma grid smaller than the frame')
        if chroma == '420':
            grid = (ceil_div(c.height, 16), ceil_div(c.width, 16))
            if c.cb.shape[:2] != grid or c.cr.shape[:2] != grid:
                broken('chroma not on the 4:2:0 grid')
            if c.y.shape[:2] != (2 * grid[0], 2 * grid[1]):
                broken('luma not twice the 4:2:0 chroma grid')
        if c.grayscale and (c.cb.any() or c.cr.any()):
            broken('grayscale with nonzero chroma')
        if c.quant_tables is not None:
            tables = np.asarray(c.quant_tables)
            if tables.ndim != 2 or tables.shape[1] != 64 or \
                    not tables.all():
                broken('quantisation tables')

    def run(self, data: bytes, max_pixels: Optional[int] = None) -> tuple:
        max_pixels = self.max_pixels if max_pixels is None else max_pixels
        outcome = []
        try:
            header = self.codec.parse_jpeg_header(data, 'fuzz.jpg')
            outcome.append('ok')
        except self.header.JPEGReadError as error:
            header = None
            outcome.append(error.kind)
        except Exception as error:  # noqa: B902
            raise Finding(
                f'header:{type(error).__name__}:{normalise(str(error))}',
                traceback.format_exc())

        results = {}
        for target, function in self.targets().items():
            if target == 'jpeg2dct':
                self.check_frame_agreement(data, header, max_pixels)
            result, error, caught = self.call(target, function, data,
                                              max_pixels)
            results[target] = (result, error, caught)
            outcome.append('ok' if error is None else error.kind)
            if error is not None:
                self.check_valid_after(target, function, error)
                continue
            if target.endswith('-strict') and caught:
                raise Finding(f'{target}:warned', '\n'.join(caught))
            self.check_layout(target, result, '420' if target.startswith(
                ('native-420', 'jpeg2dct')) else 'native')
        self.cross_check(results)
        if header is not None and \
                header.width * header.height > self.header.DEFAULT_MAX_PIXELS:
            # A bomb: refused from the header under the default limit too.
            for target in ('native-420-strict', 'native-420-lenient'):
                result, error, _ = self.call(
                    target, self.targets()[target], data,
                    self.header.DEFAULT_MAX_PIXELS)
                if error is None:
                    raise Finding(f'{target}:bomb-read',
                                  f'{header.width}x{header.height} was read')
        self.check_memory()
        del results
        return tuple(outcome)

    def libjpeg_size(self, data: bytes) -> Optional[Tuple[int, int]]:
        """The frame size libjpeg reads from ``data`` (its first SOF), or
        None when it fails before: a read under a 1-pixel limit, which
        stops right after the header and allocates nothing."""
        from dct_codec import _jpegdct
        try:
            _jpegdct.read(data, self.np.empty(1, self.np.int16),
                          max_pixels=1)
        except _jpegdct.DecodeError as error:
            message, kind, details = error.args
            if kind == 'too_large' and len(details) == 2:
                return details
        return None

    def check_frame_agreement(self, data: bytes, header,
                              max_pixels: int) -> None:
        """jpeg2dct's pixel limit is checked on the header walk's frame;
        libjpeg decodes the first SOF. When they differ across the limit,
        jpeg2dct would decode a bomb (gigabytes, minutes): report it
        without running it."""
        size = self.libjpeg_size(data)
        if header is None or size is None:
            return
        width, height = size
        if width * height > max_pixels >= header.width * header.height:
            raise Finding(
                'jpeg2dct:pixel-limit-bypassed',
                f'the header walk reads a {header.width}x{header.height} '
                f'frame, libjpeg a {width}x{height} one (over the limit of '
                f'{max_pixels:,} pixels): jpeg2dct would decode it (not run)')

    def cross_check(self, results) -> None:
        np = self.np
        arrays = self.arrays
        for kind in ('native-420', 'native-native', 'levels'):
            strict, _, _ = results[f'{kind}-strict']
            lenient, error, caught = results[f'{kind}-lenient']
            if strict is None:
                continue
            if lenient is None:
                raise Finding(f'{kind}:lenient-failed-strict-read',
                              f'the lenient read failed: {error}')
            if caught:
                raise Finding(f'{kind}:lenient-warned-strict-read',
                              '\n'.join(caught))
            if not all(np.array_equal(a, b)
                       for a, b in zip(arrays(strict), arrays(lenient))):
                raise Finding(f'{kind}:lenient-differs', 'strict != lenient')
        for mode in ('strict', 'lenient'):
            levels = results[f'levels-{mode}'][0]
            plain = results[f'native-native-{mode}'][0]
            if levels is None or plain is None:
                continue
            tables = levels.quant_tables
            planes = [levels.y] + ([] if levels.grayscale else
                                   [levels.cb, levels.cr])
            for index, (level, value) in enumerate(
                    zip(planes, arrays(plain))):
                if not np.array_equal(
                        self.codec.dequantize(level, tables[index]), value):
                    raise Finding(
                        f'levels-{mode}:dequantize-differs',
                        f'component {index}: levels x table != the '
                        'dequantised read')
        if self.jpeg2dct:
            native = results['native-420-strict'][0]
            other = results['jpeg2dct'][0]
            if native is not None and other is not None and \
                    not other.transcoded and \
                    native.subsampling in ('4:2:0', 'gray'):
                for name, a, b in zip(('y', 'cb', 'cr'), arrays(native),
                                      arrays(other)):
                    if a.shape != b.shape or not np.array_equal(a, b):
                        raise Finding(
                            f'jpeg2dct:differs-{name}',
                            f'native {a.shape} vs jpeg2dct {b.shape}')

    def check_memory(self) -> None:
        """RSS growth over the run, what grew during jpeg2dct's reads
        counted apart (jpeg2dct leaks libjpeg's memory on every libjpeg
        error: a known, third-party bug)."""
        rss = self.process.memory_info().rss
        if self.baseline_rss is None:
            return
        ours = rss - self.baseline_rss - self.jpeg2dct_growth
        self.peak_growth = max(self.peak_growth, ours)
        if ours > self.rss_limit:
            self.start_memory_baseline()  # report each jump once
            raise Finding('memory:rss-growth',
                          f'RSS grew by {ours >> 20} MB over the run '
                          '(jpeg2dct reads left out)')
        if self.jpeg2dct_growth > self.rss_limit:
            growth = self.jpeg2dct_growth
            self.start_memory_baseline()
            raise Finding('memory:rss-growth-jpeg2dct',
                          f'RSS grew by {growth >> 20} MB during jpeg2dct '
                          'reads over the run')

    def start_memory_baseline(self) -> None:
        self.baseline_rss = self.process.memory_info().rss
        self.jpeg2dct_growth = 0


# --------------------------------------------------------------------------
# Findings


def safe_name(signature: str) -> str:
    return re.sub(r'[^A-Za-z0-9_.-]+', '_', signature)[:80]


def save_finding(folder: Path, signature: str, data: bytes, details: str,
                 extra: str = '') -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(data).hexdigest()[:12]
    stem = folder / f'{safe_name(signature)}-{digest}'
    stem.with_suffix('.jpg').write_bytes(data)
    stem.with_suffix('.txt').write_text(
        f'signature: {signature}\nsize: {len(data)} bytes\n{extra}\n'
        f'{details}\n')
    return stem.with_suffix('.jpg')


def minimise(data: bytes, reproduces: Callable[[bytes], bool],
             seconds: float = 10.0, attempts: int = 400) -> bytes:
    """Remove chunks (halves, quarters, ... single bytes) while the failure
    still reproduces; a little effort only."""
    deadline = time.monotonic() + seconds
    chunk = max(1, len(data) // 2)
    while chunk >= 1 and attempts > 0 and time.monotonic() < deadline:
        start, shrunk = 2, False  # keep the SOI
        while start < len(data) and attempts > 0 and \
                time.monotonic() < deadline:
            candidate = data[:start] + data[start + chunk:]
            attempts -= 1
            if len(candidate) >= 2 and reproduces(candidate):
                data, shrunk = candidate, True
            else:
                start += chunk
        if not shrunk:
            chunk //= 2
    return data


# --------------------------------------------------------------------------
# The worker (runs in a child process)


def worker(args) -> int:
    import numpy as np  # noqa: F401  (import before timing)

    from make_seeds import regressions, seeds

    state = Path(args.state)
    # libjpeg (through jpeg2dct) prints its warnings to fd 2: keep them out
    # of the terminal, in a file that the parent shows after a crash.
    log = os.open(state / 'stderr', os.O_WRONLY | os.O_CREAT | os.O_APPEND,
                  0o644)
    os.dup2(log, 2)
    faulthandler.enable()  # a crash's Python stack goes to that file too
    current = state / 'current'
    rng = random.Random(args.seed)
    mutator = Mutator(rng)
    initial = dict(seeds())
    initial.update({f'regression/{k}': v for k, v in
                    regressions(Path(args.corpus)).items()})
    valid = initial['baseline_420.jpg']
    oracle = Oracle(valid, args.max_pixels, not args.no_jpeg2dct,
                    args.rss_limit_mb << 20)
    findings = Path(args.findings)
    # One finding per signature and run (a crash restarts the worker).
    seen = state / 'signatures'
    signatures = set(seen.read_text().splitlines()) if seen.exists() \
        else set()
    pool = list(initial.values())
    outcomes = set()
    execs, found, kept = 0, 0, 0
    deadline = time.monotonic() + args.seconds
    last_report = time.monotonic()

    def report(final=False):
        print(json.dumps(dict(
            execs=execs, findings=found, classes=len(outcomes),
            corpus=len(pool), rss_growth_mb=oracle.peak_growth >> 20,
            final=final)), flush=True)

    def examine(data: bytes, how: str) -> None:
        nonlocal found, kept
        with open(current, 'wb') as f:
            f.write(data)
        try:
            outcome = oracle.run(data)
        except Finding as finding:
            if finding.signature in signatures:
                return
            signatures.add(finding.signature)
            with open(seen, 'a') as f:
                f.write(finding.signature + '\n')
            found += 1
            small = data
            if not finding.signature.startswith('memory:'):
                def reproduces(candidate):
                    try:
                        oracle.run(candidate)
                    except Finding as again:
                        return again.signature == finding.signature
                    return False
                small = minimise(data, reproduces)
            known = known_bug(finding.signature)
            path = save_finding(
                findings / 'known' if known else findings,
                finding.signature, small, finding.details,
                f'mutations: {how}\noriginal size: {len(data)} bytes' +
                (f'\nknown bug, reproducer {known}' if known else ''))
            print(json.dumps(dict(finding=finding.signature,
                                  file=str(path), known=known)), flush=True)
            if oracle.baseline_rss is not None:  # minimising allocated
                oracle.start_memory_baseline()
            return
        if outcome not in outcomes:
            outcomes.add(outcome)
            if how != 'initial' and len(pool) < 4000:
                pool.append(data)
                kept += 1

    for data in initial.values():
        examine(data, 'initial')
        execs += 1
    oracle.start_memory_baseline()
    while time.monotonic() < deadline:
        data, names = mutator.mutate(rng.choice(pool), rng.choice(pool))
        examine(data, ' '.join(names))
        execs += 1
        if time.monotonic() - last_report > 1:
            last_report = time.monotonic()
            report()
    report(final=True)
    return 0


def replay(args) -> int:
    """Run the oracle once on each of args.replay; 1 if any fails."""
    from make_seeds import seeds
    oracle = Oracle(seeds()['baseline_420.jpg'], args.max_pixels,
                    not args.no_jpeg2dct, args.rss_limit_mb << 20)
    failed = 0
    for path in args.replay:
        try:
            outcome = oracle.run(Path(path).read_bytes())
        except Finding as finding:
            failed += 1
            known = known_bug(finding.signature)
            print(f'{path}: {finding.signature}' +
                  (f' (known bug, {known})' if known else '') +
                  f'\n{finding.details}')
            continue
        print(f'{path}: passes (' + ', '.join(
            f'{t}: {o}' for t, o in zip(oracle.targets(), outcome[1:])) +
            f'; header walk: {outcome[0]})')
    return 1 if failed else 0


# --------------------------------------------------------------------------
# The parent: runs workers, catches crashes and hangs


def parent(args) -> int:
    findings = Path(args.findings)
    findings.mkdir(parents=True, exist_ok=True)
    state = Path(tempfile.mkdtemp(prefix='fuzz_python-'))
    start = time.monotonic()
    deadline = start + args.seconds
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    total_execs, total_findings, restarts, peak = 0, [], 0, 0
    known_findings = []
    classes = 0
    print(f'fuzz_python: {args.seconds} s, seed {seed}, findings in '
          f'{findings}', flush=True)
    try:
        while time.monotonic() < deadline - 1:
            left = max(1, int(deadline - time.monotonic()))
            for name in ('current', 'stderr'):
                if (state / name).exists():
                    (state / name).unlink()
            command = [
                sys.executable, __file__, '--worker', '--state', str(state),
                '--seconds', str(left), '--seed', str(seed + restarts),
                '--findings', str(findings), '--max-pixels',
                str(args.max_pixels), '--corpus', str(args.corpus),
                '--rss-limit-mb', str(args.rss_limit_mb)
            ] + (['--no-jpeg2dct'] if args.no_jpeg2dct else [])
            # glibc raises its mmap threshold after large frees, so that
            # the reader's varied big buffers end up on a heap that grows
            # by fragmentation (~200 MB over 30,000 inputs, no leak): a
            # fixed threshold makes RSS track live memory.
            env = dict(os.environ)
            env.setdefault('MALLOC_MMAP_THRESHOLD_', str(128 << 10))
            child = subprocess.Popen(command, stdout=subprocess.PIPE,
                                     text=True, bufsize=1, env=env)
            execs, hung, last_line = 0, False, time.monotonic()
            while True:
                ready, _, _ = select.select([child.stdout], [], [], 1.0)
                if ready:
                    line = child.stdout.readline()
                    if not line:
                        break
                    last_line = time.monotonic()
                    try:
                        message = json.loads(line)
                    except ValueError:
                        print(line, end='')
                        continue
                    if 'finding' in message and message['known']:
                        known_findings.append(message['finding'])
                        print(f"  known bug ({message['known']}): "
                              f"{message['finding']} -> {message['file']}",
                              flush=True)
                    elif 'finding' in message:
                        total_findings.append(message['finding'])
                        print(f"  finding: {message['finding']} -> "
                              f"{message['file']}", flush=True)
                    else:
                        execs = message['execs']
                        classes = max(classes, message['classes'])
                        peak = max(peak, message['rss_growth_mb'])
                elif time.monotonic() - last_line > args.hang_seconds:
                    hung = True
                    child.kill()
                    break
            code = child.wait()
            total_execs += execs
            if hung or code != 0:
                what = 'hang' if hung else (
                    f'crash-signal-{-code}' if code < 0 else f'exit-{code}')
                data = (state / 'current').read_bytes() \
                    if (state / 'current').exists() else b''
                log = (state / 'stderr').read_text(errors='replace') \
                    if (state / 'stderr').exists() else ''
                # Does it crash on its own, in a fresh process?
                again = 'not checked'
                if data:
                    probe = findings / 'replay-probe.jpg'
                    probe.write_bytes(data)
                    try:
                        rerun = subprocess.run(
                            [sys.executable, __file__, '--replay',
                             str(probe), '--max-pixels',
                             str(args.max_pixels)] +
                            (['--no-jpeg2dct'] if args.no_jpeg2dct else []),
                            capture_output=True, timeout=args.hang_seconds)
                        again = 'yes' if rerun.returncode < 0 else \
                            f'no (exit {rerun.returncode})'
                    except subprocess.TimeoutExpired:
                        again = 'yes (timed out)'
                    probe.unlink()
                path = save_finding(findings, f'process:{what}', data,
                                    log[-8000:],
                                    f'reproduces alone: {again}')
                total_findings.append(f'process:{what}')
                print(f'  finding: process:{what} -> {path}', flush=True)
                restarts += 1
                if restarts > 20:
                    print('fuzz_python: too many crashes, stopping')
                    break
                continue
            break
    finally:
        shutil.rmtree(state, ignore_errors=True)
    elapsed = time.monotonic() - start
    print(f'fuzz_python: {total_execs} inputs in {elapsed:.0f} s '
          f'({total_execs / max(elapsed, 1e-9):.0f}/s), {classes} outcome '
          f'classes, peak RSS growth {peak} MB, '
          f'{len(total_findings)} finding(s)' +
          (': ' + ', '.join(total_findings) if total_findings else '') +
          (f' (and {len(known_findings)} of known bugs)'
           if known_findings else ''), flush=True)
    return 1 if total_findings else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--seconds', type=float, default=60)
    parser.add_argument('--seed', type=int)
    parser.add_argument('--findings', type=Path, default=DEFAULT_FINDINGS)
    parser.add_argument('--corpus', type=Path, default=DEFAULT_CORPUS,
                        help='regression corpus, replayed first')
    parser.add_argument('--max-pixels', type=int, default=1_000_000,
                        help='the pixel limit of the reads (keeps a lenient '
                        'read of a tiny file that declares a large size '
                        'from legitimately allocating its coefficients)')
    parser.add_argument('--rss-limit-mb', type=int, default=200)
    parser.add_argument('--hang-seconds', type=float, default=30)
    parser.add_argument('--no-jpeg2dct', action='store_true')
    parser.add_argument('--replay', nargs='+', metavar='FILE',
                        help='run the checks once on these files and say '
                        'what each gives (no fuzzing)')
    parser.add_argument('--worker', action='store_true',
                        help=argparse.SUPPRESS)
    parser.add_argument('--state', help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.replay:
        return replay(args)
    if args.worker:
        return worker(args)
    return parent(args)


if __name__ == '__main__':
    signal.signal(signal.SIGINT, signal.default_int_handler)
    sys.exit(main())
