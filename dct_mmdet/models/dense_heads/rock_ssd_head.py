"""SSD head with rock-pytorch's loss normalisation and initialisation."""
import math
from typing import List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmdet.models.dense_heads import SSDHead
from mmdet.models.losses import smooth_l1_loss

from dct_mmdet.registry import MODELS


@MODELS.register_module()
class ROCKSSDHead(SSDHead):
    """mmdet's ``SSDHead`` with the options rock-pytorch needs; with
    ``loc_weight=1``, ``per_image_norm=False`` and no ``loss_cls`` it is
    mmdet's SSD loss, so any SSD config can switch to it (e.g. for the
    all-priors loss).

    * ``per_image_norm``: each image's ``(loc_weight * loc + conf)`` is
      divided by its own number of positives P_i, then averaged over the
      batch (images without positives count as 0), instead of mmdet's
      division by the batch's total positives.
    * ``loc_weight``: 6 in rock-pytorch (3 in the paper).
    * ``loss_cls``: a confidence loss module (e.g. ``AllPriorsConfLoss``);
      ``None`` keeps SSD's cross entropy with ``neg_pos_ratio`` hard
      negatives from ``train_cfg``.
    * ``prior_prob``: foreground biases start at ``-log((1 - p) / p)``
      (RetinaNet's prior, rock-pytorch's init), background at 0, and all
      conv weights Kaiming-normal.
    """

    def __init__(self,
                 *args,
                 loc_weight: float = 6.0,
                 per_image_norm: bool = True,
                 loss_cls: Optional[dict] = None,
                 prior_prob: float = 0.01,
                 init_cfg=None,
                 **kwargs):
        super().__init__(*args, init_cfg=init_cfg, **kwargs)
        self.loc_weight = loc_weight
        self.per_image_norm = per_image_norm
        self.prior_prob = prior_prob
        # Also what mmdet 3.3.0's predict reads (SSDHead never sets it).
        self.loss_cls = MODELS.build(loss_cls) if loss_cls else None

    def init_weights(self):
        super().init_weights()
        for conv in [*self.cls_convs.modules(), *self.reg_convs.modules()]:
            if isinstance(conv, nn.Conv2d):
                nn.init.kaiming_normal_(conv.weight, nonlinearity='relu')
        foreground_bias = -math.log((1 - self.prior_prob) / self.prior_prob)
        for convs in self.cls_convs:
            bias = convs[-1].bias.data.view(-1, self.cls_out_channels)
            bias[:, :self.num_classes] = foreground_bias
            bias[:, self.num_classes] = 0

    def check_input_size(self, batch_img_metas: List[dict]) -> None:
        """Priors made for one input size are wrong for another: say so."""
        expected = getattr(self.prior_generator, 'img_size', None)
        if expected is None:
            return
        for meta in batch_img_metas:
            shape = tuple(meta['batch_input_shape'])
            if shape != tuple(expected):
                raise ValueError(
                    f"input {shape} of {meta.get('img_path', 'an image')} "
                    f'differs from the priors\' img_size {tuple(expected)}: '
                    'resize the input or set '
                    'model.bbox_head.anchor_generator.img_size')

    def loss_by_feat(self, cls_scores, bbox_preds, batch_gt_instances,
                     batch_img_metas, batch_gt_instances_ignore=None):
        self.check_input_size(batch_img_metas)
        losses = super().loss_by_feat(cls_scores, bbox_preds,
                                      batch_gt_instances, batch_img_metas,
                                      batch_gt_instances_ignore)
        if self.per_image_norm:
            num_images = len(batch_img_metas)
            losses = {
                name: [loss / num_images for loss in per_image]
                for name, per_image in losses.items()
            }
        return losses

    def predict_by_feat(self, cls_scores, bbox_preds, score_factors=None,
                        batch_img_metas=None, **kwargs):
        self.check_input_size(batch_img_metas)
        return super().predict_by_feat(cls_scores, bbox_preds, score_factors,
                                       batch_img_metas, **kwargs)

    def loss_by_feat_single(self, cls_score, bbox_pred, anchor, labels,
                            label_weights, bbox_targets, bbox_weights,
                            avg_factor):
        """One image's ``(conf, loc_weight * loc)``, divided by its own
        number of positives or by the batch's ``avg_factor``."""
        positive = (labels >= 0) & (labels < self.num_classes)
        num_pos = int(positive.sum())
        normaliser = max(num_pos, 1) if self.per_image_norm else avg_factor
        if self.loss_cls is not None:
            loss_cls = self.loss_cls(
                cls_score, labels, label_weights, avg_factor=normaliser)
        else:
            loss_all = F.cross_entropy(
                cls_score, labels, reduction='none') * label_weights
            negatives = loss_all[labels == self.num_classes]
            num_neg = min(self.train_cfg['neg_pos_ratio'] * num_pos,
                          negatives.numel())
            loss_cls = (loss_all[positive].sum() +
                        negatives.topk(num_neg)[0].sum()) / normaliser
        if self.reg_decoded_bbox:
            bbox_pred = self.bbox_coder.decode(anchor, bbox_pred)
        loss_bbox = self.loc_weight * smooth_l1_loss(
            bbox_pred,
            bbox_targets,
            bbox_weights,
            beta=self.train_cfg['smoothl1_beta'],
            avg_factor=normaliser)
        return loss_cls.reshape(1), loss_bbox
