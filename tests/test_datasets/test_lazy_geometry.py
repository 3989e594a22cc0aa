"""The lazy geometric transforms against mmdet's pixel transforms.

With the same seed, Lazy* draw what mmdet draws (the next draw of numpy's
global state agrees), give bit-identical boxes, labels, ignore flags and
meta keys, and their geometry materialises to mmdet's image: bit for bit
through ``MaterializeImage(method='resize')``, within 45 dB through 'warp'
and, in the compressed domain, within 45 dB luma through
``DCTDataPreprocessor``. Photos (matplotlib's, scikit-image's when
installed) and generated images, several boxes each (small ones that the
crops drop, ignore flags mixed), an image without boxes and EXIF-turned
files.
"""
import io
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from mmdet.datasets.transforms import (Expand, MinIoURandomCrop, RandomFlip,
                                       Resize)
from mmdet.structures.bbox import HorizontalBoxes, bbox_overlaps
from mmengine.dataset import Compose, pseudo_collate
from PIL import Image

from conftest import smooth_image
from dct_codec import block_idct
from dct_codec.geometry import crop, identity, orientation_geometry, resize
from dct_mmdet.datasets.transforms import (LazyExpand, LazyMinIoURandomCrop,
                                           LazyRandomFlip, LazyResize,
                                           MaterializeImage, PackDCTInputs,
                                           materialize_image,
                                           min_iou_sampler)
from dct_mmdet.models.data_preprocessors import DCTDataPreprocessor
from dct_mmdet.registry import TRANSFORMS
from dct_mmdet.utils import register_all_modules

register_all_modules()

# configs/_base_/datasets/ssd300_pipelines.py's pixel_train_pipeline.
SSD = (
    ('Expand',
     dict(mean=[123.675, 116.28, 103.53], to_rgb=True, ratio_range=(1, 4))),
    ('MinIoURandomCrop',
     dict(min_ious=(0.1, 0.3, 0.5, 0.7, 0.9), min_crop_size=0.3)),
    ('Resize', dict(scale=(300, 300), keep_ratio=False)),
    ('RandomFlip', dict(prob=0.5)),
)
CHAIN_SEEDS = 50
PSNR_DB = 45
EXIF_ORIENTATIONS = (6, 3, 8)


def write_jpeg(path, rgb, **options):
    Image.fromarray(rgb).save(path, 'JPEG', quality=90, **options)
    return str(path)


def exif_file(path, upright, orientation):
    """A JPEG whose stored pixels, turned by its EXIF ``orientation`` as
    OpenCV turns them, are ``upright``."""
    for turns in range(4):
        for mirror in (False, True):
            stored = np.rot90(upright, turns)
            stored = np.ascontiguousarray(
                stored[:, ::-1] if mirror else stored)
            exif = Image.Exif()
            exif[0x0112] = orientation
            buffer = io.BytesIO()
            Image.fromarray(stored).save(buffer, 'JPEG', quality=95, exif=exif)
            shown = cv2.imdecode(np.frombuffer(buffer.getvalue(), np.uint8),
                                 cv2.IMREAD_COLOR)[..., ::-1]
            if shown.shape == upright.shape and \
                    np.abs(shown.astype(int) - upright).mean() < 3:
                Path(path).write_bytes(buffer.getvalue())
                return str(path)
    raise AssertionError(f'no turn shows orientation {orientation} upright')


def instances(height, width, seed, count=6):
    """Boxes of every size on a ``height x width`` image: large ones, and
    4-12 px ones that most crops drop; labels 0-19, some ignored."""
    rng = np.random.default_rng(seed)
    boxes = []
    for index in range(count):
        side = (0.3 + 0.5 * rng.random()) if index < count // 2 else \
            rng.uniform(4, 12) / min(height, width)
        w, h = side * width, side * height * rng.uniform(0.6, 1.4)
        h = min(h, height - 1)
        x, y = rng.uniform(0, width - w), rng.uniform(0, height - h)
        bbox = [float(v) for v in (x, y, x + w, y + h)]
        boxes.append(
            dict(bbox=bbox,
                 bbox_label=int(rng.integers(20)),
                 ignore_flag=int(index % 3 == 2)))
    return boxes


@pytest.fixture(scope='module')
def photos(tmp_path_factory):
    """name -> (path, instances): real photos and generated images."""
    import matplotlib.cbook as cbook
    root = tmp_path_factory.mktemp('lazy_geometry')
    paths = {}
    hopper = root / 'grace_hopper.jpg'  # 512 x 600, a camera JPEG
    shutil.copy(cbook.get_sample_data('grace_hopper.jpg', asfileobj=False),
                hopper)
    paths['grace_hopper'] = str(hopper)
    try:
        import skimage.data
        rocket = Path(skimage.data.__file__).parent / 'rocket.jpg'
        shutil.copy(rocket, root / 'rocket.jpg')  # 427 x 640
        paths['rocket'] = str(root / 'rocket.jpg')
        paths['chelsea'] = write_jpeg(root / 'chelsea.jpg',
                                      skimage.data.chelsea())
    except ImportError:
        pass
    # Odd sizes (MCU padding), and one small enough that crops upscale.
    paths['odd'] = write_jpeg(root / 'odd.jpg', smooth_image(181, 243, 3))
    paths['small'] = write_jpeg(root / 'small.jpg', smooth_image(96, 120, 4))
    upright = smooth_image(232, 312, 5)
    for orientation in EXIF_ORIENTATIONS:
        paths[f'exif{orientation}'] = exif_file(
            root / f'exif{orientation}.jpg', upright, orientation)
    samples = {}
    for seed, (name, path) in enumerate(paths.items()):
        height, width = cv2.imread(path).shape[:2]  # upright, as OpenCV
        samples[name] = (path, instances(height, width, seed))
    samples['no_boxes'] = (paths['odd'], [])
    return samples


def loaded(path, boxes):
    """mmdet's LoadImageFromFile + LoadAnnotations results."""
    head = Compose([
        dict(type='LoadImageFromFile'),
        dict(type='LoadAnnotations', with_bbox=True)
    ])
    return head(dict(img_path=path, img_id=0, instances=boxes))


def fresh(results):
    """A copy the transforms may change in place (the image is never
    written to)."""
    copy = dict(results)
    copy['gt_bboxes'] = results['gt_bboxes'].clone()
    return copy


def run_seeded(pipeline, results, seed):
    """Run with numpy's global state seeded (the only one mmdet's
    transforms draw from); also returns the next draw after them."""
    np.random.seed(seed)
    out = pipeline(results)
    return out, np.random.random_sample()


# What the geometric transforms set besides pixels (all but 'img').
ANNOTATION_KEYS = ('gt_bboxes_labels', 'gt_ignore_flags', 'img_shape',
                   'ori_shape', 'scale', 'scale_factor', 'keep_ratio', 'flip',
                   'flip_direction', 'homography_matrix')


def assert_same_annotations(ours, theirs, keys=None):
    """Boxes bit-identical, the other ``keys`` (default: all of
    ``theirs``, which ``ours`` must have exactly, but for its geometry)
    equal in value and type."""
    assert type(ours['gt_bboxes']) is HorizontalBoxes
    assert torch.equal(ours['gt_bboxes'].tensor, theirs['gt_bboxes'].tensor)
    if keys is None:
        assert set(ours) - {'geometry'} == set(theirs)
        keys = set(theirs) - {'img', 'gt_bboxes'}
    for key in keys:
        expected = theirs[key]
        got = ours[key]
        if isinstance(expected, np.ndarray):
            assert got.dtype == expected.dtype, key
            np.testing.assert_array_equal(got, expected, err_msg=key)
        else:
            assert got == expected and type(got) is type(expected), \
                (key, got, expected)


def psnr(ours, theirs):
    error = np.mean((np.asarray(ours, float) - theirs)**2)
    return np.inf if error == 0 else 10 * np.log10(255**2 / error)


def luma(bgr):
    """JFIF Y of a BGR image (float)."""
    b, g, r = (bgr[..., i].astype(float) for i in range(3))
    return 0.299 * r + 0.587 * g + 0.114 * b


def test_uniform_is_low_plus_span_times_next_double():
    """The premise of drawing mmdet's crop trials ahead: legacy
    ``uniform(low, high)`` is ``low + (high - low) * random_sample()``,
    also for mmdet's ``uniform(w - new_w)`` (high 1.0 below low)."""
    rng = np.random.default_rng(0)
    lows = rng.uniform(-5, 700, 2000)
    highs = np.where(
        rng.random(2000) < 0.5, 1.0, lows + rng.uniform(0, 500, 2000))
    np.random.seed(7)
    drawn = [np.random.uniform(lo, hi) for lo, hi in zip(lows, highs)]
    np.random.seed(7)
    doubles = np.random.random_sample(len(lows))
    np.testing.assert_array_equal(drawn, lows + (highs - lows) * doubles)


def test_overlaps_float32_is_mmdets():
    """The numpy IoU equals mmdet's torch bbox_overlaps bit for bit,
    including touching, degenerate and nested boxes."""
    rng = np.random.default_rng(1)
    corners = rng.uniform(0, 600, (400, 2, 2)).astype(np.float32)
    boxes = np.concatenate([corners.min(1), corners.max(1)], 1)
    boxes[:20, 2] = boxes[:20, 0]  # zero width
    boxes[20:40] = boxes[40:60]  # duplicates
    patches = np.floor(boxes[::7]).astype(np.float32)
    theirs = bbox_overlaps(torch.from_numpy(patches),
                           torch.from_numpy(boxes)).numpy()
    ours = min_iou_sampler.overlaps_float32(patches, boxes)
    assert ours.dtype == np.float32
    np.testing.assert_array_equal(ours, theirs)


PER_TRANSFORM = {
    'Expand': [
        dict(SSD[0][1], prob=1.0),
        dict(mean=(0, 128, 255), to_rgb=False, ratio_range=(1, 2))
    ],
    'MinIoURandomCrop': [
        SSD[1][1],
        dict(min_ious=(0.5, 0.9), min_crop_size=0.5, bbox_clip_border=False)
    ],
    'Resize': [
        SSD[2][1],
        dict(scale=(333, 250), keep_ratio=True),
        dict(scale_factor=1.7)
    ],
    'RandomFlip': [
        dict(prob=1.0),
        dict(prob=[0.3, 0.3, 0.3],
             direction=['horizontal', 'vertical', 'diagonal'])
    ],
}


@pytest.mark.parametrize('name', PER_TRANSFORM)
def test_each_lazy_transform_is_mmdets(photos, name):
    """Each transform alone on loaded photos, several argument sets:
    boxes, keys, draws and pixels (the SSD chain below composes them)."""
    images = ('grace_hopper', 'odd', 'small', 'no_boxes')
    for variant, options in enumerate(PER_TRANSFORM[name]):
        theirs = Compose([dict(type=name, **options)])
        ours = Compose([
            dict(type=f'Lazy{name}', **options),
            dict(type='MaterializeImage', method='resize')
        ])
        for image in images:
            start = loaded(*photos[image])
            for seed in range(8):
                expected, after = run_seeded(theirs, fresh(start), seed)
                got, our_after = run_seeded(ours, fresh(start), seed)
                assert our_after == after, (name, variant, image, seed)
                assert_same_annotations(got, expected)
                np.testing.assert_array_equal(got['img'], expected['img'])


def ssd_pipelines(method='resize'):
    """mmdet's SSD geometric transforms and their lazy twins."""
    theirs = Compose([dict(type=name, **options) for name, options in SSD])
    ours = Compose(
        [dict(type=f'Lazy{name}', **options) for name, options in SSD] +
        [dict(type='MaterializeImage', method=method)])
    return theirs, ours


def test_ssd_chain_is_mmdets(photos):
    """The whole SSD chain over many seeds and photos: identical boxes,
    labels, flags, keys and draws; the 'resize' materialiser gives mmdet's
    bytes and 'warp' stays within 45 dB."""
    theirs, ours = ssd_pipelines()
    lazy, materialize = Compose(ours.transforms[:-1]), ours.transforms[-1]
    warp = MaterializeImage(method='warp')
    seen = dict(dropped=0, empty=0, flipped=0, expanded=0, warp_db=np.inf)
    for name, sample in photos.items():
        if name in ('exif3', 'exif8'):  # exif6 stands for them here
            continue
        start = loaded(*sample)
        boxes = len(start['gt_bboxes'])
        for seed in range(CHAIN_SEEDS):
            expected, after = run_seeded(theirs, fresh(start), seed)
            got, our_after = run_seeded(lazy, fresh(start), seed)
            assert our_after == after, (name, seed)
            geometry = got['geometry']
            warped = warp(dict(got))['img']
            got = materialize(got)
            assert_same_annotations(got, expected)
            np.testing.assert_array_equal(got['img'], expected['img'])
            seen['warp_db'] = min(seen['warp_db'],
                                  psnr(warped, expected['img']))
            survivors = len(expected['gt_bboxes'])
            seen['dropped'] += 0 < survivors < boxes
            seen['empty'] += survivors == 0
            seen['flipped'] += expected['flip']
            seen['expanded'] += geometry.fill is not None
    assert seen['warp_db'] >= PSNR_DB, seen
    # The draws covered what they should.
    assert min(seen['dropped'], seen['empty'], seen['flipped'],
               seen['expanded']) > 0, seen


def test_ssd_chain_with_get_state_fallback(photos, monkeypatch):
    """Where MT19937's state struct cannot be copied, the crop's look-ahead
    returns through get_state/set_state, with the same results (the other
    tests copy the struct, as on any common numpy build)."""
    assert min_iou_sampler.mt19937_state_address() is not None
    monkeypatch.setattr(min_iou_sampler, 'mt19937_state_address',
                        lambda: None)
    theirs, ours = ssd_pipelines()
    start = loaded(*photos['grace_hopper'])
    for seed in range(10):
        expected, after = run_seeded(theirs, fresh(start), seed)
        got, our_after = run_seeded(ours, fresh(start), seed)
        assert our_after == after
        assert_same_annotations(got, expected)


@pytest.fixture
def one_torch_thread():
    """The device-side materialiser runs many small torch ops: on a busy
    2-core machine, two OpenMP threads take ~40 times longer than one."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def dct_pipeline():
    """The compressed-domain arm up to packing."""
    return Compose([
        dict(type='LoadDCTFromFile', lazy=True),
        dict(type='LoadAnnotations', with_bbox=True)
    ] + [dict(type=f'Lazy{name}', **options) for name, options in SSD])


def test_dct_arm_matches_mmdets_pixels(photos, one_torch_thread):
    """Compressed domain: LoadDCTFromFile(lazy=True) + Lazy* +
    PackDCTInputs, materialised by DCTDataPreprocessor, against mmdet's
    pixel pipeline on the same draws: the same boxes, labels and flags
    (EXIF-turned files too), and luma within 45 dB."""
    theirs, _ = ssd_pipelines()
    ours = dct_pipeline()
    preprocessor = DCTDataPreprocessor()
    worst = np.inf
    for name, (path, boxes) in photos.items():
        start = loaded(path, boxes)
        packed, expected_images = [], []
        for seed in range(8):
            expected, after = run_seeded(theirs, fresh(start), seed)
            results, our_after = run_seeded(
                ours, dict(img_path=path, img_id=0, instances=boxes), seed)
            assert our_after == after, (name, seed)
            assert_same_annotations(results, expected, ANNOTATION_KEYS)
            packed.append(PackDCTInputs()(results))
            expected_images.append(expected['img'])
        batch = preprocessor(pseudo_collate(packed))['inputs']['y']
        for y, image in zip(batch, expected_images):
            worst = min(worst, psnr(dct_luma(y), luma(image)))
    assert worst >= PSNR_DB


def dct_luma(y):
    """A materialised 300 x 300 Y plane in grey levels."""
    return block_idct(y.permute(1, 2, 0).numpy())[:300, :300] + 128


@pytest.mark.parametrize('orientation', EXIF_ORIENTATIONS)
def test_exif_turned_file_keeps_boxes_aligned(photos, orientation,
                                              one_torch_thread):
    """Boxes annotated on the upright image of an EXIF-turned file: mmdet
    (OpenCV turns it on load), the RGB lazy arm and the DCT lazy arm (the
    turn enters the geometry on load) give the same boxes, and the DCT
    arm's pixels are the upright image's."""
    path, boxes = photos[f'exif{orientation}']
    theirs, ours = ssd_pipelines('warp')
    dct = dct_pipeline()
    start = loaded(path, boxes)
    for seed in range(6):
        expected, after = run_seeded(theirs, fresh(start), seed)
        rgb, rgb_after = run_seeded(ours, fresh(start), seed)
        results, dct_after = run_seeded(
            dct, dict(img_path=path, img_id=0, instances=boxes), seed)
        assert rgb_after == dct_after == after
        assert_same_annotations(rgb, expected)
        assert_same_annotations(results, expected, ANNOTATION_KEYS)
        sample = PackDCTInputs()(results)
        y = DCTDataPreprocessor()(pseudo_collate([sample]))['inputs']['y']
        assert psnr(dct_luma(y[0]), luma(expected['img'])) >= PSNR_DB
        assert psnr(rgb['img'], expected['img']) >= PSNR_DB


def test_lazy_transforms_start_from_img_shape_and_leave_pixels():
    """Without a geometry they start from the identity of ``img_shape``;
    neither ``img`` nor anything but the geometry and annotations change,
    and without ``img`` (DCT samples) the fill is the uint8 mean."""
    img = smooth_image(40, 50)
    results = dict(img=img,
                   img_shape=(40, 50),
                   gt_bboxes=HorizontalBoxes(
                       np.array([[5, 5, 30, 30]], np.float32)))
    results = LazyExpand(mean=(10.7, 20.2, 30.9), to_rgb=False,
                         prob=1.0)(results)
    assert results['img'] is img
    geometry = results['geometry']
    assert geometry.src_size == (40, 50)
    assert geometry.out_size == results['img_shape']
    # mmdet writes the mean into the BGR image, truncated to uint8: RGB
    # is its reverse.
    assert geometry.fill == (30.0, 20.0, 10.0)
    no_pixels = dict(img_shape=(40, 50))
    LazyExpand(mean=(1.9, 2, 3), prob=1.0).transform(no_pixels)
    assert no_pixels['geometry'].fill == (1.0, 2.0, 3.0)
    resized = LazyResize(scale=(25, 20)).transform(dict(img_shape=(40, 50)))
    assert resized['geometry'] == identity(
        (40, 50)).then(resize((40, 50), (20, 25)))


def test_lazy_transforms_refuse_pixel_maps_and_other_resizers():
    with pytest.raises(ValueError, match='gt_masks'):
        LazyRandomFlip(prob=1.0).transform(
            dict(img_shape=(8, 8), gt_masks=object()))
    with pytest.raises(ValueError, match='gt_seg_map'):
        LazyMinIoURandomCrop().transform(
            dict(img_shape=(8, 8),
                 gt_seg_map=np.zeros((8, 8)),
                 gt_bboxes=HorizontalBoxes(np.zeros((0, 4), np.float32))))
    with pytest.raises(ValueError, match='bilinear'):
        LazyResize(scale=(8, 8), interpolation='nearest')
    with pytest.raises(ValueError, match='bilinear'):
        LazyResize(scale=(8, 8), backend='pillow')
    # A fill around an interpolated image is not one resample.
    results = LazyResize(scale=(16, 16)).transform(dict(img_shape=(8, 8)))
    with pytest.raises(ValueError, match='interpolat'):
        LazyExpand(prob=1.0).transform(results)


def test_registered_with_mmdets_arguments():
    """Configs build them like mmdet's transforms, with mmdet's
    arguments."""
    for name, options in SSD:
        ours = TRANSFORMS.build(dict(type=f'Lazy{name}', **options))
        theirs = TRANSFORMS.build(dict(type=name, **options))
        assert isinstance(ours, type(theirs))
        assert vars(ours) == vars(theirs)
    assert isinstance(TRANSFORMS.build(dict(type='MaterializeImage')),
                      MaterializeImage)
    assert {Expand, MinIoURandomCrop, Resize, RandomFlip} == {
        type(t).__mro__[1]
        for t in (LazyExpand(), LazyMinIoURandomCrop(), LazyResize(scale=8),
                  LazyRandomFlip(prob=0.5))
    }


@pytest.mark.parametrize('method', materialize_image.METHODS)
def test_materialize_turned_and_plain_geometries(method):
    """Geometries beyond the lazy transforms' own: an EXIF turn (stored
    pixels, as the DCT arm's geometry starts) then a resize, and an
    Expand alone, against OpenCV's own operations."""
    stored = smooth_image(45, 70, 2)
    turned = cv2.rotate(stored, cv2.ROTATE_90_CLOCKWISE)  # orientation 6
    geometry = orientation_geometry(6, 45, 70).then(resize((70, 45), (50, 33)))
    ours = materialize_image.materialize_image(stored, geometry, method)
    expected = cv2.resize(turned, (33, 50), interpolation=cv2.INTER_LINEAR)
    if method == 'resize':  # it mirrors after resizing: rounding apart
        assert np.abs(ours.astype(int) - expected).max() <= 1
    assert psnr(ours, expected) >= PSNR_DB
    fill = (200.0, 100.0, 50.0)  # RGB
    expand = crop((45, 70), -3, -5, (60, 80), fill)
    canvas = np.empty((60, 80, 3), np.uint8)
    canvas[:] = fill[::-1]
    canvas[5:50, 3:73] = stored
    np.testing.assert_array_equal(
        materialize_image.materialize_image(stored, expand, method), canvas)
    rgb = materialize_image.materialize_image(stored, expand, method, 'rgb')
    assert tuple(rgb[0, 0]) == (200, 100, 50)
    with pytest.raises(ValueError, match='source'):
        materialize_image.materialize_image(stored[1:], expand, method)


def test_materialize_image_transform_consumes_the_geometry():
    img = smooth_image(20, 30)
    step = MaterializeImage()
    assert step(dict(img=img))['img'] is img  # nothing to do
    results = step(dict(img=img, geometry=resize((20, 30), (10, 15))))
    assert 'geometry' not in results and results['img'].shape == (10, 15, 3)
    with pytest.raises(ValueError, match='method'):
        MaterializeImage(method='remap')
