"""Pascal VOC mAP in both AP definitions at once, with a per-class table."""
from collections import OrderedDict
from typing import Optional, Sequence

import numpy as np
from mmdet.evaluation.functional import eval_map
from mmdet.evaluation.metrics import VOCMetric
from mmengine.logging import MMLogger
from terminaltables import AsciiTable

from dct_mmdet.registry import METRICS


@METRICS.register_module()
class VOCAllModesMetric(VOCMetric):
    """VOC mAP@``iou_thr`` under every AP definition in ``eval_modes``.

    MMDetection's ``VOCMetric`` computes one: ``'11points'``, the VOC2007
    devkit's and MMDetection's model-zoo figure, or ``'area'``, the
    all-point AP of VOC2010+ and of every published SSD-DCT table. Papers
    and baselines are compared on both, so both are computed from one set
    of detections and logged side by side in one per-class table (ground
    truths, detections, recall, AP per mode), like the INSA seed's table.

    Keys (prefix ``pascal_voc``): ``mAP`` (the first mode), ``mAP_<mode>``
    for each mode and, with ``classwise=True``, ``AP_<mode>_<class>``.

    Args:
        iou_thr (float): IoU for a true positive.
        eval_modes (Sequence[str]): 'area' and/or '11points'; the first is
            the headline ``mAP``.
        classwise (bool): also return each class's AP per mode.
    """

    def __init__(self,
                 iou_thr: float = 0.5,
                 eval_modes: Sequence[str] = ('area', '11points'),
                 classwise: bool = False,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        eval_modes = tuple(eval_modes)
        unknown = set(eval_modes) - {'area', '11points'}
        if not eval_modes or unknown:
            raise ValueError("eval_modes must be 'area' and/or '11points', "
                             f'got {eval_modes}')
        super().__init__(
            iou_thrs=iou_thr,
            eval_mode=eval_modes[0],
            collect_device=collect_device,
            prefix=prefix)
        self.eval_modes = eval_modes
        self.classwise = classwise

    def compute_metrics(self, results: list) -> dict:
        gts, preds = zip(*results)
        classes = self.dataset_meta['classes']
        per_mode = {}
        for mode in self.eval_modes:
            # legacy (x2 - x1 + 1) coordinates, as the VOC devkit and
            # mmdet's VOCMetric.
            per_mode[mode] = eval_map(
                preds,
                gts,
                iou_thr=self.iou_thrs[0],
                dataset=classes,
                logger='silent',
                eval_mode=mode,
                use_legacy_coordinate=True)
        MMLogger.get_current_instance().info(
            '\n' + self.table(classes, per_mode))

        metrics = OrderedDict(mAP=float(per_mode[self.eval_modes[0]][0]))
        for mode, (mean_ap, class_results) in per_mode.items():
            metrics[f'mAP_{mode}'] = float(mean_ap)
            if self.classwise:
                for name, result in zip(classes, class_results):
                    metrics[f'AP_{mode}_{name}'] = float(result['ap'])
        return metrics

    def table(self, classes: Sequence[str], per_mode: dict) -> str:
        """Per-class ground truths, detections, recall and AP per mode."""
        _, first = next(iter(per_mode.values()))
        header = ['class', 'gts', 'dets', 'recall'] + \
            [f'AP ({mode})' for mode in per_mode]
        rows = [header]
        for index, name in enumerate(classes):
            recall = first[index]['recall']
            rows.append([
                name, first[index]['num_gts'], first[index]['num_dets'],
                f'{recall[-1] if np.size(recall) else 0.0:.3f}'
            ] + [f'{per_mode[m][1][index]["ap"]:.3f}' for m in per_mode])
        rows.append(['mAP', '', '', ''] +
                    [f'{per_mode[m][0]:.3f}' for m in per_mode])
        table = AsciiTable(rows)
        table.inner_footing_row_border = True
        return table.table
