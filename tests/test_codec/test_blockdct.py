import ast
from pathlib import Path

import numpy as np

from dct_codec import block_dct, block_idct, dct_matrix


def test_dct_matrix_is_orthonormal():
    d = dct_matrix()
    np.testing.assert_allclose(d @ d.T, np.eye(8), atol=1e-12)


def test_roundtrip_and_edge_padding():
    rng = np.random.default_rng(0)
    plane = rng.normal(size=(20, 27))
    coeffs = block_dct(plane)
    assert coeffs.shape == (3, 4, 64)
    restored = block_idct(coeffs)
    np.testing.assert_allclose(restored[:20, :27], plane, atol=1e-10)
    # Padding replicates the last row/column, as JPEG encoders do.
    np.testing.assert_allclose(restored[20:, 0], plane[19, 0], atol=1e-10)


def test_constant_block_has_only_dc():
    coeffs = block_dct(np.full((8, 8), 10.0))
    assert np.isclose(coeffs[0, 0, 0], 80.0)
    np.testing.assert_allclose(coeffs[0, 0, 1:], 0, atol=1e-12)


def test_horizontal_frequency_is_the_column_index():
    x = np.arange(8)
    plane = np.tile(np.cos(np.pi * (2 * x + 1) * 1 / 16), (8, 1))
    coeffs = block_dct(plane)[0, 0].reshape(8, 8)
    # u = 1, v = 0 -> raster index k = 8 * 0 + 1.
    assert np.argmax(np.abs(coeffs).ravel()) == 1


def test_codec_imports_no_framework():
    codec = Path(__file__).resolve().parents[2] / 'dct_codec'
    banned = {'torch', 'mmcv', 'mmengine', 'mmdet'}
    for source in codec.glob('*.py'):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split('.')[0] not in banned, (source.name, name)
