from .inference import (DCTInferencePipeline, inference_dct_detector,
                        init_dct_detector)

__all__ = [
    'DCTInferencePipeline', 'inference_dct_detector', 'init_dct_detector'
]
