# vggD_dct: the INSA Rouen seed; as vggA_dct, with VGG16's depth.
_base_ = './dct-vgg_vgga-dct_8xb32-90e_in1k.py'
model = dict(backbone=dict(arch='vggD_dct'))
