"""ROCKColorJitter (torchvision's ColorJitter on mmcv's BGR uint8 image):
the identity at zero amounts, brightness as a clipped multiplication by the
drawn factor, and a random order of its operations that the seeds fix."""
import random

import numpy as np
import pytest

from dct_mmdet.datasets.transforms.rock_transforms import ROCKColorJitter


def image(seed=0, height=12, width=16):
    rng = np.random.default_rng(seed)
    img = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    img[0, 0] = 0
    img[0, 1] = 255
    return img


def jitter(img, seed, **amounts):
    random.seed(seed)
    np.random.seed(seed)
    return ROCKColorJitter(**amounts)(dict(img=img.copy()))['img']


def test_zero_amounts_are_the_identity():
    img = image()
    out = jitter(img, 0, brightness=0, contrast=0, saturation=0, hue=0)
    assert out.dtype == np.uint8 and out.shape == img.shape
    np.testing.assert_array_equal(out, img)


def assert_rounds_to(out, exact):
    """``out`` == ``rint(clip(exact))``, except within float32 error of a
    half, where either neighbour is right."""
    expected = np.rint(np.clip(exact, 0, 255))
    near_half = np.abs(exact - np.floor(exact) - 0.5) < 1e-3
    assert (~near_half).mean() > 0.9
    np.testing.assert_array_equal(out[~near_half], expected[~near_half])
    assert np.abs(out.astype(float) - expected).max() <= 1


@pytest.mark.parametrize('seed', [0, 3])
def test_brightness_multiplies_by_the_drawn_factor(seed):
    img = image(seed)
    # The one draw: uniform on [1 - 0.5, 1 + 0.5].
    factor = np.random.RandomState(seed).uniform(0.5, 1.5)
    out = jitter(img, seed, brightness=0.5, contrast=0, saturation=0, hue=0)
    assert_rounds_to(out, img.astype(np.float64) * factor)
    # Seeds 0 and 3 draw 1.049 and 1.051: the brightest pixels clip.
    assert factor > 1
    assert (out[img > 255 / factor] == 255).all()
    assert (img[img > 255 / factor] < 255).any()
    assert not np.array_equal(out, img)


def brightness_then_contrast(img, b, c, contrast_first=False):
    """torchvision's formulas on [0, 1] RGB, clipped after each step."""
    rgb = img[..., ::-1].astype(np.float64) / 255

    def brightness(x):
        return np.clip(x * b, 0, 1)

    def contrast(x):
        mean = (x @ np.array([0.299, 0.587, 0.114])).mean()
        return np.clip(x * c + mean * (1 - c), 0, 1)

    rgb = brightness(contrast(rgb)) if contrast_first else \
        contrast(brightness(rgb))
    return rgb[..., ::-1] * 255


def test_the_order_is_random_and_fixed_by_the_seeds():
    """Brightness and contrast alone commute, but not with the clipping
    after each step: where the two orders differ, each seed gives one of
    them, the same one again for the same seeds, and both occur."""
    img = image(5)
    amounts = dict(brightness=0.5, contrast=0.5, saturation=0, hue=0)
    orders = []
    for seed in range(16):
        out = jitter(img, seed, **amounts)
        np.testing.assert_array_equal(out, jitter(img, seed, **amounts))
        # The draws, brightness first, each on [1 - 0.5, 1 + 0.5].
        rng = np.random.RandomState(seed)
        b, c = rng.uniform(0.5, 1.5), rng.uniform(0.5, 1.5)
        candidates = [
            brightness_then_contrast(img, b, c, contrast_first=first)
            for first in (False, True)
        ]
        errors = [np.abs(out - cand).max() for cand in candidates]
        assert min(errors) <= 1, (seed, errors)
        if np.abs(candidates[0] - candidates[1]).max() > 3:
            orders.append(int(np.argmin(errors)))
    assert len(orders) >= 4 and set(orders) == {0, 1}, orders
