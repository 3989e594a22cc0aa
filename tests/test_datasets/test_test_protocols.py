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
from dct_codec import JPEGReadError
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


def deterministic_model(calibration):
    """The toy SSD with seeded weights, made deterministic in a useful way.

    Untrained, it sees raw coefficients (DC in the hundreds): activations
    blow up, the top scores saturate to exactly 1.0 in float32 and tie, and
    the order of tied detections is arbitrary. So its input BatchNorms get
    the statistics of ``calibration`` (other images), as training would
    give them, and its class logits are divided by 10 so that the top 50
    scores spread over about 0.35-0.97 without ties.
    """
    cfg = Config.fromfile(
        REPO / 'configs/ssd_dct/ssd300_dct-lcrfa-thinner-w025_1xb8-24e_toy.py')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    norms = (model.backbone.stem.y_norm, model.backbone.stem.cbcr_norm)
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None  # a plain average over the calibration batch
    model.train()
    with torch.no_grad():
        batch = model.data_preprocessor(pseudo_collate(calibration), False)
        model(batch['inputs'], mode='tensor')
        model.eval()
        for conv in model.bbox_head.cls_convs:
            last = conv[-1] if isinstance(conv, torch.nn.Sequential) else conv
            last.weight /= 10
            last.bias /= 10
    return model


# Measured over model seeds 0-7 on this image: the top 50 always came in
# the same order with the same labels, score differences at most 8.6e-5
# and IoUs at least 0.95; the tolerance leaves a 3.5x margin.
TOP_K = 50
SCORE_TOLERANCE = 3e-4


def test_same_boxes_on_a_300px_image(jpeg_300, tmp_path):
    reencoded = packed('reencode', img_path=str(jpeg_300))
    direct = packed('direct', img_path=str(jpeg_300))
    # Re-encoding a q75 file at q75 changes only a few coefficients.
    for component in ('y', 'cb', 'cr'):
        a, b = reencoded['inputs'][component], direct['inputs'][component]
        assert a.shape == b.shape
        assert (a != b).float().mean() < 0.01
    calibration = []
    for seed in range(4):
        path = tmp_path / f'calibration_{seed}.jpg'
        path.write_bytes(jpeg_bytes(300, 300, seed=20 + seed, quality=75))
        calibration.append(packed('reencode', img_path=str(path)))
    model = deterministic_model(calibration)
    with torch.no_grad():
        [ours, theirs] = model.test_step(pseudo_collate([reencoded, direct]))
    for result in (ours, theirs):
        assert result.metainfo['scale_factor'] == (1.0, 1.0)
    top_a = ours.pred_instances[:TOP_K]
    top_b = theirs.pred_instances[:TOP_K]
    assert len(top_a) == len(top_b) == TOP_K
    assert top_a.scores[0] - top_a.scores[-1] > 0.3  # not saturated
    # One to one, in the same order. (A chroma grid shifted by one block,
    # or Cb and Cr swapped, changes labels, boxes and scores by 0.1+.)
    assert torch.equal(top_a.labels, top_b.labels)
    overlaps = bbox_overlaps(top_a.bboxes, top_b.bboxes, is_aligned=True)
    assert (overlaps > 0.9).all(), overlaps
    differences = (top_a.scores - top_b.scores).abs()
    assert differences.max() < SCORE_TOLERANCE, differences.max()


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


ITSC = REPO / 'configs/ssd_dct/ssd300_dct-itsc-vgg_8xb8-120e_voc07.py'


def itsc_direct(path, protocol='direct'):
    """The ITSC (4:4:4) config's test input, its protocol switched, then
    through the model's own data preprocessor."""
    cfg = Config.fromfile(ITSC)
    pipeline = Compose([
        dict(cfg.test_dataloader.dataset.pipeline[0], protocol=protocol),
        dict(type='PackDCTInputs', meta_keys=META)
    ])
    preprocessor = MODELS.build(cfg.model.data_preprocessor)
    return preprocessor(pseudo_collate([pipeline(dict(img_path=str(path)))]))


def test_direct_444_model_refuses_a_420_file_by_name(tmp_path):
    """A 4:2:0 file has chroma on half the luma grid; the 4:4:4 model
    needs it on the luma grid, which no exact conversion gives."""
    path = tmp_path / 'subsampled_420.jpg'
    path.write_bytes(jpeg_bytes(300, 300, quality=75, subsampling=2))
    with pytest.raises(JPEGReadError) as error:
        itsc_direct(path)
    message = str(error.value)
    assert message.startswith(str(path))
    assert '4:2:0 (19x19 chroma blocks for 38x38 luma blocks)' in message
    assert 'expects 4:4:4 chroma (38x38 blocks)' in message
    assert "protocol='reencode'" in message
    # The published protocol reads the same file fine.
    inputs = itsc_direct(path, 'reencode')['inputs']
    assert inputs['y'].shape == inputs['cb'].shape == (1, 64, 38, 38)


def test_direct_444_model_reads_444_and_grayscale_files(tmp_path):
    path = tmp_path / 'full_444.jpg'
    path.write_bytes(jpeg_bytes(300, 300, seed=3, quality=75, subsampling=0))
    direct = itsc_direct(path)['inputs']
    reencoded = itsc_direct(path, 'reencode')['inputs']
    for component in ('y', 'cb', 'cr'):
        assert direct[component].shape == (1, 64, 38, 38)
        # Re-encoding a q75 4:4:4 file at q75 4:4:4 changes little.
        changed = direct[component] != reencoded[component]
        assert changed.float().mean() < 0.01
    # A grayscale file has no chroma: zeros on the luma grid are exact.
    gray = tmp_path / 'gray.jpg'
    gray.write_bytes(jpeg_bytes(300, 300, mode='L', quality=75))
    direct = itsc_direct(gray)['inputs']
    assert direct['cb'].shape == direct['cr'].shape == (1, 64, 38, 38)
    assert not direct['cb'].any() and not direct['cr'].any()
    # (a 4:2:0 grayscale file reads as 4:2:0 too, under the default chroma)
    assert packed('direct', img_path=str(gray))['inputs']['cb'].shape == \
        (64, 19, 19)


def test_preprocessor_names_the_file_of_a_misaligned_sample(tmp_path):
    """Reading chroma='native' outside DCTTestInput skips its check: the
    4:4:4 data preprocessor still says which file and why."""
    path = tmp_path / 'native_420.jpg'
    path.write_bytes(jpeg_bytes(64, 80, quality=75))
    sample = Compose([
        dict(type='LoadDCTFromFile', chroma='native'),
        dict(type='PackDCTInputs', meta_keys=META)
    ])(dict(img_path=str(path)))
    preprocessor = MODELS.build(
        dict(type='DCTDataPreprocessor', chroma_subsampling='4:4:4'))
    with pytest.raises(ValueError, match=r'native_420\.jpg.*not 4:4:4'):
        preprocessor(pseudo_collate([sample]))
