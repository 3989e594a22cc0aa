"""Pieces shared by the speed tools (``tools/analysis_tools/benchmark.py``,
``benchmark_pipeline.py``): one-thread timing as in a DataLoader worker,
CUDA-event timing, moving packed inputs to a device, target verdicts."""
from typing import Callable

import cv2
import torch


def use_one_thread(_=None) -> None:
    """torch and OpenCV on one thread, as mmdet's DataLoader workers run
    (``opencv_num_threads=0``); usable as a ``worker_init_fn``."""
    torch.set_num_threads(1)
    cv2.setNumThreads(0)


class single_thread:
    """:func:`use_one_thread` for a ``with`` block, restored on exit."""

    def __enter__(self):
        self.torch_threads = torch.get_num_threads()
        self.cv2_threads = cv2.getNumThreads()
        use_one_thread()

    def __exit__(self, *exc):
        torch.set_num_threads(self.torch_threads)
        cv2.setNumThreads(self.cv2_threads)


def cuda_seconds(run: Callable[[], object]) -> float:
    """Seconds ``run()`` takes on the current CUDA stream (CUDA events,
    the device synchronised before and after)."""
    start, end = (torch.cuda.Event(enable_timing=True) for _ in range(2))
    torch.cuda.synchronize()
    start.record()
    run()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / 1000


def inputs_to(inputs: dict, device) -> dict:
    """Packed DCT inputs with their tensors on ``device`` (the geometry,
    tables' layout and other entries as they are)."""
    return {k: v.to(device) if isinstance(v, torch.Tensor) else v
            for k, v in inputs.items()}


def verdict(met: bool) -> str:
    """A target table's 'met' cell."""
    return 'yes' if met else '**no**'
