"""Audit every image of a config's datasets before training on them.

    python tools/misc/check_dataset.py CONFIG [--splits train val test]
        [--workers N] [--max-pixels N] [--out report.csv]
        [--cfg-options k=v ...]

Each image of the ``{split}_dataloader.dataset`` of CONFIG (wrappers such as
ConcatDataset and RepeatDataset unwrapped, each file once) is fetched with
the dataset's ``backend_args`` and read in full by the strict DCT reader, in
parallel. Files that would fail -- unreadable, empty, not a JPEG, truncated,
corrupt, CMYK/YCCK/RGB-coded, 12-bit, lossless, over the pixel limit -- and
readable files with notes -- EXIF-rotated, grayscale, non-4:2:0,
progressive -- are listed per category with a few names each, then per
split. Exit status 1 when any file would fail to read, else 0 (notes alone
do not fail). The audit is against direct DCT reading, the strictest way a
config can use a file: pipelines that decode pixels first (LoadImageFromFile)
also read e.g. CMYK files.
"""
import argparse
import contextlib
import copy
import csv
import io
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List

from mmengine.config import Config
from mmengine.fileio import get
from mmengine.registry import init_default_scope
from mmengine.utils import ProgressBar

import dct_mmdet  # noqa: F401  (registers datasets, applies upstream fixes)
from dct_codec.audit import (NOTE_FLAGS, UNREADABLE, JPEGAudit, audit_jpeg,
                             unreadable)
from dct_codec.header import ERROR_KINDS
from dct_mmdet.utils.cli import add_cfg_options

SPLITS = ('train', 'val', 'test')
EXAMPLES = 3  # file names shown per category


def parse_args():
    parser = argparse.ArgumentParser(
        description='Check that every image of a config\'s datasets can be '
        'read as DCT coefficients (exit status 1 if any cannot)')
    parser.add_argument('config', help='config file path')
    parser.add_argument(
        '--splits',
        nargs='+',
        choices=SPLITS,
        default=list(SPLITS),
        help='which {split}_dataloader datasets to check (default: all '
        'that the config has)')
    parser.add_argument(
        '--workers',
        type=int,
        default=min(8, os.cpu_count() or 1),
        help='reading threads (the native reader releases the GIL; '
        'default: %(default)s)')
    parser.add_argument(
        '--max-pixels',
        type=int,
        default=None,
        help='fail images with more pixels (0: no limit; default: the '
        "reader's, or $DCT_CODEC_MAX_PIXELS)")
    parser.add_argument(
        '--out', help='write one CSV row per failing or noted file here')
    add_cfg_options(parser)
    args = parser.parse_args()
    if args.workers < 1:
        parser.error('--workers must be at least 1')
    if args.max_pixels is not None and args.max_pixels < 0:
        parser.error('--max-pixels must be 0 (no limit) or more')
    return args


def leaf_datasets(dataset_cfg):
    """The dataset configs inside ConcatDataset/RepeatDataset-style
    wrappers (``datasets=[...]`` or ``dataset=...``), depth first."""
    if 'datasets' in dataset_cfg:
        for inner in dataset_cfg['datasets']:
            yield from leaf_datasets(inner)
    elif isinstance(dataset_cfg.get('dataset'), dict):
        yield from leaf_datasets(dataset_cfg['dataset'])
    else:
        yield dataset_cfg


def backend_args_of(dataset_cfg):
    """The loading transform's ``backend_args`` (how the pipeline fetches
    files), else the dataset's own."""
    for transform in dataset_cfg.get('pipeline') or []:
        if isinstance(transform, dict) and 'backend_args' in transform:
            return transform['backend_args']
    return dataset_cfg.get('backend_args')


def image_paths(dataset_cfg) -> list:
    """[(img_path, backend_args)] of one dataset, built without its
    pipeline (only the annotation file / folder listing is read)."""
    from dct_mmdet.registry import DATASETS
    backend_args = backend_args_of(dataset_cfg)
    dataset_cfg = copy.deepcopy(dataset_cfg)
    dataset_cfg.update(pipeline=[], lazy_init=True, serialize_data=False)
    with contextlib.redirect_stdout(io.StringIO()):  # pycocotools' chatter
        dataset = DATASETS.build(dataset_cfg)
        dataset.full_init()
    paths = []
    for index in range(len(dataset)):
        info = dataset.get_data_info(index)
        if 'img_path' not in info:
            raise KeyError(f'{type(dataset).__name__} item {index} has no '
                           f"'img_path' (keys: {sorted(info)})")
        paths.append((info['img_path'], backend_args))
    return paths


def collect(cfg, splits) -> Dict[str, list]:
    """split -> [(img_path, backend_args)], each path once per split."""
    found = {}
    for split in splits:
        loader = cfg.get(f'{split}_dataloader')
        if not loader or not loader.get('dataset'):
            print(f'{split}: the config has no {split}_dataloader.dataset, '
                  'skipped')
            continue
        paths = {}
        for leaf in leaf_datasets(loader['dataset']):
            try:
                entries = image_paths(leaf)
            except Exception as exc:
                raise SystemExit(
                    f'{split}: cannot build the {leaf.get("type")} dataset '
                    f'(ann_file={leaf.get("ann_file")!r}, data_root='
                    f'{leaf.get("data_root")!r}): {type(exc).__name__}: '
                    f'{exc}') from exc
            for path, backend_args in entries:
                paths.setdefault(path, backend_args)
        found[split] = list(paths.items())
    return found


def audit_path(path, backend_args, max_pixels) -> JPEGAudit:
    try:
        data = get(path, backend_args=backend_args)
    except Exception as exc:  # OSError locally; backends raise their own
        return unreadable(path, exc)
    return audit_jpeg(data, path, max_pixels)


def audit_all(jobs: dict, workers: int, max_pixels) -> Dict[str, JPEGAudit]:
    """path -> audit, in threads, with a progress bar on stderr."""
    bar = ProgressBar(len(jobs), file=sys.stderr)
    audits = {}
    with ThreadPoolExecutor(workers) as pool:
        results = pool.map(
            lambda job: audit_path(*job, max_pixels), jobs.items())
        for path, audit in zip(jobs, results):
            audits[path] = audit
            bar.update()
    sys.stderr.write('\n')
    return audits


def common_folder(paths) -> str:
    """The longest folder prefix ('.../') of all ``paths``: tables show
    names relative to it."""
    prefix = os.path.commonprefix(list(paths))
    return prefix[:prefix.rfind('/') + 1]


def category_order(category):
    known = (UNREADABLE, *ERROR_KINDS, *NOTE_FLAGS)
    return known.index(category) if category in known else len(known)


def print_report(found, audits):
    root = common_folder(audits)
    print(f'\nfiles under {root or "./"}')
    groups: Dict[str, List[JPEGAudit]] = {}
    for audit in audits.values():
        for category in audit.categories:
            groups.setdefault(category, []).append(audit)
    if groups:
        width = max(map(len, groups)) + 2
        print(f'{"category":<{width}} {"files":>6}  {"fails":<5}  examples')
        for category in sorted(groups, key=category_order):
            members = groups[category]
            fails = 'yes' if not members[0].ok else 'no'
            names = ', '.join(a.name[len(root):]
                              for a in members[:EXAMPLES])
            if len(members) > EXAMPLES:
                names += f', +{len(members) - EXAMPLES} more'
            print(f'{category:<{width}} {len(members):>6}  {fails:<5}  '
                  f'{names}')
        first_failures = [members[0] for category, members in sorted(
            groups.items(), key=lambda item: category_order(item[0]))
                          if not members[0].ok]
        if first_failures:
            print('\nwhy (the first file of each failing category):')
            for audit in first_failures:
                print(f'  {audit.name[len(root):]}: {audit.problem}')
    print(f'\n{"split":<6} {"files":>7} {"fail":>6} {"noted":>6}')
    for split, entries in found.items():
        members = [audits[path] for path, _ in entries]
        fail = sum(not a.ok for a in members)
        noted = sum(bool(a.notes) for a in members)
        print(f'{split:<6} {len(members):>7} {fail:>6} {noted:>6}')


def write_csv(out, found, audits):
    """One row per failing or noted file."""
    splits_of = {}
    for split, entries in found.items():
        for path, _ in entries:
            splits_of.setdefault(path, []).append(split)
    with open(out, 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(('path', 'splits', 'kind', 'problem', 'notes',
                         'width', 'height', 'subsampling'))
        for path, audit in audits.items():
            if audit.ok and not audit.notes:
                continue
            writer.writerow(
                (path, ' '.join(splits_of[path]), audit.kind or '',
                 audit.problem or '', ' '.join(audit.notes),
                 '' if audit.width is None else audit.width,
                 '' if audit.height is None else audit.height,
                 audit.subsampling or ''))


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmdet'))
    found = collect(cfg, args.splits)
    jobs = {}  # path -> backend_args, each file once over all splits
    for entries in found.values():
        for path, backend_args in entries:
            jobs.setdefault(path, backend_args)
    if not jobs:
        raise SystemExit(f'no images found in the {"/".join(args.splits)} '
                         f'datasets of {args.config}')
    print(f'checking {len(jobs)} images of '
          + ', '.join(f'{split} ({len(entries)})'
                      for split, entries in found.items()))
    audits = audit_all(jobs, args.workers, args.max_pixels)
    print_report(found, audits)
    if args.out:
        write_csv(args.out, found, audits)
        print(f'\nwrote the failing and noted files to {args.out}')
    failing = sum(not a.ok for a in audits.values())
    if failing:
        print(f'\nFAILED: {failing} of {len(audits)} images cannot be read '
              'as DCT coefficients; fix or drop them before training')
        sys.exit(1)
    noted = sum(bool(a.notes) for a in audits.values())
    print(f'\nOK: all {len(audits)} images can be read'
          + (f' ({noted} with notes)' if noted else ''))


if __name__ == '__main__':
    main()
