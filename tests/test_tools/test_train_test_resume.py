"""The real CLIs on a small toy set: train, test a training checkpoint and
draw detections (resume: test_scale_out.py)."""
import json
import re
import shutil

import torch

from conftest import TOY_CONFIG as CONFIG
from conftest import MODEL_OPTIONS, run_tool, toy_options as options


def test_train_logs_progress_and_saves_a_checkpoint(trained):
    work_dir, log = trained
    assert re.search(r'Epoch\(train\)\s+\[1\]\[\d+/4\]', log)
    assert 'coco/bbox_mAP' in log  # validation ran (predict works)
    checkpoint = work_dir / 'epoch_1.pth'
    assert checkpoint.exists()
    # A full training checkpoint: not loadable with weights_only=True.
    state = torch.load(checkpoint, map_location='cpu', weights_only=False)
    assert {'meta', 'state_dict', 'optimizer', 'message_hub'} <= set(state)


def test_test_py_on_a_training_checkpoint(trained, toy_root, tmp_path):
    work_dir, _ = trained
    out = tmp_path / 'preds.pkl'
    log = run_tool('tools/test.py', CONFIG, work_dir / 'epoch_1.pth',
                   '--work-dir', tmp_path, '--out', out,
                   *options(toy_root, 1))
    assert re.search(r'coco/bbox_mAP: \d\.\d+', log)
    assert out.exists()
    metrics = list(tmp_path.rglob('*.json'))
    assert metrics and 'coco/bbox_mAP' in json.loads(
        metrics[0].read_text())


def test_image_demo_draws_a_trained_model(trained, toy_root, tmp_path):
    work_dir, _ = trained
    image = sorted((toy_root / 'val').glob('*.jpg'))[0]
    log = run_tool('demo/image_demo.py', CONFIG, work_dir / 'epoch_1.pth',
                   image, '--out-dir', tmp_path, '--score-thr', '0.0',
                   '--cfg-options', *MODEL_OPTIONS)
    assert 'detections with score >= 0.0' in log
    assert (tmp_path / f'{image.stem}.png').stat().st_size > 1000


def test_image_demo_draws_every_jpeg_of_a_folder(trained, toy_root, tmp_path):
    work_dir, _ = trained
    folder = tmp_path / 'images'
    folder.mkdir()
    images = sorted((toy_root / 'val').glob('*.jpg'))[:2]
    for image in images:
        shutil.copy(image, folder / image.name.replace('.jpg', '.JPEG'))
    (folder / 'notes.txt').write_text('not an image')
    out_dir = tmp_path / 'out'
    log = run_tool('demo/image_demo.py', CONFIG, work_dir / 'epoch_1.pth',
                   folder, '--out-dir', out_dir, '--score-thr', '0.0',
                   '--cfg-options', *MODEL_OPTIONS)
    assert re.search(r'\[1/2\] \d+ detections', log)
    assert re.search(r'\[2/2\] \d+ detections', log)
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(
        f'{image.stem}.png' for image in images)
    # A broken file stops the run with an error that names it.
    broken = folder / 'broken.jpg'
    broken.write_bytes(images[0].read_bytes()[:300])
    log = run_tool('demo/image_demo.py', CONFIG, work_dir / 'epoch_1.pth',
                   folder, '--out-dir', out_dir, '--cfg-options',
                   *MODEL_OPTIONS, succeeds=False)
    assert f'{broken}: truncated' in log
