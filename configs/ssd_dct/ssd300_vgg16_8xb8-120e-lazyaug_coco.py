# The parent config with the lazy SSD augmentation: mmdet's draws and
# boxes, one warp of the decoded image (ssd300_pipelines.py).
_base_ = './ssd300_vgg16_8xb8-120e_coco.py'
train_dataloader = dict(dataset=dict(dataset=_base_.coco_train_lazy))
