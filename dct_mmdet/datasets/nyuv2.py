"""NYU Depth v2 (labeled) for ROCK: 19 detection classes, scene, depth and
surface normals, as written by ``tools/dataset_converters/nyuv2.py``."""
import os.path as osp
from typing import List, Union

from mmdet.datasets import CocoDataset

from dct_mmdet.registry import DATASETS

# The 19-class NYUv2 RGB-D detection benchmark (Gupta et al., ECCV 2014),
# ROCK's order (alphabetical); each is an exact name of NYUv2's raw
# 894-class list.
NYUV2_CLASSES = ('bathtub', 'bed', 'bookshelf', 'box', 'chair', 'counter',
                 'desk', 'door', 'dresser', 'garbage bin', 'lamp', 'monitor',
                 'night stand', 'pillow', 'sink', 'sofa', 'table',
                 'television', 'toilet')
# sorted(set(sceneTypes)) over the 1449 labeled images (the dataset's own
# spelling, 'excercise_room').
NYUV2_SCENES = ('basement', 'bathroom', 'bedroom', 'bookstore', 'cafe',
                'classroom', 'computer_lab', 'conference_room', 'dinette',
                'dining_room', 'excercise_room', 'foyer', 'furniture_store',
                'home_office', 'home_storage', 'indoor_balcony', 'kitchen',
                'laundry_room', 'living_room', 'office', 'office_kitchen',
                'playroom', 'printer_room', 'reception_room',
                'student_lounge', 'study', 'study_room')


@DATASETS.register_module()
class NYUv2Dataset(CocoDataset):
    """The COCO json of one split plus, per image, the paths of its depth
    (uint16 PNG, millimetres), normals and normals-mask PNGs and its scene
    label, for ``LoadROCKAnnotations``.

    Args:
        image_format (str): 'png' reads the lossless images, 'jpg' the JPEG
            copies (for ``LoadDCTFromFile``).
        data_prefix (dict): folders under ``data_root`` of the images
            (``img``, ``jpg``), ``depth``, ``normals`` and ``normals_mask``.

    Images without any of the 19 classes are kept by default
    (``filter_empty_gt=False``): their auxiliary losses still train.
    """

    METAINFO = dict(
        classes=NYUV2_CLASSES,
        scene_classes=NYUV2_SCENES,
        palette=[(220, 20, 60), (119, 11, 32), (0, 0, 142), (0, 0, 230),
                 (106, 0, 228), (0, 60, 100), (0, 80, 100), (0, 0, 70),
                 (0, 0, 192), (250, 170, 30), (100, 170, 30), (220, 220, 0),
                 (175, 116, 175), (250, 0, 30), (165, 42, 42), (255, 77, 255),
                 (0, 226, 252), (182, 182, 255), (0, 82, 0)])

    def __init__(self,
                 *args,
                 image_format: str = 'png',
                 data_prefix: dict = dict(
                     img='rgb/',
                     jpg='jpeg/',
                     depth='depth/',
                     normals='normals/',
                     normals_mask='masks/'),
                 filter_cfg: dict = dict(filter_empty_gt=False),
                 **kwargs):
        if image_format not in ('png', 'jpg'):
            raise ValueError(
                f"image_format must be 'png' or 'jpg', got {image_format!r}")
        self.image_format = image_format
        super().__init__(
            *args, data_prefix=data_prefix, filter_cfg=filter_cfg, **kwargs)

    def parse_data_info(self, raw_data_info: dict) -> Union[dict, List[dict]]:
        data_info = super().parse_data_info(raw_data_info)
        img_info = raw_data_info['raw_img_info']
        stem = osp.splitext(img_info['file_name'])[0]
        if self.image_format == 'jpg':
            data_info['img_path'] = osp.join(self.data_prefix['jpg'],
                                             f'{stem}.jpg')
        for key in ('depth', 'normals', 'normals_mask'):
            if key in self.data_prefix:
                data_info[f'{key}_path'] = osp.join(self.data_prefix[key],
                                                    f'{stem}.png')
        data_info['scene_label'] = img_info['scene_label']
        data_info['nyu_index'] = img_info['nyu_index']
        return data_info
