import io

import cv2
import numpy as np
import pytest
from PIL import Image

from dct_codec import geometry as geo
from dct_codec.exif import exif_orientation

from conftest import smooth_image

MEAN = (123.0, 116.0, 103.0)


def _apply(geometry, xy):
    """Output points -> source points."""
    return np.asarray(xy, float) @ geometry.affine[:2, :2].T + \
        geometry.affine[:2, 2]


def _random_boxes(rng, h, w, n=20):
    xy = rng.uniform(0, 1, (n, 2, 2)) * [w, h]
    return np.concatenate([xy.min(1), xy.max(1)], 1)


def test_constructors_follow_cv2_and_mmdet():
    g = geo.resize((375, 500), (300, 300))
    assert g.matrix == (500 / 300, 0, 0, 0, 375 / 300, 0)
    assert g.scale_factor == pytest.approx((300 / 500, 300 / 375))
    assert not g.exact and g.axis_aligned and not g.transposed
    # mmdet's box ops: resize scales, flip mirrors about w, crop shifts.
    box = np.array([[10.0, 20.0, 110.0, 220.0]])
    np.testing.assert_allclose(g.map_boxes(box),
                               box * [0.6, 0.8, 0.6, 0.8])
    np.testing.assert_allclose(
        geo.flip((375, 500), 'horizontal').map_boxes(box),
        [[390, 20, 490, 220]])
    np.testing.assert_allclose(
        geo.flip((375, 500), 'vertical').map_boxes(box),
        [[10, 155, 110, 355]])
    np.testing.assert_allclose(
        geo.flip((375, 500), 'diagonal').map_boxes(box),
        [[390, 155, 490, 355]])
    np.testing.assert_allclose(
        geo.crop((375, 500), 5, 7, (100, 100)).map_boxes(box),
        [[5, 13, 105, 213]])
    assert geo.identity((3, 4)).exact
    assert geo.flip((3, 4)).exact and geo.crop((3, 4), -2, 1, (9, 9)).exact
    with pytest.raises(ValueError, match='direction'):
        geo.flip((3, 4), 'sideways')
    with pytest.raises(ValueError, match='integers'):
        geo.crop((3, 4), 0.5, 0, (2, 2))
    with pytest.raises(ValueError, match='out_size'):
        geo.Geometry((1, 0, 0, 0, 1, 0), (0, 3), (3, 3))


@pytest.mark.parametrize('orientation', range(1, 9))
def test_orientation_maps_pixel_centres_to_pixel_centres(orientation):
    g = geo.orientation_geometry(orientation, 6, 10)
    assert g.exact and g.src_size == (6, 10)
    assert g.out_size == ((10, 6) if orientation > 4 else (6, 10))
    assert g.transposed == (orientation > 4)
    h, w = g.out_size
    ys, xs = np.mgrid[0:h, 0:w]
    src = _apply(g, np.stack([xs + 0.5, ys + 0.5], -1).reshape(-1, 2)) - 0.5
    assert np.all(src == np.round(src))
    # A permutation of the stored pixels.
    flat = src[:, 1] * 10 + src[:, 0]
    assert sorted(flat) == list(range(60))
    assert g.scale_factor == (1.0, 1.0)


@pytest.mark.parametrize('orientation', range(1, 9))
def test_orientation_matches_cv2_imdecode(orientation):
    height, width = 24, 40
    exif = Image.Exif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    Image.fromarray(smooth_image(height, width)).save(buffer, 'JPEG',
                                                      exif=exif.tobytes())
    data = buffer.getvalue()
    assert exif_orientation(data) == orientation
    array = np.frombuffer(data, np.uint8)
    upright = cv2.imdecode(array, cv2.IMREAD_COLOR)
    # The stored pixels: PIL does not apply EXIF unless asked to.
    stored = np.array(Image.open(io.BytesIO(data)).convert('RGB'))[..., ::-1]
    ignored = cv2.imdecode(array,
                           cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
    np.testing.assert_array_equal(stored, ignored)

    g = geo.orientation_geometry(orientation, height, width)
    assert upright.shape[:2] == g.out_size
    h, w = g.out_size
    ys, xs = np.mgrid[0:h, 0:w]
    src = _apply(g, np.stack([xs + 0.5, ys + 0.5], -1)) - 0.5
    src = src.astype(int)
    np.testing.assert_array_equal(upright, stored[src[..., 1], src[..., 0]])
    # Boxes of the stored image land on the same content when upright.
    box = np.array([[3.0, 5.0, 9.0, 17.0]])
    x1, y1, x2, y2 = g.map_boxes(box)[0].astype(int)
    inverse = g.inverse().map_boxes(np.array([[x1, y1, x2, y2]], float))
    np.testing.assert_allclose(inverse, box)
    patch = upright[y1:y2, x1:x2]
    assert patch.size == stored[5:17, 3:9].size
    assert patch.astype(int).sum() == stored[5:17, 3:9].astype(int).sum()


def test_orientation_compositions():
    h, w = 6, 10

    def orient(orientation, height=h, width=w):
        return geo.orientation_geometry(orientation, height, width)

    # 6 = transpose, then a horizontal flip of the transposed image.
    composed = orient(5).then(geo.flip((w, h), 'horizontal'))
    assert composed == orient(6)
    assert orient(5).then(geo.flip((w, h), 'vertical')) == orient(8)
    assert orient(5).then(geo.flip((w, h), 'diagonal')) == orient(7)
    assert orient(2).then(geo.flip((h, w), 'vertical')) == orient(3)
    # Four quarter turns are the identity; 6 and 8 undo each other.
    g = orient(6)
    for _ in range(3):
        g = g.then(geo.orientation_geometry(6, *g.out_size))
    assert g == geo.identity((h, w))
    assert orient(6).then(orient(8, w, h)) == geo.identity((h, w))
    for o in range(1, 9):
        g = orient(o)
        assert g.then(g.inverse()) == geo.identity((h, w))
        assert g.inverse().then(g) == geo.identity(g.out_size)


def test_inverse_round_trips():
    rng = np.random.default_rng(0)
    geometries = [
        geo.resize((375, 500), (300, 300)),
        geo.resize((375, 500), (300, 300)).then(geo.flip((300, 300))),
        geo.orientation_geometry(6, 375, 500).then(
            geo.resize((500, 375), (123, 77))),
        geo.crop((375, 500), -30, -40, (600, 700), MEAN).then(
            geo.crop((600, 700), 50, 20, (400, 300))),
    ]
    for g in geometries:
        np.testing.assert_allclose(g.affine @ g.inverse().affine, np.eye(3),
                                   atol=1e-12)
        assert g.inverse().inverse().matrix == pytest.approx(g.matrix)
        boxes = _random_boxes(rng, *g.src_size)
        np.testing.assert_allclose(g.inverse().map_boxes(g.map_boxes(boxes)),
                                   boxes, atol=1e-9)


def test_map_boxes_follows_the_affine():
    rng = np.random.default_rng(1)
    for o in range(1, 9):
        g = geo.orientation_geometry(o, 375, 500).then(
            geo.resize(geo.orientation_geometry(o, 375, 500).out_size,
                       (300, 200)))
        boxes = _random_boxes(rng, 375, 500).astype(np.float32)
        out = g.map_boxes(boxes)
        assert out.dtype == np.float32 and out.shape == boxes.shape
        assert np.all(out[:, 0] <= out[:, 2]) and np.all(
            out[:, 1] <= out[:, 3])
        # The output box's corners map back onto the source box's corners.
        back = _apply(g, out.reshape(-1, 2)).reshape(-1, 2, 2)
        back = np.concatenate([back.min(1), back.max(1)], 1)
        np.testing.assert_allclose(back, boxes, rtol=1e-5, atol=1e-3)
    assert geo.identity((5, 5)).map_boxes(np.zeros((0, 4))).shape == (0, 4)
    skew = geo.Geometry((1, 0.5, 0, 0, 1, 0), (5, 5), (5, 5))
    with pytest.raises(ValueError, match='axis-aligned'):
        skew.map_boxes(np.zeros((1, 4)))


def test_ssd_chain_composes_to_one_resample():
    """Expand -> MinIoURandomCrop -> Resize -> RandomFlip, as mmdet does it
    step by step, is one map with the fill and the crop as clamp window."""
    h, w, ratio, left, top = 375, 500, 2.5, 311, 97
    canvas = (int(h * ratio), int(w * ratio))
    expand = geo.crop((h, w), -left, -top, canvas, MEAN)
    patch = (280, 150, 880, 600)  # x1, y1, x2, y2 on the canvas
    crop = geo.crop(canvas, patch[0], patch[1],
                    (patch[3] - patch[1], patch[2] - patch[0]))
    size = crop.out_size
    resize = geo.resize(size, (300, 300))
    flip = geo.flip((300, 300))
    g = expand.then(crop).then(resize).then(flip)
    assert g.src_size == (h, w) and g.out_size == (300, 300)
    assert g.fill == MEAN
    assert g.window == (patch[0] - left, patch[1] - top, patch[2] - left,
                        patch[3] - top)
    # Associativity.
    assert g == expand.then(crop.then(resize.then(flip)))

    boxes = np.array([[20.0, 30.0, 200.0, 300.0], [400, 10, 480, 90]])
    step = boxes + [left, top, left, top]
    step = step - [patch[0], patch[1], patch[0], patch[1]]
    step = step * np.tile([300 / size[1], 300 / size[0]], 2)
    step = np.stack([300 - step[:, 2], step[:, 1], 300 - step[:, 0],
                     step[:, 3]], 1)
    np.testing.assert_allclose(g.map_boxes(boxes), step, atol=1e-9)

    # A crop inside the source clamps at its own edges; a plain resize
    # needs no window.
    inside = geo.crop((h, w), 16, 32, (200, 300)).then(
        geo.resize((200, 300), (100, 100)))
    assert inside.window == (16, 32, 316, 232) and inside.fill is None
    assert geo.identity((h, w)).then(geo.resize((h, w), (9, 9))) == \
        geo.resize((h, w), (9, 9))


def test_compositions_without_an_exact_form_raise():
    resize = geo.resize((10, 10), (7, 7))
    with pytest.raises(ValueError, match='single exact resample'):
        resize.then(geo.resize((7, 7), (5, 5)))
    with pytest.raises(ValueError, match='single exact resample'):
        resize.then(geo.crop((7, 7), -1, -1, (9, 9), MEAN))
    with pytest.raises(ValueError, match='crop of the source'):
        geo.crop((10, 10), 2, 2, (5, 5)).then(
            geo.crop((5, 5), -1, -1, (7, 7), MEAN))
    with pytest.raises(ValueError, match='two different fills'):
        geo.crop((10, 10), -1, -1, (12, 12), MEAN).then(
            geo.crop((12, 12), -1, -1, (14, 14), (0, 0, 0)))
    with pytest.raises(ValueError, match='source size'):
        resize.then(geo.flip((8, 8)))
    with pytest.raises(ValueError, match='1-8'):
        geo.orientation_geometry(9, 3, 3)
    # Flips and crops inside a resampled image do compose.
    g = resize.then(geo.flip((7, 7))).then(geo.crop((7, 7), 1, 2, (3, 4)))
    assert g.out_size == (3, 4) and g.window is None
    # The same fill on both sides composes.
    g = geo.crop((10, 10), -1, -1, (12, 12), MEAN).then(
        geo.crop((12, 12), -1, -1, (14, 14), MEAN))
    assert g.matrix == (1, 0, -2, 0, 1, -2) and g.fill == MEAN
