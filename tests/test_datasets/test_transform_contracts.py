"""Every transform dct_mmdet registers documents its keys as MMDetection
3.x transforms do (``Required Keys:``, ``Modified Keys:``, ``Added Keys:``
and, where keys go away, ``Removed Keys:``, each a blank line then a list of
``- key`` items), and for a few simple ones the documented keys are what
running them gives."""
import inspect
import re

import numpy as np
import pytest
from mmdet.registry import TRANSFORMS

import dct_mmdet  # noqa: F401  (registers the transforms)
from dct_codec.geometry import identity

SECTIONS = ('Required Keys:', 'Modified Keys:', 'Added Keys:',
            'Removed Keys:')


def own_transforms() -> dict:
    return {
        name: cls
        for name, cls in TRANSFORMS.module_dict.items()
        if cls.__module__.startswith('dct_mmdet.')
    }


def sections(cls) -> dict:
    """Section title -> the keys its items name (text in parentheses and
    words that are not keys left out)."""
    lines = inspect.cleandoc(cls.__doc__ or '').splitlines()
    found, title = {}, None
    for line in lines:
        if line in SECTIONS:
            title = line
            found[title] = []
        elif title and line and not line.startswith((' ', '-')):
            title = None  # the next section ('Args:') or prose
        elif title and line:
            found[title].append(line)
    return {title: item_keys(' '.join(items))
            for title, items in found.items()}


def item_keys(text: str) -> set:
    while re.search(r'\([^()]*\)', text):
        text = re.sub(r'\([^()]*\)', '', text)
    words = re.split(r'[,:;]|\band\b|(?:^|\s)-\s', text)
    return {w.strip() for w in words
            if re.fullmatch(r'[a-z][a-z0-9_]*', w.strip())}


def test_the_registry_walk_finds_the_transforms():
    names = set(own_transforms())
    assert {'PackDCTInputs', 'ResizeShortEdge', 'PackROCKInputs',
            'ROCKAuxTargets', 'JPEGToDCT', 'LazyResize'} <= names
    assert 'Resize' not in names  # mmdet's own are not walked


@pytest.mark.parametrize('name', sorted(own_transforms()))
def test_each_transform_documents_its_keys(name):
    cls = own_transforms()[name]
    doc = inspect.cleandoc(cls.__doc__ or '')
    assert 'Required Keys:' in doc, f'{name}: no Required Keys section'
    assert 'Modified Keys:' in doc or 'Added Keys:' in doc, \
        f'{name}: neither Modified Keys nor Added Keys'
    titles = [t for t in SECTIONS if t in doc]
    assert titles == sorted(titles, key=doc.index), \
        f'{name}: sections out of mmdet order'
    for title in titles:
        after = doc.split(title, 1)[1].splitlines()
        assert after[0] == '' and after[1] == '' and \
            after[2].startswith('- '), \
            f'{name}: {title} needs a blank line, then "- key" items'
        assert sections(cls)[title], f'{name}: {title} names no key'


def run(name, results, **kwargs):
    before = dict(results)
    out = TRANSFORMS.build(dict(type=name, **kwargs))(results)
    return before, out, sections(TRANSFORMS.get(name))


def image(height=24, width=32):
    return np.random.default_rng(0).integers(0, 256, (height, width, 3),
                                             np.uint8)


def test_resize_short_edge_keys():
    before, out, keys = run(
        'ResizeShortEdge', dict(img=image(), img_shape=(24, 32)), scale=48)
    assert keys['Added Keys:'] == {'scale_factor'}
    assert keys['Added Keys:'] <= set(out) - set(before)
    assert out['img'].shape[:2] == out['img_shape'] == (48, 64)
    assert keys['Modified Keys:'] <= set(out)


def test_jpeg_to_dct_keys():
    before, out, keys = run('JPEGToDCT',
                            dict(img=image(), img_shape=(1, 1)))
    added = keys['Added Keys:'] - {'skipped_images'}  # only after skips
    assert added == {'dct_y', 'dct_cb', 'dct_cr', 'dct_grayscale'}
    assert added <= set(out) - set(before)
    assert keys['Removed Keys:'] == {'img'} and 'img' not in out
    assert out['img_shape'] == (24, 32)  # modified


def test_rock_aux_targets_keys():
    maps = dict(gt_depth=np.ones((32, 48), np.float32),
                gt_normals=np.tile(np.float32([0, 0, 1]), (32, 48, 1)),
                gt_normals_mask=np.ones((32, 48), bool))
    before, out, keys = run(
        'ROCKAuxTargets', dict(img_shape=(32, 48), **maps), stride=16)
    assert keys['Modified Keys:'] == set(maps)
    assert set(out) == set(before)  # nothing added
    for key in maps:
        assert out[key].shape[:2] == (2, 3), key


def test_pack_rock_inputs_keys():
    _, out, keys = run('PackROCKInputs',
                       dict(img=image(), img_shape=(24, 32),
                            gt_depth=np.ones((2, 2), np.float32)))
    assert keys['Added Keys:'] == set(out) == {'inputs', 'data_samples'}
    assert 'gt_depth' in out['data_samples']


def test_random_requantize_keys():
    before, out, keys = run(
        'RandomRequantize', dict(geometry=identity((24, 32))), quality=60)
    assert keys['Added Keys:'] == set(out) - set(before) \
        == {'dct_requantize'}
    assert out['dct_requantize'] == 60
