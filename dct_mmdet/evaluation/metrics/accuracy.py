from typing import Sequence

import torch
from mmengine.evaluator import BaseMetric

from dct_mmdet.registry import METRICS


@METRICS.register_module()
class DCTAccuracy(BaseMetric):
    """Top-k classification accuracy in percent (``accuracy/top1``, ...).

    Args:
        topk (Sequence[int]): the k values.
    """
    default_prefix = 'accuracy'

    def __init__(self, topk: Sequence[int] = (1, 5), **kwargs):
        super().__init__(**kwargs)
        self.topk = tuple(topk)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            self.results.append((sample['pred_score'].cpu(),
                                 int(sample['gt_label'])))

    def compute_metrics(self, results: list) -> dict:
        scores = torch.stack([score for score, _ in results])
        labels = torch.tensor([label for _, label in results])
        ranked = scores.argsort(dim=1, descending=True)
        metrics = {}
        for k in self.topk:
            hits = (ranked[:, :min(k, scores.shape[1])] ==
                    labels[:, None]).any(dim=1)
            metrics[f'top{k}'] = hits.float().mean().item() * 100
        return metrics
