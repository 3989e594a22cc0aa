# The paper-comparison run of rock-pytorch: train on 673 images, validate
# on the 122 of val_split.txt (convert with --val-split), 40k iterations,
# x0.1 at 30k; tested on the 654 test images (published 19.9 AP, 36.2 AP50;
# the paper: 18.5 / 37.6).
_base_ = './rock_r50-d16_1xb8-30k_nyuv2.py'
data_root = 'data/nyuv2/'
train_dataloader = dict(
    dataset=dict(ann_file='annotations/train_minus_val.json'))
val_dataloader = dict(dataset=dict(ann_file='annotations/val.json'))
val_evaluator = dict(ann_file=data_root + 'annotations/val.json')
max_iters = 40000
train_cfg = dict(max_iters=max_iters)
param_scheduler = [
    dict(
        type='MultiStepLR',
        by_epoch=False,
        begin=0,
        end=max_iters,
        milestones=[30000],
        gamma=0.1)
]
