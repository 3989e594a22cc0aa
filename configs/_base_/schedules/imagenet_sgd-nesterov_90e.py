# SGD with Nesterov momentum for a total batch of 256, step decay.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=90, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(
        type='SGD', lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.01, by_epoch=False, begin=0,
         end=2500),
    dict(type='MultiStepLR', by_epoch=True, milestones=[30, 60, 80],
         gamma=0.1)
]
auto_scale_lr = dict(enable=False, base_batch_size=256)
