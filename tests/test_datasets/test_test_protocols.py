"""The two test protocols of DCTTestInput: 'reencode' (decode, resize,
re-encode, read) and 'direct' (the file's own coefficients)."""
import numpy as np
import pytest
import torch
from mmcv.transforms import Compose
from mmdet.structures.bbox import bbox_overlaps
from mmengine.config import Config
from mmengine.dataset import pseudo_collate

from conftest import REPO, jpeg_bytes
from dct_mmdet.codec import JPEGReadError
from dct_mmdet.datasets import DCTTestInput
from dct_mmdet.registry import MODELS
from dct_mmdet.utils import register_all_modules

register_all_modules()
META = ('img_path', 'ori_shape', 'img_shape', 'scale_factor')


def packed(protocol, **results):
    pipeline = Compose([
        dict(type='DCTTestInput', protocol=protocol),
        dict(type='PackDCTInputs', meta_keys=META)
    ])
    return pipeline(results)


@pytest.fixture(scope='module')
def jpeg_300(tmp_path_factory):
    path = tmp_path_factory.mktemp('protocols') / 'image_300.jpg'
    path.write_bytes(jpeg_bytes(300, 300, seed=3, quality=75))
    return path


def test_same_boxes_on_a_300px_image(jpeg_300):
    cfg = Config.fromfile(
        REPO / 'configs/ssd_dct/ssd300_dct-lcrfa-thinner-w025_1xb8-24e_toy.py')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).eval()
    reencoded = packed('reencode', img_path=str(jpeg_300))
    direct = packed('direct', img_path=str(jpeg_300))
    # Re-encoding a q75 file at q75 changes only a few coefficients.
    for component in ('y', 'cb', 'cr'):
        a, b = reencoded['inputs'][component], direct['inputs'][component]
        assert a.shape == b.shape
        assert (a != b).float().mean() < 0.01
    with torch.no_grad():
        [ours, theirs] = model.test_step(pseudo_collate([reencoded, direct]))
    top_a = ours.pred_instances[:20]
    top_b = theirs.pred_instances[:50]
    assert len(top_a) == 20
    overlaps = bbox_overlaps(top_a.bboxes, top_b.bboxes)
    same_label = top_a.labels[:, None] == top_b.labels[None, :]
    best = (overlaps * same_label).max(dim=1).values
    assert (best > 0.9).all(), best


def test_direct_keeps_the_stored_size(tmp_path):
    path = tmp_path / 'wide.jpg'
    path.write_bytes(jpeg_bytes(200, 264, quality=90))
    direct = packed('direct', img_path=str(path))
    reencoded = packed('reencode', img_path=str(path))
    meta = direct['data_samples'].metainfo
    assert meta['img_shape'] == meta['ori_shape'] == (200, 264)
    assert meta['scale_factor'] == (1.0, 1.0)
    assert direct['inputs']['y'].shape[-2:] == (26, 34)
    meta = reencoded['data_samples'].metainfo
    assert meta['ori_shape'] == (200, 264)
    assert meta['img_shape'] == (300, 300)
    np.testing.assert_allclose(meta['scale_factor'], (300 / 264, 300 / 200))
    assert reencoded['inputs']['y'].shape[-2:] == (38, 38)


def test_reencode_reads_in_memory_bytes(jpeg_300):
    from_file = packed('reencode', img_path=str(jpeg_300))
    from_bytes = packed(
        'reencode', img_path='<bytes>', img_bytes=jpeg_300.read_bytes())
    for component in ('y', 'cb', 'cr'):
        assert torch.equal(from_file['inputs'][component],
                           from_bytes['inputs'][component])


def test_bad_input_is_named(tmp_path):
    path = tmp_path / 'not_a.jpg'
    path.write_bytes(b'certainly not an image')
    with pytest.raises(JPEGReadError, match='not_a.jpg'):
        packed('reencode', img_path=str(path))
    with pytest.raises(JPEGReadError, match='not_a.jpg'):
        packed('direct', img_path=str(path))
    with pytest.raises(ValueError, match='protocol'):
        DCTTestInput(protocol='decode')
