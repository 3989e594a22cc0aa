"""Sort JPEG files into readable and unreadable ones, and say why.

A dataset with one truncated or CMYK file stops a training run hours in;
``tools/misc/check_dataset.py`` and the folder benchmarks audit every file
first with :func:`audit_jpeg`: a strict, full coefficient read (headers
alone miss truncated and corrupt entropy-coded data), plus notes on what
reads but may surprise (EXIF rotation, grayscale, non-4:2:0, progressive).
"""
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

from .exif import exif_orientation
from .header import JPEGReadError, parse_jpeg_header
from .reader import read_dct

JPEG_SUFFIXES = ('.jpg', '.jpeg')
# The kind of a file that could not even be fetched (OSError and the like);
# every other failure kind is one of ``header.ERROR_KINDS``.
UNREADABLE = 'unreadable'
# Non-fatal notes, in the order tables list them.
NOTE_FLAGS = ('exif-rotated', 'grayscale', 'non-4:2:0', 'progressive')


@dataclass(frozen=True)
class JPEGAudit:
    """What auditing one file found.

    ``problem``/``kind`` are set when the file cannot be read (the
    :class:`JPEGReadError`'s message and kind, or ``'unreadable'``);
    ``notes`` are ``flag`` or ``flag=value`` strings of a readable file,
    e.g. ``('exif-rotated=6', 'non-4:2:0=4:4:4')``.
    """
    name: str
    width: Optional[int] = None
    height: Optional[int] = None
    subsampling: Optional[str] = None
    problem: Optional[str] = None
    kind: Optional[str] = None
    notes: Tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the file reads (notes do not count)."""
        return self.problem is None

    @property
    def flags(self) -> Tuple[str, ...]:
        """The notes without their values: ``('exif-rotated', ...)``."""
        return tuple(note.split('=', 1)[0] for note in self.notes)

    @property
    def categories(self) -> Tuple[str, ...]:
        """The failure kind, or the note flags: what tables group by."""
        return (self.kind, ) if self.kind else self.flags


def audit_jpeg(data: bytes,
               name: str,
               max_pixels: Optional[int] = None,
               backend: str = 'auto') -> JPEGAudit:
    """Read all coefficients of ``data`` strictly and classify the file.

    ``max_pixels`` and ``backend`` go to :func:`dct_codec.read_dct` (None:
    its default pixel limit). Never raises :class:`JPEGReadError`: a file
    that fails comes back with ``problem`` and ``kind`` set.
    """
    try:
        coefficients = read_dct(
            data, name, backend=backend, strict=True, max_pixels=max_pixels)
        # The strict marker walk too: the jpeg2dct backend relies on it,
        # and it tells progressive files apart.
        header = parse_jpeg_header(data, name)
    except JPEGReadError as exc:
        return JPEGAudit(
            name, *_frame_size(data, name), problem=exc.problem,
            kind=exc.kind)
    notes = []
    orientation = exif_orientation(data)
    if orientation != 1:
        notes.append(f'exif-rotated={orientation}')
    if header.subsampling == 'gray':
        notes.append('grayscale')
    elif header.subsampling != '4:2:0':
        notes.append(f'non-4:2:0={header.subsampling}')
    if header.progressive:
        notes.append('progressive')
    return JPEGAudit(name, coefficients.width, coefficients.height,
                     header.subsampling, notes=tuple(notes))


def _frame_size(data: bytes, name: str):
    """(width, height, subsampling) of a failing file when its header still
    parses (e.g. over the pixel limit), else Nones."""
    try:
        header = parse_jpeg_header(data, name)
    except JPEGReadError:
        return None, None, None
    return header.width, header.height, header.subsampling


def audit_file(path, max_pixels: Optional[int] = None,
               backend: str = 'auto') -> Tuple[JPEGAudit, Optional[bytes]]:
    """Audit a local file: (the audit, its bytes or None when it could not
    be opened, reported as kind ``'unreadable'``)."""
    name = os.fspath(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return unreadable(name, exc), None
    return audit_jpeg(data, name, max_pixels, backend), data


def unreadable(name: str, exc: BaseException) -> JPEGAudit:
    """The audit of a file that could not be fetched at all."""
    reason = getattr(exc, 'strerror', None) or str(exc) or type(exc).__name__
    return JPEGAudit(name, problem=f'cannot read the file: {reason}',
                     kind=UNREADABLE)


def group_by_category(audits: Iterable[JPEGAudit]) -> Dict[str, List[str]]:
    """Category (failure kind or note flag) -> names of its files, in the
    order the audits came."""
    groups: Dict[str, List[str]] = {}
    for audit in audits:
        for category in audit.categories:
            groups.setdefault(category, []).append(audit.name)
    return groups


def describe_failures(audits: Iterable[JPEGAudit], examples: int = 3,
                      shorten=os.path.basename) -> List[str]:
    """One line per failure kind: ``'  truncated: 2 (a.jpg, b.jpg)'``."""
    lines = []
    for kind, names in group_by_category(a for a in audits
                                         if not a.ok).items():
        shown = ', '.join(shorten(n) for n in names[:examples])
        more = f', +{len(names) - examples} more' if len(
            names) > examples else ''
        lines.append(f'  {kind}: {len(names)} ({shown}{more})')
    return lines


@dataclass
class FolderScan:
    """A folder's JPEGs split into readable ones (with their bytes) and the
    audits of those skipped."""
    folder: str
    paths: List[Path]
    data: List[bytes]
    skipped: List[JPEGAudit]

    def report(self) -> str:
        """What was skipped and why, for a benchmark's log ('' if none)."""
        if not self.skipped:
            return ''
        total = len(self.paths) + len(self.skipped)
        return '\n'.join([
            f'skipped {len(self.skipped)} of {total} files in {self.folder} '
            'that cannot be read:', *describe_failures(self.skipped)
        ])


def scan_folder(folder,
                limit: Optional[int] = None,
                max_pixels: Optional[int] = None,
                backend: str = 'auto') -> FolderScan:
    """Read the .jpg/.jpeg files of ``folder`` (sorted by name) and keep
    the first ``limit`` readable ones (all by default); the others are
    skipped with their audits instead of stopping a benchmark midway.

    Raises:
        FileNotFoundError: ``folder`` is not a folder.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f'{folder}: no such folder')
    scan = FolderScan(str(folder), [], [], [])
    for path in sorted(p for p in folder.iterdir()
                       if p.suffix.lower() in JPEG_SUFFIXES):
        if limit is not None and len(scan.paths) >= limit:
            break
        audit, data = audit_file(path, max_pixels, backend)
        if audit.ok:
            scan.paths.append(path)
            scan.data.append(data)
        else:
            scan.skipped.append(audit)
    return scan
