# rock-pytorch's schedule: Adam lr 5e-5 with coupled L2 weight decay 2e-3 on
# all parameters, 30k iterations of batch 8, x0.1 at 25k, no warm-up.
max_iters = 30000
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=max_iters, val_interval=5000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='Adam', lr=5e-5, weight_decay=2e-3))
param_scheduler = [
    dict(
        type='MultiStepLR',
        by_epoch=False,
        begin=0,
        end=max_iters,
        milestones=[25000],
        gamma=0.1)
]
auto_scale_lr = dict(enable=False, base_batch_size=8)
