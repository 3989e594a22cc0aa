"""JPEG quantisation as libjpeg does it, without encoding: the IJG tables
of a quality and libjpeg's rounding, so that resampled coefficients can be
put back on a quantisation lattice (the published protocol's inputs sit on
one: they are read from a quality-75 re-encode)."""
import numpy as np

# T.81 Annex K base tables in natural (raster) order: luminance, chrominance.
BASE_TABLES = np.array([
    [16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
     14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
     18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
     49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99],
    [17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99,
     24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
     99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
     99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99],
])


def ijg_tables(quality: int) -> np.ndarray:
    """``(2, 64)`` luma and chroma tables (natural order) of IJG
    ``quality`` 1-100 with baseline clamping, as libjpeg's
    ``jpeg_set_quality`` (and so PIL and OpenCV) make them."""
    if not 1 <= quality <= 100:
        raise ValueError(f'quality must be 1-100, got {quality}')
    scale = 5000 // quality if quality < 50 else 200 - 2 * quality
    return np.clip((BASE_TABLES * scale + 50) // 100, 1, 255)


def quantize(coeffs: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Levels of ``coeffs`` (..., 64) under ``table``: round half away from
    zero, as libjpeg's forward quantisation."""
    return np.sign(coeffs) * np.floor(np.abs(coeffs) / table + 0.5)
