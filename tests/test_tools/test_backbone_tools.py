import sys

import torch
import torch.nn as nn

from conftest import REPO, run_tool

sys.path.insert(0, str(REPO / 'tools' / 'analysis_tools'))
from model_summary import count_macs  # noqa: E402


def test_mac_counter_on_known_layers():
    conv = nn.Conv2d(4, 8, 3, padding=1)
    assert count_macs(conv, torch.zeros(1, 4, 10, 10)) == 10 * 10 * 8 * 4 * 9
    deconv = nn.ConvTranspose2d(64, 64, 2, stride=2)
    assert count_macs(deconv, torch.zeros(1, 64, 5, 5)) == 25 * 64 * 64 * 4
    assert count_macs(nn.Linear(3, 5), torch.zeros(2, 3)) == 30


def test_model_summary_table():
    out = run_tool('tools/analysis_tools/model_summary.py', '--arch',
                   'uber_late_concat_rfa_thinner', 'dctnet_24')
    rows = [line for line in out.splitlines() if line.startswith('| `')]
    assert len(rows) == 3
    thinner = next(r for r in rows if 'uber_late_concat_rfa_thinner' in r)
    cells = [c.strip() for c in thinner.split('|')[1:-1]]
    assert cells[3:] == ['2048x7x7', '2048x10x10', '75.39 / 92.57']
    rgb_macs = float(rows[0].split('|')[3])
    assert 4.0 < rgb_macs < 4.2  # ResNet-50: 4.1 GMACs
    assert float(cells[2]) < rgb_macs
    # DCTNet's preset on its upscaled 56x56 input: ResNet-50's grids, and
    # its layer1-4 MACs with a 24-wide first layer (a little under 4.1).
    dctnet = [c.strip() for c in rows[2].split('|')[1:-1]]
    assert dctnet[3:] == ['2048x7x7', '2048x10x10', '76.79 / 93.25']
    assert 3.5 < float(dctnet[2]) < rgb_macs


def test_backbone_speed_benchmark_prints_ratios():
    out = run_tool('tools/analysis_tools/benchmark_backbones.py', '--arch',
                   'dctnet_24', '--batch', '1', '--repeats', '1')
    rows = [line for line in out.splitlines() if line.startswith('| `')]
    assert rows[0].endswith('| 1.00x |') and len(rows) == 2
    assert rows[1].rstrip(' |').endswith('x')
