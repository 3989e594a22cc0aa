"""benchmark.py (DCT vs RGB: network, end to end and the input path) and
get_flops.py."""
import importlib.util
import re

import pytest
import torch
from PIL import Image

from conftest import MODEL_OPTIONS, REPO, TOY_CONFIG, run_tool

RGB_TOY_CONFIG = 'configs/ssd_dct/ssd300_r50-rgb-w025_1xb8-24e_toy.py'
# A config whose test pipeline starts with DCTTestInput (the toy one decodes
# with LoadImageFromFile): the resample arm and the input path need it.
VOC_DCT_CONFIG = \
    'configs/ssd_dct/ssd300_dct-lcrfa-thinner_8xb8-120e_voc0712.py'
TINY_DCT = MODEL_OPTIONS
TINY_RGB = [
    'model.backbone.widen_factor=0.125', 'model.neck.in_channels=[64,256]',
    'model.neck.out_channels=[64,256,64,32,32,32]',
    'model.bbox_head.in_channels=[64,256,64,32,32,32]'
]


def test_benchmark_prints_both_models_and_the_ratios():
    log = run_tool('tools/analysis_tools/benchmark.py', TOY_CONFIG,
                   RGB_TOY_CONFIG, '--images', 'generated', '--num-images',
                   4, '--batch-size', 2, '--warmup', 1, '--repeats', 2,
                   '--dct-cfg-options', *TINY_DCT, '--rgb-cfg-options',
                   *TINY_RGB)
    assert '4 images (generated 500x375)' in log
    figures = {}
    for label in ('DCT', 'RGB'):
        row = re.search(rf'^\| {label} \| `[^`]+` \|(.*)$', log, re.M)
        values = [float(v) for v in row.group(1).split('|')[:-1]]
        assert len(values) == 6 and all(v > 0 for v in values)
        params, network, fps, total, images_per_s, before_model = values
        # Rates are printed with one decimal: on a slow run (a few img/s)
        # that rounding alone exceeds 1 %.
        assert fps == pytest.approx(1000 / network, rel=0.01, abs=0.051)
        assert images_per_s == pytest.approx(1000 / total, rel=0.01,
                                             abs=0.051)
        assert before_model < total
        figures[label] = (network, total, before_model)
    ratios = re.search(r'^\| DCT/RGB speed \|.*?([\d.]+)x \|.*?([\d.]+)x '
                       r'\|.*?([\d.]+)x \|$', log, re.M)
    # Each ratio is the RGB time over the DCT time of the rows above.
    for ratio, dct, rgb in zip(ratios.groups(), figures['DCT'],
                               figures['RGB']):
        assert float(ratio) == pytest.approx(rgb / dct, rel=0.03, abs=0.01)


def load_benchmark():
    path = REPO / 'tools/analysis_tools/benchmark.py'
    spec = importlib.util.spec_from_file_location('benchmark', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def table_row(log, *cells):
    """The figures after the leading ``cells`` of a markdown table row
    (empty cells dropped)."""
    prefix = ''.join(rf'\| {re.escape(c)} ' for c in cells)
    row = re.search(rf'^{prefix}\|(.*)\|$', log, re.M)
    assert row, f'no row {cells} in:\n{log}'
    return [c.strip() for c in row.group(1).split('|') if c.strip()]


def test_photos_are_voc_size_jpegs_of_real_photographs(tmp_path):
    pytest.importorskip('skimage')
    tool = load_benchmark()
    paths = tool.list_images('photos', None, tmp_path)
    assert len(paths) == 16 and len({p.read_bytes() for p in paths}) == 16
    sources = {p.stem.split('_', 2)[2] for p in paths}
    assert len(sources) >= 9  # 10 with matplotlib's grace_hopper
    for path in paths:
        image = Image.open(path)
        assert image.size in ((500, 375), (375, 500))
        if image.mode == 'L':  # gray photographs stay gray
            assert path.stem.endswith(('camera', 'coins'))
        else:  # 4:2:0
            assert image.layer[1][1:3] == image.layer[2][1:3] == (1, 1)
            assert image.layer[0][1:3] == (2, 2)
    assert sum(Image.open(p).size == (375, 500) for p in paths) >= 6
    assert tool.describe_images('photos', paths).startswith(
        f'photos: {len(sources)} sources, 2 gray')
    # More than the fixed variants: mirrored/shifted crops, all different.
    (tmp_path / 'more').mkdir()
    more = tool.list_images('photos', 20, tmp_path / 'more')
    assert len({p.read_bytes() for p in more}) == 20


def test_benchmark_times_the_resample_input_path():
    """A tiny run: the DCT config's own protocol, 'resample' and RGB end to
    end; the worker, preprocessing and materialisation arms; the targets."""
    pytest.importorskip('skimage')
    log = run_tool('tools/analysis_tools/benchmark.py', VOC_DCT_CONFIG,
                   RGB_TOY_CONFIG, '--images', 'photos', '--num-images', 2,
                   '--batch-size', 2, '--warmup', 0, '--repeats', 1,
                   '--materialize-batch', 2, '--dct-cfg-options', *TINY_DCT,
                   '--rgb-cfg-options', *TINY_RGB)
    assert '2 images (photos: 2 sources, 0 gray' in log
    assert 'test protocols: DCT: reencode, DCT resample: resample' in log
    rows = {}
    for label in ('DCT', 'DCT resample', 'RGB'):
        values = [float(v) for v in table_row(log, label)[1:]]
        assert len(values) == 6 and all(v > 0 for v in values)
        rows[label] = values
    ratios = table_row(log, 'DCT resample/RGB speed')
    for ratio, index in zip(ratios, (1, 3, 5)):
        expected = rows['RGB'][index] / rows['DCT resample'][index]
        assert float(ratio.rstrip('x')) == pytest.approx(expected, rel=0.03,
                                                         abs=0.01)

    assert re.search(r'input path: 1 thread, 2 images x 24 passes per '
                     r'repeat, JPEG bytes in RAM \(file read: [\d.]+ ms/img',
                     log)
    worker = {}
    for label in ('RGB', 'DCT reencode', 'DCT resample', 'DCT direct'):
        _, ms, spread, ratio, kb = table_row(log, 'worker', label)
        worker[label] = float(ms)
        assert float(ms) > 0 and float(kb) > 0
        assert re.fullmatch(r'[\d.]+-[\d.]+', spread)
        assert float(ratio.rstrip('x')) == pytest.approx(
            worker['RGB'] / float(ms), rel=0.03, abs=0.01)
    # int16 levels on the file's grids (500x375: Y 47x63 blocks) weigh more
    # than 300x300 int16 coefficients or uint8 pixels.
    kb = {label: float(table_row(log, 'worker', label)[-1])
          for label in ('RGB', 'DCT reencode', 'DCT resample')}
    assert kb['RGB'] == pytest.approx(300 * 300 * 3 / 1024, abs=1)
    assert kb['DCT resample'] > 1.5 * kb['DCT reencode']
    preprocess = {label: float(table_row(
        log, 'preprocess (CPU, batch 2)', label)[1])
        for label in ('RGB', 'DCT reencode', 'DCT resample')}
    materialise = float(table_row(log, 'materialise (CPU, batch 2)',
                                  'DCT resample')[1])
    assert materialise == pytest.approx(
        preprocess['DCT resample'] - preprocess['DCT reencode'], abs=0.002)
    assert float(table_row(log, 'materialise (CPU, per sample)',
                           'DCT resample')[1]) > 0
    total = float(table_row(log, 'worker + materialise (CPU)',
                            'DCT resample')[1])
    assert total == pytest.approx(worker['DCT resample'] + materialise,
                                  abs=0.002)
    # The targets, from the figures above.
    speedup = worker['RGB'] / worker['DCT resample']
    figure, met = table_row(log, 'resample worker >= 1.8x cheaper than RGB')
    assert figure.endswith(f'= {speedup:.2f}x')
    assert met == ('yes' if speedup >= 1.8 else '**no**')
    figure, met = table_row(
        log, 'resample worker + CPU materialisation < RGB worker')
    assert met == ('yes' if total < worker['RGB'] else '**no**')
    if not torch.cuda.is_available():
        assert table_row(log, 'GPU materialisation <= 20 µs/img') == [
            'no GPU', '-']
        assert '| materialise (GPU) | DCT resample | no GPU |' in log


def test_get_flops_counts_dct_and_444_inputs():
    log = run_tool('tools/analysis_tools/get_flops.py',
                   'configs/ssd_dct/ssd300_dct-lcrfa-thinner_8xb8-120e_voc0712.py')
    assert "y (64, 38, 38), cb (64, 19, 19)" in log
    assert re.search(r'params: 31\.0\d\d M', log)
    macs = float(re.search(r'MACs: ([\d.]+) G', log).group(1))
    assert 5 < macs < 30
    log = run_tool('tools/analysis_tools/get_flops.py',
                   'configs/ssd_dct/ssd300_dct-itsc-vgg_8xb8-120e_voc0712.py')
    assert "y (64, 38, 38), cb (64, 38, 38)" in log
