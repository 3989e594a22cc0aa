import numpy as np
import pytest
import torch
from mmdet.structures import DetDataSample
from mmdet.structures.bbox import HorizontalBoxes
from mmengine.dataset import Compose

from conftest import cv2_jpeg, jpeg_bytes, smooth_image
from dct_codec import JPEGReadError, read_dct
from dct_mmdet.datasets import (DCTTestInput, JPEGToDCT, LoadDCTFromFile,
                                PackDCTInputs)
from dct_mmdet.utils import register_all_modules

register_all_modules()


def test_load_dct_from_file_reads_the_original_coefficients(tmp_path):
    path = tmp_path / 'a.jpg'
    data = jpeg_bytes(310, 305, quality=85)
    path.write_bytes(data)
    results = LoadDCTFromFile()(dict(img_path=str(path)))
    expected = read_dct(data)
    np.testing.assert_array_equal(results['dct_y'], expected.y)
    np.testing.assert_array_equal(results['dct_cr'], expected.cr)
    assert results['dct_y'].shape == (40, 40, 64)
    assert results['dct_cb'].shape == (20, 20, 64)
    assert results['img_shape'] == results['ori_shape'] == (310, 305)
    assert results['dct_grayscale'] is False
    assert 'img' not in results


def test_load_dct_from_file_names_a_truncated_file(tmp_path):
    path = tmp_path / 'broken.jpg'
    path.write_bytes(jpeg_bytes(100, 100)[:400])
    with pytest.raises(JPEGReadError, match='broken.jpg: truncated'):
        LoadDCTFromFile()(dict(img_path=str(path)))


@pytest.mark.parametrize('protocol', ['reencode', 'direct'])
def test_test_input_names_a_cut_jpeg(tmp_path, protocol):
    """A file cut in its scan and closed with an end marker: OpenCV alone
    decodes it (grey rows, a libjpeg warning on stderr)."""
    cut = jpeg_bytes(160, 160, quality=90)[:-1500] + b'\xff\xd9'
    path = tmp_path / 'cut.jpg'
    path.write_bytes(cut)
    step = DCTTestInput(protocol=protocol)
    message = 'libjpeg: Corrupt JPEG data: premature end of data segment'
    with pytest.raises(JPEGReadError, match=f'cut.jpg: {message}'):
        step(dict(img_path=str(path)))
    with pytest.raises(JPEGReadError, match=f'<bytes>: {message}'):
        step(dict(img_bytes=cut, img_path=None))
    # The same bytes, whole, go through.
    whole = step(dict(img_bytes=jpeg_bytes(160, 160, quality=90),
                      img_path=None))
    assert whole['dct_y'].shape[:2] == ((38, 38) if protocol == 'reencode'
                                        else (20, 20))


def test_jpeg_to_dct_after_pixel_transforms(tmp_path):
    path = tmp_path / 'b.jpg'
    path.write_bytes(jpeg_bytes(240, 320, quality=90))
    pipeline = Compose([
        dict(type='LoadImageFromFile'),
        dict(type='Resize', scale=(300, 300), keep_ratio=False),
        dict(type='JPEGToDCT', quality=75),
    ])
    results = pipeline(dict(img_path=str(path), img_id=0))
    assert results['dct_y'].shape == (38, 38, 64)
    assert results['dct_cb'].shape == results['dct_cr'].shape == (19, 19, 64)
    assert results['img_shape'] == (300, 300)
    assert results['ori_shape'] == (240, 320)
    assert 'img' not in results


def test_jpeg_to_dct_encodes_bgr_as_colour_and_accepts_float():
    rgb = smooth_image(64, 64)
    bgr = np.ascontiguousarray(rgb[..., ::-1])
    from_uint8 = JPEGToDCT(quality=90, keep_img=True)(dict(img=bgr))
    from_float = JPEGToDCT(quality=90)(dict(img=bgr.astype(np.float32)))
    np.testing.assert_array_equal(from_uint8['dct_cb'], from_float['dct_cb'])
    assert 'img' in from_uint8 and 'img' not in from_float
    # Red-dominant pixels must give positive Cr DC when read as BGR.
    red = np.zeros((32, 32, 3), np.uint8)
    red[..., 2] = 255
    assert JPEGToDCT()(dict(img=red))['dct_cr'][..., 0].min() > 0


@pytest.mark.parametrize('subsampling', ['4:2:0', '4:4:4'])
def test_jpeg_to_dct_with_opencv_reads_what_cv2_imencode_writes(subsampling):
    """jpeg_deep's ImageNet protocol: cv2.imencode at quality 95."""
    import cv2
    bgr = np.ascontiguousarray(smooth_image(72, 96)[..., ::-1])
    sampling = getattr(cv2, 'IMWRITE_JPEG_SAMPLING_FACTOR_' +
                       subsampling.replace(':', ''))
    ok, data = cv2.imencode('.jpg', bgr, [
        cv2.IMWRITE_JPEG_QUALITY, 95, cv2.IMWRITE_JPEG_SAMPLING_FACTOR,
        sampling
    ])
    expected = read_dct(data.tobytes())
    results = JPEGToDCT(
        quality=95, subsampling=subsampling, encoder='cv2')(dict(img=bgr))
    for component in ('y', 'cb', 'cr'):
        np.testing.assert_array_equal(results[f'dct_{component}'],
                                      getattr(expected, component))


def test_jpeg_to_dct_validates_its_settings():
    with pytest.raises(ValueError, match='quality'):
        JPEGToDCT(quality=101)
    with pytest.raises(ValueError, match='subsampling'):
        JPEGToDCT(subsampling='4:1:0')
    with pytest.raises(ValueError, match='encoder'):
        JPEGToDCT(encoder='turbojpeg')


def test_pack_dct_inputs():
    y = np.ones((38, 38, 64), np.int16)
    chroma = np.full((19, 19, 64), 2, np.int16)
    results = dict(
        dct_y=y,
        dct_cb=chroma,
        dct_cr=chroma * 2,
        img_id=3,
        img_path='x.jpg',
        ori_shape=(300, 300),
        img_shape=(300, 300),
        scale_factor=(1.0, 1.0),
        gt_bboxes=HorizontalBoxes(torch.tensor([[1., 2., 30., 40.]])),
        gt_bboxes_labels=np.array([1]),
        gt_ignore_flags=np.array([False]))
    packed = PackDCTInputs()(results)
    inputs = packed['inputs']
    assert inputs['y'].shape == (64, 38, 38) and inputs['y'].dtype == \
        torch.int16
    assert inputs['cb'].shape == (64, 19, 19)
    assert int(inputs['cr'][0, 0, 0]) == 4
    sample = packed['data_samples']
    assert isinstance(sample, DetDataSample)
    assert sample.img_shape == (300, 300) and sample.img_id == 3
    assert sample.gt_instances.labels.tolist() == [1]


def test_pack_dct_inputs_without_coefficients_says_what_is_missing():
    with pytest.raises(KeyError, match='JPEGToDCT'):
        PackDCTInputs()(dict(img_path='x.jpg'))


def test_resize_short_edge_keeps_the_aspect_ratio():
    from dct_mmdet.datasets import ResizeShortEdge
    results = ResizeShortEdge(224)(dict(img=np.zeros((300, 400, 3),
                                                     np.uint8)))
    assert results['img'].shape == (224, 299, 3)
    assert results['img_shape'] == (224, 299)
    assert results['scale_factor'] == pytest.approx((299 / 400, 224 / 300))
    tall = ResizeShortEdge(256)(dict(img=np.zeros((500, 100, 3), np.uint8)))
    assert tall['img'].shape[:2] == (1280, 256)
    with pytest.raises(ValueError, match='positive'):
        ResizeShortEdge(0)


def test_pack_cls_inputs_for_pixels_and_coefficients():
    from dct_mmdet.datasets import PackClsInputs, PackDCTClsInputs
    img = np.arange(4 * 5 * 3, dtype=np.uint8).reshape(4, 5, 3)
    packed = PackClsInputs()(dict(img=img, gt_label=2, img_path='a.jpg'))
    assert packed['inputs'].shape == (3, 4, 5)
    assert int(packed['inputs'][1, 2, 3]) == int(img[2, 3, 1])
    assert int(packed['data_samples'].gt_label) == 2
    assert packed['data_samples'].img_path == 'a.jpg'
    coeffs = dict(dct_y=np.ones((4, 4, 64), np.int16),
                  dct_cb=np.ones((2, 2, 64), np.int16),
                  dct_cr=np.ones((2, 2, 64), np.int16))
    packed = PackDCTClsInputs()(coeffs)
    assert packed['inputs']['y'].shape == (64, 4, 4)
    assert 'gt_label' not in packed['data_samples']


@pytest.mark.parametrize('mode, subsampling', [('CMYK', None),
                                               ('RGB', '411')])
def test_reencode_takes_what_has_no_420_coefficients(tmp_path, mode,
                                                    subsampling):
    """CMYK and 4:1:1 files have no 4:2:0 luma/chroma coefficients to read
    directly, but decode: the re-encode protocol gives them a DCT input."""
    data = cv2_jpeg(smooth_image(96, 128), subsampling) if subsampling \
        else jpeg_bytes(96, 128, mode=mode, quality=90)
    path = tmp_path / 'odd.jpg'
    path.write_bytes(data)
    results = DCTTestInput(protocol='reencode')(dict(img_path=str(path)))
    assert results['dct_y'].shape == (38, 38, 64)
    assert results['dct_cb'].shape == (19, 19, 64)
    assert results['ori_shape'] == (96, 128)
    with pytest.raises(JPEGReadError, match='odd.jpg: '):
        DCTTestInput(protocol='direct')(dict(img_path=str(path)))
