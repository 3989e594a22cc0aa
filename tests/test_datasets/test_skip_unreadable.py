"""on_error='skip': a bad image among good ones is logged by name, the
training dataset draws another, and the run's log counts the skips."""
import shutil
from types import SimpleNamespace

import pytest
import torch
from mmengine.dataset import pseudo_collate
from mmengine.registry import init_default_scope

import dct_mmdet  # noqa: F401 (registers)
from dct_codec import JPEGReadError
from dct_mmdet.datasets.transforms import DCTTestInput, LoadDCTFromFile
from dct_mmdet.engine import SkippedImagesHook
from dct_mmdet.registry import DATASETS

from conftest import jpeg_bytes

BAD = {
    'train_0001.jpg': lambda data: data[:len(data) // 2],  # truncated
    'train_0004.jpg': lambda data: b'',  # empty
    'train_0007.jpg': lambda data: b'\x89PNG\r\n\x1a\n' + data[8:],
}


@pytest.fixture(scope='module')
def broken_toy(toy_root, tmp_path_factory):
    root = tmp_path_factory.mktemp('broken_toy')
    shutil.copytree(toy_root, root, dirs_exist_ok=True)
    for name, damage in BAD.items():
        path = root / 'train' / name
        path.write_bytes(damage(path.read_bytes()))
    return root


def dataset(root, on_error):
    init_default_scope('mmdet')
    return DATASETS.build(dict(
        type='CocoDataset',
        data_root=f'{root}/',
        ann_file='annotations/train.json',
        data_prefix=dict(img='train/'),
        metainfo=dict(classes=('circle', 'square', 'triangle')),
        pipeline=[
            dict(type='LoadDCTFromFile', on_error=on_error),
            dict(type='LoadAnnotations', with_bbox=True),
            dict(type='PackDCTInputs')
        ]))


def test_raise_is_the_default_and_names_the_file(tmp_path):
    path = tmp_path / 'cut.jpg'
    path.write_bytes(jpeg_bytes()[:300])
    with pytest.raises(JPEGReadError, match='cut.jpg: truncated'):
        LoadDCTFromFile()(dict(img_path=str(path)))
    with pytest.raises(ValueError, match="on_error must be one of"):
        LoadDCTFromFile(on_error='ignore')


@pytest.mark.parametrize('transform', [
    LoadDCTFromFile(on_error='skip'),
    DCTTestInput('direct', on_error='skip'),
    DCTTestInput('reencode', on_error='skip')
])
def test_skip_returns_none_and_the_next_sample_carries_the_name(
        transform, tmp_path):
    bad, good = tmp_path / 'cut.jpg', tmp_path / 'good.jpg'
    bad.write_bytes(jpeg_bytes()[:300])
    good.write_bytes(jpeg_bytes())
    missing = tmp_path / 'missing.jpg'
    assert transform(dict(img_path=str(bad))) is None
    assert transform(dict(img_path=str(missing))) is None
    results = transform(dict(img_path=str(good)))
    skipped = results['skipped_images']
    assert len(skipped) == 2
    assert skipped[0].startswith(f'{bad}: truncated')
    assert 'missing.jpg' in skipped[1]
    # Only once: the following sample carries nothing.
    assert 'skipped_images' not in transform(dict(img_path=str(good)))


def test_training_dataset_draws_another_image(broken_toy):
    train = dataset(broken_toy, 'skip')
    bad_indices = [i for i in range(len(train))
                   if train.get_data_info(i)['img_path'].endswith(tuple(BAD))]
    assert len(bad_indices) == len(BAD)
    skipped = []
    for index in range(len(train)):
        sample = train[index]
        assert sample['inputs']['y'].dtype == torch.int16
        skipped += sample['data_samples'].metainfo.get('skipped_images', [])
    # Each bad index was replaced by another image; every skip is reported
    # once, in a later sample (a redrawn bad image may be skipped again).
    assert len(skipped) >= len(BAD)
    assert {s.split(':')[0].rsplit('/', 1)[-1] for s in skipped} == set(BAD)
    with pytest.raises(JPEGReadError, match='train_0001.jpg: truncated'):
        dataset(broken_toy, 'raise')[bad_indices[0]]


def test_hook_counts_skips_from_dataloader_workers(broken_toy):
    """Skips happen in worker processes; the hook in the main process sees
    every one of them through the samples' metainfo."""
    train = dataset(broken_toy, 'skip')
    loader = torch.utils.data.DataLoader(
        train, batch_size=4, num_workers=2, collate_fn=pseudo_collate)
    messages = []
    runner = SimpleNamespace(
        logger=SimpleNamespace(warning=messages.append), epoch=0, iter=0,
        train_loop=None)
    hook = SkippedImagesHook()
    for batch_idx, batch in enumerate(loader):
        hook.after_train_iter(runner, batch_idx, batch)
    # Every bad file was drawn once by index, plus any redraws of bad ones.
    assert hook.total >= len(BAD)
    named = {m.split(': ', 1)[1].split(':')[0].rsplit('/', 1)[-1]
             for m in messages if m.startswith('skipped image')}
    assert named == set(BAD)
    hook.after_train_epoch(runner)
    assert f'{hook.total} in this run' in messages[-1]
