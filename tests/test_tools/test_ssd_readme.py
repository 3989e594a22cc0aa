"""configs/ssd_dct/README.md's results table against the configs and the
metafile: every published number has the config that reproduces it, and
every config has its published number."""
import re

import yaml

from conftest import REPO

SSD_DCT = REPO / 'configs/ssd_dct'
# README column -> config suffix and the metafile's published metric.
COLUMNS = {
    'VOC07': ('voc07', 'box AP (all-point)'),
    'VOC07+12': ('voc0712', 'box AP (all-point)'),
    'COCO': ('coco', 'box AP'),
}


def results_table():
    """The rows of the "Configs and published results" table as dicts."""
    text = (SSD_DCT / 'README.md').read_text()
    section = text.split('## Configs and published results')[1]
    table = section[section.index('| row |'):].split('\n\n')[0]
    lines = table.splitlines()
    header = [cell.strip() for cell in lines[0].strip('|').split('|')]
    rows = []
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip('|').split('|')]
        rows.append(dict(zip(header, cells)))
    return rows


def test_every_published_number_has_its_config():
    rows = results_table()
    names = [row['row'] for row in rows]
    # Both of jpeg_deep's SSD300 VGG16 rows and the ITSC one are there.
    assert 'SSD300 (official, Caffe SSD)' in names
    assert 'SSD300 (retrained by jpeg_deep)' in names
    assert 'SSD300-DCT (ITSC official)' in names
    assert len(rows) == 17
    for row in rows:
        prefix = re.fullmatch(r'`(\S+)`', row['config prefix']).group(1)
        for column, (suffix, _) in COLUMNS.items():
            if row[column] != '–':
                float(row[column])
                assert (SSD_DCT / f'{prefix}_{suffix}.py').is_file(), \
                    f'{row["row"]}: no {prefix}_{suffix}.py'


def test_every_config_is_in_the_table_with_its_metafile_number():
    published = {}  # config stem -> the README's numbers for it
    for row in results_table():
        prefix = row['config prefix'].strip('`')
        for column, (suffix, _) in COLUMNS.items():
            if row[column] != '–':
                published.setdefault(f'{prefix}_{suffix}',
                                     set()).add(float(row[column]))
    models = {
        model['Name']: model for model in yaml.safe_load(
            (SSD_DCT / 'metafile.yml').read_text())['Models']
    }
    configs = sorted(p.stem for p in SSD_DCT.glob('ssd300_*_8xb8-*.py'))
    assert sorted(published) == configs
    for stem in configs:
        model = models[stem]
        assert model['Config'] == f'configs/ssd_dct/{stem}.py'
        column = next(c for c, (suffix, _) in COLUMNS.items()
                      if stem.endswith(f'_{suffix}'))
        metric = COLUMNS[column][1]
        # The VGG16 prefix has two rows (official, retrained): the
        # metafile quotes one of them.
        assert model['Metadata']['Published'][metric] in published[stem]
