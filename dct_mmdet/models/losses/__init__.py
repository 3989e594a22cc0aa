from .all_priors_loss import AllPriorsConfLoss
from .rock_losses import ROCKDepthLoss, ROCKNormalsLoss

__all__ = ['AllPriorsConfLoss', 'ROCKDepthLoss', 'ROCKNormalsLoss']
