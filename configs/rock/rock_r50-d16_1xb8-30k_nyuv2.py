# ROCK with scene, depth and normals on NYUv2 train (795), tested on the 654
# test images: rock-pytorch's default run (published 20.6 AP, 39.9 AP50).
_base_ = [
    '../_base_/models/rock-ssd_r50-d16.py', '../_base_/datasets/nyuv2_rock.py',
    '../_base_/schedules/adam_30k.py', '../_base_/default_runtime.py'
]
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(by_epoch=False, interval=5000, max_keep_ckpts=3))
log_processor = dict(by_epoch=False)
