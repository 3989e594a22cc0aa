"""Detections for JPEG files, JPEG bytes or decoded images, through a
config's test pipeline: MMDetection's ``init_detector`` /
``inference_detector`` for models that read DCT coefficients, and for
in-memory JPEG data (e.g. the body of a request), which mmdet's API cannot
take."""
import copy
from pathlib import Path
from typing import List, Optional, Sequence, Union

import cv2
import mmcv
import numpy as np
import torch
import torch.nn as nn
from mmcv.transforms import Compose, LoadAnnotations
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmdet.apis import init_detector
from mmdet.registry import TRANSFORMS
from mmdet.structures import DetDataSample
from mmdet.utils import get_test_pipeline_cfg

import dct_mmdet  # noqa: F401  (registers the DCT modules into mmdet's)
from dct_mmdet.registry import DATASETS

InputType = Union[str, Path, bytes, np.ndarray]

# First test-pipeline steps the inputs can be fed to.
FIRST_STEPS = ('LoadImageFromFile', 'LoadDCTFromFile', 'DCTTestInput')


def init_dct_detector(config: Union[str, Path, Config],
                      checkpoint: Optional[str] = None,
                      device: str = 'cpu',
                      cfg_options: Optional[dict] = None) -> nn.Module:
    """mmdet's ``init_detector`` with ``dct_mmdet``'s modules registered.

    Without a checkpoint (random weights, e.g. for speed measurements) the
    class names come from the config's test set rather than mmdet's COCO
    default, so that labels and names agree.
    """
    model = init_detector(
        config, checkpoint, device=device, cfg_options=cfg_options)
    if checkpoint is None:
        dataset = copy.deepcopy(model.cfg.test_dataloader.dataset)
        dataset['lazy_init'] = True
        classes = DATASETS.build(dataset).metainfo.get('classes')
        if classes is not None:
            model.dataset_meta['classes'] = classes
    return model


def _first_step_type(step: dict) -> str:
    """'mmdet.LoadImageFromFile' -> 'LoadImageFromFile'."""
    step_type = step['type']
    if not isinstance(step_type, str):
        step_type = step_type.__name__
    return step_type.split('.')[-1]


def _loads_ground_truth(step: dict) -> bool:
    """Whether a step reads annotations (mmcv's ``LoadAnnotations`` and its
    subclasses: mmdet's, ``LoadROCKAnnotations``, ...)."""
    step_type = step['type']
    if isinstance(step_type, str):
        step_type = TRANSFORMS.get(step_type)
    return isinstance(step_type, type) and issubclass(
        step_type, LoadAnnotations)


class DCTInferencePipeline:
    """A config's test pipeline, fed from a path, JPEG bytes or an image.

    How each input enters depends on the pipeline's first step:

    * ``LoadImageFromFile``: a path as a file; an (H, W, 3) uint8 BGR array
      through ``LoadImageFromNDArray``; bytes decoded by
      ``mmcv.imfrombytes`` (the step's ``color_type``/``imdecode_backend``)
      and then as an array.
    * ``LoadDCTFromFile``: a path as a file; bytes as
      ``results['img_bytes']``; an array is an error (it has no JPEG
      coefficients).
    * ``DCTTestInput``: a path as a file; bytes as ``results['img_bytes']``;
      an array as lossless PNG bytes under the 'reencode' protocol (which
      decodes first), an error under 'direct' and 'resample'.

    Steps that load ground truth (mmcv's ``LoadAnnotations`` and its
    subclasses, e.g. ``LoadROCKAnnotations``) are left out, as mmdet's
    ``DetInferencer`` does: new inputs have none, and the steps after them
    (e.g. ``ROCKAuxTargets``) then find no targets to transform.

    Arrays are in mmcv's BGR order, as for mmdet's ``inference_detector``.
    The path and bytes of one JPEG give the same result; so does its
    decoded array, except for pipelines that read the file's own
    coefficients.

    Args:
        cfg (Config): the model's config (``model.cfg``).
        protocol (str, optional): the ``DCTTestInput`` protocol to use
            instead of the config's ('reencode', 'direct' or 'resample').
    """

    def __init__(self, cfg: Config, protocol: Optional[str] = None):
        steps = copy.deepcopy(get_test_pipeline_cfg(cfg))
        steps = steps[:1] + [s for s in steps[1:]
                             if not _loads_ground_truth(s)]
        self.name = getattr(cfg, 'filename', None) or 'the config'
        self.first = _first_step_type(steps[0])
        if self.first not in FIRST_STEPS:
            raise ValueError(
                f'{self.name}: the test pipeline starts with {self.first}; '
                f'inference needs one of {FIRST_STEPS} first')
        if protocol is not None:
            if self.first != 'DCTTestInput':
                raise ValueError(
                    f'{self.name}: protocol={protocol!r} needs a test '
                    f'pipeline that starts with DCTTestInput, not '
                    f'{self.first}')
            steps[0]['protocol'] = protocol
        self.pipeline = Compose(steps)
        self.array_pipeline = None
        if self.first == 'LoadImageFromFile':
            # Decoded images skip the file read, as in inference_detector.
            self.load_step = steps[0]
            self.array_pipeline = Compose(
                [dict(steps[0], type='mmdet.LoadImageFromNDArray')] +
                steps[1:])
        self.protocol = getattr(self.pipeline.transforms[0], 'protocol',
                                None)

    def __call__(self, item: InputType) -> dict:
        """Packed ``inputs`` and ``data_samples`` of one input."""
        if isinstance(item, (str, Path)):
            return self.pipeline(dict(img_path=str(item), img_id=0))
        if isinstance(item, (bytes, bytearray, memoryview)):
            return self._from_bytes(bytes(item))
        if isinstance(item, np.ndarray):
            return self._from_array(item)
        raise TypeError(
            'inputs must be JPEG file paths, JPEG bytes or (H, W, 3) uint8 '
            f'BGR arrays (or a list of them), got {type(item).__name__}')

    def _from_bytes(self, data: bytes) -> dict:
        if not data:
            raise ValueError('<bytes>: empty input (0 bytes)')
        if self.array_pipeline is None:
            return self.pipeline(dict(img_bytes=data, img_path=None, img_id=0))
        img = mmcv.imfrombytes(
            data,
            flag=self.load_step.get('color_type', 'color'),
            backend=self.load_step.get('imdecode_backend', 'cv2'))
        if img is None:
            raise ValueError('<bytes>: cannot be decoded as an image')
        return self.array_pipeline(dict(img=img, img_id=0))

    def _from_array(self, img: np.ndarray) -> dict:
        if img.dtype != np.uint8 or img.ndim != 3 or img.shape[2] != 3:
            raise ValueError('images must be (H, W, 3) uint8 BGR arrays, got '
                             f'shape {img.shape} and dtype {img.dtype}')
        if self.array_pipeline is not None:
            return self.array_pipeline(dict(img=img, img_id=0))
        if self.protocol == 'reencode':
            # DCTTestInput decodes before re-encoding: PNG is lossless.
            ok, png = cv2.imencode('.png', img)
            assert ok, 'PNG encoding of a uint8 image cannot fail'
            return self.pipeline(
                dict(img_bytes=png.tobytes(), img_path=None, img_id=0))
        raise ValueError(
            f'{self.name}: the test pipeline reads the JPEG file\'s own '
            f'coefficients ({self.first}'
            f"{', ' + self.protocol if self.protocol else ''}), which a "
            'decoded array does not have: pass the JPEG file or its bytes')


def inference_dct_detector(
    model: nn.Module,
    inputs: Union[InputType, Sequence[InputType]],
    protocol: Optional[str] = None
) -> Union[DetDataSample, List[DetDataSample]]:
    """Detect objects in one input or a list of them.

    Args:
        model (nn.Module): from :func:`init_dct_detector`.
        inputs: JPEG file path(s), JPEG ``bytes`` or (H, W, 3) uint8 BGR
            array(s); see :class:`DCTInferencePipeline` for how each one
            enters the config's test pipeline.
        protocol (str, optional): the DCT test protocol ('reencode',
            'direct' or 'resample'; default: the config's).

    Returns:
        A :class:`DetDataSample` (boxes in the input's pixel coordinates in
        ``pred_instances``), or a list of them for a list of inputs.
    """
    is_batch = isinstance(inputs, (list, tuple))
    pipeline = DCTInferencePipeline(model.cfg, protocol)
    results = []
    for item in inputs if is_batch else [inputs]:
        data = pseudo_collate([pipeline(item)])
        with torch.no_grad():
            results.append(model.test_step(data)[0])
    return results if is_batch else results[0]
