"""tools/misc/check_dataset.py on a toy-config COCO set mixing good and bad
files, and the folder benchmarks skipping unreadable files."""
import csv
import importlib.util
import json
import re

import pytest

from conftest import REPO, TOY_CONFIG, jpeg_bytes, run_tool, sample_files

LIMIT = 10000  # --max-pixels: fails only the 96x128 sample
FILES = sample_files()
FAILING = {name: category for name, (_, category) in FILES.items()
           if category in ('truncated', 'colour', 'precision', 'too_large',
                           'not_jpeg', 'empty')}
NOTED = {name: category for name, (_, category) in FILES.items()
         if category in ('exif-rotated', 'grayscale', 'non-4:2:0',
                         'progressive')}


def load_tool(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_coco(root, split, names):
    """A COCO file with one box per image (train filters empty images)."""
    images = [dict(id=i, file_name=name, width=80, height=64)
              for i, name in enumerate(names, 1)]
    annotations = [dict(id=i, image_id=i, category_id=1, bbox=[8, 8, 20, 20],
                        area=400, iscrowd=0) for i in range(1, len(names) + 1)]
    categories = [dict(id=i, name=name) for i, name in
                  enumerate(('circle', 'square', 'triangle'), 1)]
    (root / 'annotations').mkdir(exist_ok=True)
    (root / 'annotations' / f'{split}.json').write_text(json.dumps(
        dict(images=images, annotations=annotations, categories=categories)))


@pytest.fixture(scope='module')
def mixed_root(tmp_path_factory):
    """train/: every sample file plus one listed but missing; val/: good
    files and one EXIF-rotated file."""
    root = tmp_path_factory.mktemp('mixed')
    (root / 'train').mkdir()
    for name, (data, _) in FILES.items():
        (root / 'train' / name).write_bytes(data)
    write_coco(root, 'train', [*FILES, 'missing.jpg'])
    (root / 'val').mkdir()
    val = {f'val_{i}.jpg': jpeg_bytes(seed=i) for i in range(3)}
    val['val_rotated.jpg'] = FILES['rotated.jpg'][0]
    for name, data in val.items():
        (root / 'val' / name).write_bytes(data)
    write_coco(root, 'val', val)
    return root


def root_options(root):
    return ['--cfg-options'] + [
        f'{split}_dataloader.dataset.data_root={root}/'
        for split in ('train', 'val', 'test')
    ]


def table(log):
    """category -> (files, fails, examples) from the printed table."""
    rows = {}
    for line in log.splitlines():
        match = re.match(r'^(\S+)\s+(\d+)\s+(yes|no)\s+(.*)$', line)
        if match:
            rows[match[1]] = (int(match[2]), match[3], match[4])
    return rows


def test_check_dataset_fails_names_and_counts_bad_files(mixed_root,
                                                        tmp_path):
    out = tmp_path / 'report.csv'
    log = run_tool('tools/misc/check_dataset.py', TOY_CONFIG, '--max-pixels',
                   LIMIT, '--workers', 2, '--out', out,
                   *root_options(mixed_root), succeeds=False)
    rows = table(log)
    expected = {category: 1 for category in FAILING.values()}
    expected['unreadable'] = 1
    for category in NOTED.values():
        expected[category] = 1
    expected['exif-rotated'] = 2  # one in train, one in val
    assert {c: n for c, (n, _, _) in rows.items()} == expected
    for name, category in FAILING.items():
        assert rows[category][1] == 'yes' and name in rows[category][2]
    assert 'train/missing.jpg' in rows['unreadable'][2]
    for category in NOTED.values():
        assert rows[category][1] == 'no'
    assert 'val/val_rotated.jpg' in rows['exif-rotated'][2]
    # Per split: files, failing, noted; val and test share their files.
    assert re.search(r'^train\s+12\s+7\s+4$', log, re.M)
    assert re.search(r'^val\s+4\s+0\s+1$', log, re.M)
    assert re.search(r'^test\s+4\s+0\s+1$', log, re.M)
    assert 'checking 16 images' in log
    assert 'FAILED: 7 of 16 images cannot be read' in log
    with open(out) as f:
        report = {row['path'].rsplit('/', 2)[-2] + '/' +
                  row['path'].rsplit('/', 1)[-1]: row
                  for row in csv.DictReader(f)}
    assert len(report) == 7 + 5
    assert report['train/cmyk.jpg']['kind'] == 'colour'
    assert 'CMYK' in report['train/cmyk.jpg']['problem']
    assert report['val/val_rotated.jpg']['splits'] == 'val test'
    assert report['val/val_rotated.jpg']['notes'] == 'exif-rotated=6'
    assert 'train/good.jpg' not in report


def test_check_dataset_passes_with_notes_only(mixed_root):
    log = run_tool('tools/misc/check_dataset.py', TOY_CONFIG, '--splits',
                   'val', *root_options(mixed_root))
    assert 'OK: all 4 images can be read (1 with notes)' in log
    assert table(log) == {'exif-rotated': (1, 'no', 'val_rotated.jpg')}


def test_wrappers_are_unwrapped_and_paths_deduplicated(mixed_root, tmp_path):
    from mmengine.config import Config
    tool = load_tool(REPO / 'tools/misc/check_dataset.py')
    config = tmp_path / 'wrapped.py'
    config.write_text(
        f"val = dict(type='CocoDataset', data_root={str(mixed_root)!r} + '/',"
        "\n    ann_file='annotations/val.json', data_prefix=dict(img='val/'),"
        "\n    metainfo=dict(classes=('circle', 'square', 'triangle')),"
        "\n    pipeline=[dict(type='LoadImageFromFile',"
        "\n                   backend_args=dict(backend='local'))])\n"
        "train_dataloader = dict(dataset=dict(\n"
        "    type='RepeatDataset', times=3, dataset=dict(\n"
        "        type='ConcatDataset', datasets=[val, val])))\n")
    found = tool.collect(Config.fromfile(config), ['train'])
    paths = [path for path, _ in found['train']]
    assert len(paths) == 4 and len(set(paths)) == 4
    assert all(path.startswith(f'{mixed_root}/val/') for path in paths)
    # Files are fetched as the loading transform would fetch them.
    assert all(args == dict(backend='local') for _, args in found['train'])


def test_reader_benchmark_skips_unreadable_files(tmp_path):
    for name in ('good.jpg', 'gray.jpg', 'truncated.jpg', 'cmyk.jpg',
                 'empty.jpg'):
        (tmp_path / name).write_bytes(FILES[name][0])
    log = run_tool('tools/analysis_tools/benchmark_reader.py', tmp_path,
                   '--repeats', 1)
    assert f'skipped 3 of 5 files in {tmp_path}' in log
    for kind, name in (('truncated', 'truncated.jpg'),
                       ('colour', 'cmyk.jpg'), ('empty', 'empty.jpg')):
        assert f'  {kind}: 1 ({name})' in log
    assert f'2 JPEGs in {tmp_path}' in log
    assert '2 threads vs 1' in log


def test_reader_benchmark_without_readable_files_fails(tmp_path):
    (tmp_path / 'empty.jpg').write_bytes(b'')
    log = run_tool('tools/analysis_tools/benchmark_reader.py', tmp_path,
                   succeeds=False)
    assert f'no readable .jpg/.jpeg files in {tmp_path} (1 skipped' in log
    assert 'Traceback' not in log


def test_detector_benchmark_lists_only_readable_images(tmp_path, capsys):
    tool = load_tool(REPO / 'tools/analysis_tools/benchmark.py')
    for name in ('good.jpg', 'truncated.jpg', 'png.jpg', 'gray.jpg'):
        (tmp_path / name).write_bytes(FILES[name][0])
    paths = tool.list_images(str(tmp_path), None, tmp_path)
    assert [p.name for p in paths] == ['good.jpg', 'gray.jpg']
    assert [p.name for p in tool.list_images(str(tmp_path), 1,
                                             tmp_path)] == ['good.jpg']
    log = capsys.readouterr().out
    assert 'not_jpeg: 1 (png.jpg)' in log and 'truncated: 1' in log
    (tmp_path / 'good.jpg').unlink()
    (tmp_path / 'gray.jpg').unlink()
    with pytest.raises(SystemExit, match='no readable'):
        tool.list_images(str(tmp_path), None, tmp_path)
