"""dct_mmdet.visualization: boxes, depth and normals as BGR uint8
images."""
import numpy as np

from dct_mmdet.visualization import (draw_depth, draw_detections,
                                     draw_normals)


def test_draw_detections_draws_on_a_copy():
    image = np.zeros((40, 60, 3), np.uint8)
    drawn = draw_detections(image, [(10, 12, 30, 35)], [1], [0.5],
                            ('a', 'b'))
    assert not image.any()
    assert drawn.shape == image.shape and drawn.any()
    assert tuple(drawn[35, 20]) == (0, 200, 0)  # label 1's colour


def test_depth_is_normalised_near_bright():
    depth = np.array([[0, 1], [2, 4]], np.float32)
    image = draw_depth(depth)
    assert image.dtype == np.uint8
    np.testing.assert_array_equal(image, [[255, 191], [128, 0]])
    big = draw_depth(depth, size=(4, 6))  # (width, height), nearest
    assert big.shape == (6, 4)
    assert set(np.unique(big)) == {0, 128, 191, 255}
    assert draw_depth(np.zeros((2, 2))).max() == 255  # no division by 0


def test_normals_are_half_offset_rgb_in_bgr_order():
    normals = np.zeros((2, 3, 3), np.float32)
    normals[..., 0] = 1  # +x: red
    normals[1, :] = (0, 0, -1)
    image = draw_normals(normals, size=(6, 4))
    assert image.shape == (4, 6, 3) and image.dtype == np.uint8
    assert tuple(image[0, 0]) == (128, 128, 255)  # B, G, R
    assert tuple(image[-1, -1]) == (0, 128, 128)
