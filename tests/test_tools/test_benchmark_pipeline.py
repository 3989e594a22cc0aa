"""benchmark_pipeline.py: a tiny run on the toy set prints the gates (passed),
the per-arm table with ratios that match its figures, the targets judged
from those figures, and the DataLoader table."""
import re

import torch

from conftest import run_tool

ARMS = ('(a)', '(b)', '(c)', '(d)', '(d+)')


def table(log, first_header):
    """The body rows (lists of cells) of the markdown table whose header
    starts with ``| first_header |``."""
    lines = log.splitlines()
    start = next(i for i, line in enumerate(lines)
                 if line.startswith(f'| {first_header} |'))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith('|'):
            break
        rows.append([c.strip() for c in line.strip('|').split('|')])
    return rows


def close(printed, value, digits):
    """``printed`` (rounded to ``digits`` decimals) is ``value``."""
    return abs(float(printed) - value) <= 0.6 * 10**-digits + 1e-3 * value


def test_tiny_run_on_the_toy_set(toy_root):
    log = run_tool('tools/analysis_tools/benchmark_pipeline.py',
                   '--images',
                   toy_root,
                   '--num-images',
                   3,
                   '--rounds',
                   1,
                   '--warmup',
                   0,
                   '--workers-max',
                   1,
                   '--loader-batches',
                   1,
                   timeout=120)
    machine = re.search(r'^machine: .+$', log, re.M).group(0)
    for library in ('torch', 'mmdet 3.', 'mmcv', 'cv2'):
        assert library in machine
    assert '3 images' in log

    gates = {
        row[0].split(':')[0].split(',')[0]: row
        for row in table(log, 'gate')
    }
    box = gates['box parity (a) = (b) = (c) = (d)']
    assert box[1:] == ['3/3 images', 'passed']
    image = gates['image parity (c) vs (a)']
    assert image[2] == 'passed'
    assert float(re.match(r'min ([\d.]+|inf)', image[1]).group(1)) >= 45
    assert sum(row[2] == 'not gated' for row in gates.values()) == 2

    arms = {row[0]: row for row in table(log, 'arm')}
    assert tuple(arms) == ARMS
    ms = {key: float(row[3]) for key, row in arms.items()}
    for key, row in arms.items():
        assert ms[key] > 0 and float(row[4]) >= 0
        assert close(row[5], 1000 / ms[key], 1)
        assert close(row[6].rstrip('x'), ms['(a)'] / ms[key], 2)
        assert close(row[7].rstrip('x'), ms['(c)'] / ms[key], 2)
    assert arms['(a)'][6] == arms['(c)'][7] == '1.00x'
    gpu = 'no GPU' if not torch.cuda.is_available() else 'µs/img'
    assert re.search(rf'^GPU materialisation of \(d\).*{gpu}', log, re.M)

    targets = table(log, 'target')
    assert len(targets) == 3
    for (label, figure, met), arm, reference in zip(targets,
                                                    ('(d)', '(d)', '(d+)'),
                                                    ('(a)', '(c)', '(c)')):
        factor = float(re.search(r'>= ([\d.]+)x cheaper', label).group(1))
        assert label.endswith(f'than {reference}')
        ref_ms, arm_ms, ratio = map(
            float,
            re.fullmatch(r'([\d.]+) / ([\d.]+) ms = ([\d.]+)x',
                         figure).groups())
        assert (ref_ms, arm_ms) == (ms[reference], ms[arm])
        assert close(ratio, ref_ms / arm_ms, 2)
        assert met in ('yes', '**no**')
        if abs(ratio - factor) > 0.01:  # rounding apart
            assert (met == 'yes') == (ratio >= factor), (label, figure, met)

    loader = table(log[log.index('DataLoader:'):], 'arm')
    assert [row[0] for row in loader] == list(ARMS)
    assert all(len(row) == 2 and float(row[1]) > 0 for row in loader)
    assert '| arm | k=1 |' in log
