"""configs/ssd_dct/README.md's results table against the configs and the
metafile: every published number has the config that reproduces it, and
every config has its published number."""
import re

import yaml

from conftest import REPO

SSD_DCT = REPO / 'configs/ssd_dct'
# README column -> the config suffixes that may hold it (a row has one of
# them) and the metafile's published metric. The INSA rows' VOC07+12 is
# the seed's 07 train + 12 train (`_voc0712-train`), the others' trainval
# + trainval (`_voc0712`); VOC12 val is the INSA seed's other column, the
# same training tested on VOC2012 val.
COLUMNS = {
    'VOC07': (('voc07', ), 'box AP (all-point)'),
    'VOC07+12': (('voc0712', 'voc0712-train'), 'box AP (all-point)'),
    'VOC12 val': (('voc0712-train_voc12-val', ), 'box AP (all-point)'),
    'COCO': (('coco', ), 'box AP'),
}
AUGMENTATION_SIBLING = re.compile(r'-(cdaug|lazyaug)_')
# Metafile "Training Data" per training-set suffix.
TRAINING_DATA = {
    'voc07': 'VOC 07 trainval',
    'voc0712': 'VOC 07+12 trainval',
    'voc0712-train': 'VOC 07 train + VOC 12 train',
    'coco': 'COCO train2017',
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


def config_of(prefix, column):
    """The one config of ``prefix`` that holds ``column``'s number."""
    suffixes, _ = COLUMNS[column]
    stems = [
        f'{prefix}_{suffix}' for suffix in suffixes
        if (SSD_DCT / f'{prefix}_{suffix}.py').is_file()
    ]
    assert len(stems) == 1, f'{prefix} {column}: configs {stems}'
    return stems[0]


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
        for column in COLUMNS:
            if row[column] != '–':
                float(row[column])
                config_of(prefix, column)


def test_insa_rows_have_both_published_columns():
    """The INSA seed's two columns (VOC07 test, VOC12 val) of the same
    models trained on 07 train + 12 train; only the INSA rows have a VOC12
    val number."""
    published = {
        row['config prefix'].strip('`'): (row['VOC07+12'], row['VOC12 val'])
        for row in results_table() if row['row'].startswith('INSA ')
    }
    assert published == {
        'ssd300_dct-insa-custom_8xb8-120e': ('63.0', '59.2'),
        'ssd300_dct-insa-y-cb4-cbcr-cb5_8xb8-120e': ('48.5', '48.0'),
        'ssd300_dct-insa-cb5-only_8xb8-120e': ('47.7', '47.4'),
        'ssd300_dct-insa-up-sampling-rfa_8xb8-120e': ('51.9', '51.2'),
        'ssd300_dct-insa-deconv_8xb8-120e': ('52.7', '51.5'),
    }
    for prefix in published:
        assert config_of(prefix, 'VOC07+12') == f'{prefix}_voc0712-train'
    assert all(row['VOC12 val'] == '–' for row in results_table()
               if not row['row'].startswith('INSA '))


def test_every_config_is_in_the_table_with_its_metafile_number():
    published = {}  # config stem -> the README's numbers for it
    for row in results_table():
        prefix = row['config prefix'].strip('`')
        for column in COLUMNS:
            if row[column] != '–':
                published.setdefault(config_of(prefix, column),
                                     set()).add(float(row[column]))
    models = {
        model['Name']: model for model in yaml.safe_load(
            (SSD_DCT / 'metafile.yml').read_text())['Models']
    }
    # The augmentation siblings (-cdaug_/-lazyaug_) have no published
    # number: their parent's row holds the published protocol's.
    configs = sorted(p.stem for p in SSD_DCT.glob('ssd300_*_8xb8-*.py')
                     if not AUGMENTATION_SIBLING.search(p.stem))
    assert sorted(published) == configs
    for stem in configs:
        model = models[stem]
        assert model['Config'] == f'configs/ssd_dct/{stem}.py'
        [column] = [
            c for c, (suffixes, _) in COLUMNS.items()
            if any(stem.endswith(f'_{suffix}') for suffix in suffixes)
        ]
        metric = COLUMNS[column][1]
        # The VGG16 prefix has two rows (official, retrained): the
        # metafile quotes one of them.
        assert model['Metadata']['Published'][metric] in published[stem]
        # The training set the name says ("_<train>" or "_<train>_<test>").
        train_set = stem.split('_')[3]
        assert model['Metadata']['Training Data'] == TRAINING_DATA[train_set]
        if column == 'VOC12 val':
            assert model['Results'][0]['Dataset'] == 'VOC2012 val'


def test_augmentation_siblings_are_indexed_as_their_parents_training():
    models = {
        model['Name']: model for model in yaml.safe_load(
            (SSD_DCT / 'metafile.yml').read_text())['Models']
    }
    siblings = [p.stem for p in SSD_DCT.glob('ssd300_*_8xb8-*.py')
                if AUGMENTATION_SIBLING.search(p.stem)]
    assert siblings
    for stem in siblings:
        parent = models[AUGMENTATION_SIBLING.sub('_', stem)]
        model = models[stem]
        assert model['Metadata']['Training Data'] == \
            parent['Metadata']['Training Data']
        assert 'Published' not in model['Metadata']
        assert model['Results'][0]['Dataset'] == \
            parent['Results'][0]['Dataset']
