# The parent config with the lazy SSD augmentation: mmdet's draws and
# boxes, one warp of the decoded image (ssd300_pipelines.py).
_base_ = './ssd300_r50_8xb8-120e_voc0712.py'
train_dataloader = dict(
    dataset=dict(
        dataset=dict(datasets=[
            _base_.voc07_trainval_lazy, _base_.voc12_trainval_lazy
        ])))
