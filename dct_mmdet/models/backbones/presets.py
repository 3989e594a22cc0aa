"""What the sources report for each DCTResNet preset (ImageNet top-1/top-5,
%), for tools that print them beside our own measurements.

From dct_inputs_and_backbones.md section 9: Gueguen et al. 2018 (uber_*),
jpeg_deep (jpeg_deep_*), the INSA Rouen seed's README (its --archi names),
DCTNet (on its upscaled 56x56 input), ITSC 2019 (Deguerre et al.'s first
VGG-DCT).
"""
import torch.nn as nn

from .dct_resnet import DCTResNet
from .dct_vgg import DCTVGG

PUBLISHED_IMAGENET = {
    'uber_deconvolution_rfa': (76.06, 93.02),
    'uber_late_concat_rfa': (75.92, 92.81),
    'uber_late_concat_rfa_thinner': (75.39, 92.57),
    'jpeg_deep_lc_rfa': (74.82, 92.58),
    'jpeg_deep_lc_rfa_thinner': (74.62, 92.33),
    'jpeg_deep_lc_rfa_y': (73.25, 91.40),
    'jpeg_deep_lc_rfa_thinner_y': (72.48, 91.04),
    'jpeg_deep_deconv_rfa': (74.55, 92.39),
    'late_concat_rfa_thinner': (61.2, 83.4),
    'late_concat_more_channels': (61.8, 83.8),
    'up_sampling_rfa': (67.8, 87.8),
    'deconv': (68.4, 88.7),
    'cb5_only': (61.4, 83.9),
    'y_cb4_cbcr_cb5': (60.8, 83.2),
    'dctnet_24': (76.79, 93.25),
    'resnet_rgb': (67.5, 88.5),  # the seed's pretrained Keras ResNet-50
    'jpeg_deep_vgg_dct': (65.5, 86.4),
    'jpeg_deep_vgg_dct_y': (62.6, 84.6),
    'jpeg_deep_vgg_dct_deconv': (65.9, 86.7),
    'itsc_vgg_dct': (42.0, 66.9),  # ITSC 2019, 4:4:4 input
}


def build_preset(arch: str, **kwargs) -> nn.Module:
    """The ``DCTVGG`` or ``DCTResNet`` preset named ``arch`` (an unknown
    name raises ``DCTResNet``'s KeyError)."""
    family = DCTVGG if arch in DCTVGG.arch_settings else DCTResNet
    return family(arch, **kwargs)
