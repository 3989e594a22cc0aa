"""dct_codec.audit: one category per kind of bad or unusual file, and the
folder scan the benchmarks use to skip unreadable files."""
import dataclasses

import pytest

from conftest import sample_files
from dct_codec.audit import (UNREADABLE, audit_file, audit_jpeg,
                             describe_failures, scan_folder)

LIMIT = 10000  # between the 64x80 samples and the 96x128 one

FILES = sample_files()


@pytest.mark.parametrize('name', sorted(FILES))
def test_each_sample_lands_in_its_category(name):
    data, category = FILES[name]
    audit = audit_jpeg(data, name, max_pixels=LIMIT)
    assert audit.name == name
    if category == 'ok':
        assert audit.ok and audit.notes == () and audit.kind is None
        assert audit.categories == ()
    elif category in ('exif-rotated', 'grayscale', 'non-4:2:0',
                      'progressive'):
        assert audit.ok and audit.kind is None
        assert audit.flags == (category, )
        assert audit.categories == (category, )
    else:
        assert not audit.ok and audit.kind == category
        assert audit.notes == ()
        assert audit.problem and name not in audit.problem


def test_notes_carry_their_values_and_sizes_are_filled():
    rotated = audit_jpeg(FILES['rotated.jpg'][0], 'r')
    assert rotated.notes == ('exif-rotated=6', )
    assert (rotated.width, rotated.height, rotated.subsampling) == \
        (80, 64, '4:2:0')
    assert audit_jpeg(FILES['full_chroma.jpg'][0], 'f').notes == \
        ('non-4:2:0=4:4:4', )
    gray = audit_jpeg(FILES['gray.jpg'][0], 'g')
    assert gray.subsampling == 'gray' and gray.notes == ('grayscale', )


def test_pixel_limit_keeps_the_declared_size_and_zero_lifts_it():
    data = FILES['large.jpg'][0]
    large = audit_jpeg(data, 'large', max_pixels=LIMIT)
    assert large.kind == 'too_large'
    assert (large.width, large.height) == (128, 96)
    assert audit_jpeg(data, 'large', max_pixels=0).ok


def test_audit_is_frozen():
    audit = audit_jpeg(FILES['good.jpg'][0], 'good')
    with pytest.raises(dataclasses.FrozenInstanceError):
        audit.problem = 'x'


def test_missing_file_is_unreadable(tmp_path):
    audit, data = audit_file(tmp_path / 'missing.jpg')
    assert data is None and audit.kind == UNREADABLE
    assert 'No such file' in audit.problem


def test_scan_folder_keeps_good_files_and_reports_the_rest(tmp_path):
    for name, (data, _) in FILES.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / 'notes.txt').write_text('not an image, not listed')
    (tmp_path / 'folder.jpg').mkdir()  # cannot be opened as a file
    scan = scan_folder(tmp_path, max_pixels=LIMIT)
    readable = {name for name, (_, category) in FILES.items()
                if category in ('ok', 'exif-rotated', 'grayscale',
                                'non-4:2:0', 'progressive')}
    assert {p.name for p in scan.paths} == readable
    assert scan.data == [p.read_bytes() for p in scan.paths]
    kinds = {a.kind for a in scan.skipped}
    assert kinds == {'truncated', 'colour', 'precision', 'too_large',
                     'not_jpeg', 'empty', UNREADABLE}
    report = scan.report()
    assert report.startswith(f'skipped 7 of {len(FILES) + 1} files in ')
    for audit in scan.skipped:
        assert audit.name.rsplit('/', 1)[-1] in report
    assert '  truncated: 1 (truncated.jpg)' in describe_failures(
        scan.skipped)
    # The first N readable files only.
    assert [p.name for p in scan_folder(tmp_path, limit=2).paths] == \
        sorted(readable)[:2]
    with pytest.raises(FileNotFoundError, match='no such folder'):
        scan_folder(tmp_path / 'nowhere')
