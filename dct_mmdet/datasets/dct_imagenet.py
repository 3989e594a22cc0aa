import os
import os.path as osp

from mmengine.dataset import BaseDataset

from dct_mmdet.registry import DATASETS

IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.JPEG', '.JPG')


@DATASETS.register_module()
class DCTImageNet(BaseDataset):
    """An ImageNet-style classification set.

    Either a class-folder tree, ``<data_root>/<data_prefix.img_path>/<class>/
    *.JPEG`` (classes sorted by folder name), or, with ``ann_file``, a list
    file of ``relative/path.JPEG <label>`` lines (paths relative to
    ``data_prefix.img_path``; pass ``metainfo=dict(classes=...)``).
    Each item gives ``img_path`` and ``gt_label``.
    """

    def __init__(self, ann_file: str = '', **kwargs):
        kwargs.setdefault('data_prefix', dict(img_path=''))
        super().__init__(ann_file=ann_file, **kwargs)

    def load_data_list(self):
        root = self.data_prefix['img_path']
        if self.ann_file:
            data_list = []
            with open(self.ann_file) as f:
                for number, line in enumerate(f, 1):
                    if not line.strip():
                        continue
                    parts = line.rsplit(maxsplit=1)
                    if len(parts) != 2 or not parts[1].isdigit():
                        raise ValueError(f'{self.ann_file}:{number}: expected '
                                         f'"<path> <label>", got {line!r}')
                    data_list.append(
                        dict(
                            img_path=osp.join(root, parts[0]),
                            gt_label=int(parts[1])))
            return data_list
        if not osp.isdir(root):
            raise FileNotFoundError(f'no class folders: {root} is not a '
                                    'directory')
        classes = sorted(d for d in os.listdir(root)
                         if osp.isdir(osp.join(root, d)))
        if not classes:
            raise FileNotFoundError(f'no class folders in {root}')
        self._metainfo['classes'] = tuple(classes)
        return [
            dict(img_path=osp.join(root, name, file), gt_label=label)
            for label, name in enumerate(classes)
            for file in sorted(os.listdir(osp.join(root, name)))
            if file.endswith(IMAGE_EXTENSIONS)
        ]
