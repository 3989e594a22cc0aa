from .rock_prior_generator import ROCKPriorGenerator

__all__ = ['ROCKPriorGenerator']
