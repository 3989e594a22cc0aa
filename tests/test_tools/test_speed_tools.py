"""benchmark.py (DCT vs RGB, network and end to end) and get_flops.py."""
import re

import pytest

from conftest import TOY_CONFIG, run_tool

RGB_TOY_CONFIG = 'configs/ssd_dct/ssd300_r50-rgb-w025_1xb8-24e_toy.py'
TINY_DCT = [
    'model.backbone.widen_factor=0.125', 'model.neck.in_channels=[48,256]',
    'model.neck.out_channels=[48,256,64,32,32,32]',
    'model.bbox_head.in_channels=[48,256,64,32,32,32]'
]
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
