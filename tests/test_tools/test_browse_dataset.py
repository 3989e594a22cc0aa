"""tools/analysis_tools/browse_dataset.py on the toy set: DCT samples (the
published re-encode protocol and the compressed-domain pipeline's
materialised geometry) decode to the image the RGB twin sees."""
import importlib.util
import json
import sys

import cv2
import numpy as np
import pytest

from conftest import REPO, run_tool
from dct_mmdet.visualization.draw import PALETTE

TOOL = 'tools/analysis_tools/browse_dataset.py'
CONFIGS = {
    'dct': 'configs/ssd_dct/ssd300_dct-lcrfa-thinner-w025_1xb8-24e_toy.py',
    'cdaug':
    'configs/ssd_dct/ssd300_dct-lcrfa-thinner-w025_1xb8-24e-cdaug_toy.py',
    'rgb': 'configs/ssd_dct/ssd300_r50-rgb-w025_1xb8-24e_toy.py',
}


@pytest.fixture(scope='module')
def browsed(toy_root, tmp_path_factory):
    """kind -> {file name: BGR image} of two train samples, seed 0."""
    out = tmp_path_factory.mktemp('browse')
    images = {}
    for kind, config in CONFIGS.items():
        run_tool(TOOL, config, '--num', 2, '--not-show', '--output-dir',
                 out / kind, '--cfg-options',
                 f'train_dataloader.dataset.data_root={toy_root}/')
        images[kind] = {
            path.name: cv2.imread(str(path))
            for path in sorted((out / kind).glob('*.png'))
        }
    return images


def test_writes_network_inputs_with_boxes(browsed):
    for kind, images in browsed.items():
        assert list(images) == ['0_train_0000.png', '1_train_0001.png'], kind
        for name, image in images.items():
            assert image.shape == (300, 300, 3), (kind, name)
            # The gt boxes' 2-px outlines in the palette's pure colours.
            drawn = sum(np.all(image == colour, -1).sum()
                        for colour in PALETTE)
            assert drawn > 100, (kind, name, drawn)


@pytest.mark.parametrize('kind', ['dct', 'cdaug'])
def test_dct_decodes_to_the_rgb_input(browsed, kind):
    # Same seed, same resize/flip draws: the decoded coefficients are the
    # RGB twin's pixels up to JPEG q75 losses.
    for name, rgb in browsed['rgb'].items():
        diff = np.abs(browsed[kind][name].astype(float) - rgb).mean()
        assert diff < 12, (kind, name, diff)
    # Not trivially so: the two samples differ from each other.
    first, second = browsed['rgb'].values()
    assert np.abs(first.astype(float) - second).mean() > 12


def test_val_split_boxes_in_the_input_frame(toy_root, tmp_path):
    # A test pipeline (resample protocol: geometry materialised) loads boxes
    # after resizing, in the file's frame: they are drawn scaled to 300x300.
    run_tool(TOOL, CONFIGS['dct'], '--split', 'val', '--num', 1,
             '--not-show', '--output-dir', tmp_path, '--cfg-options',
             f'val_dataloader.dataset.data_root={toy_root}/',
             'val_dataloader.dataset.pipeline.0.protocol=resample')
    image = cv2.imread(str(tmp_path / '0_val_0000.png'))
    assert image.shape == (300, 300, 3)
    coco = json.loads((toy_root / 'annotations' / 'val.json').read_text())
    info = next(i for i in coco['images'] if i['file_name'] == 'val_0000.jpg')
    x, y, w, h = next(a['bbox'] for a in coco['annotations']
                      if a['image_id'] == info['id'])
    sx, sy = 300 / info['width'], 300 / info['height']
    # The middle of the box's left edge is drawn in a palette colour.
    col, row = round(x * sx), round((y + h / 2) * sy)
    patch = image[row - 2:row + 3, col - 2:col + 3].reshape(-1, 3).tolist()
    assert any(tuple(p) in PALETTE for p in patch), patch


def browse_main(monkeypatch, *args):
    """Run the tool's main() in this process (no start-up cost)."""
    path = REPO / TOOL
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(sys, 'argv', [TOOL, *map(str, args)])
    module.main()


def test_clear_errors(toy_root, tmp_path, monkeypatch):
    config = CONFIGS['dct']
    with pytest.raises(SystemExit, match='bogus') as error:
        browse_main(monkeypatch, config, '--split', 'bogus', '--not-show',
                    '--output-dir', tmp_path)
    assert config in str(error.value)
    empty = tmp_path / 'empty.json'
    empty.write_text(
        json.dumps(
            dict(images=[], annotations=[],
                 categories=[dict(id=i, name=n) for i, n in enumerate(
                     ('circle', 'square', 'triangle'))])))
    with pytest.raises(SystemExit, match='empty') as error:
        browse_main(monkeypatch, config, '--not-show', '--output-dir',
                    tmp_path, '--cfg-options',
                    f'train_dataloader.dataset.data_root={toy_root}/',
                    f'train_dataloader.dataset.ann_file={empty}')
    assert config in str(error.value)
