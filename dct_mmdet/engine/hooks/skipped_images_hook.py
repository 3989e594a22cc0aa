"""Count the images that ``on_error='skip'`` dropped, in the run's log.

Skips happen in DataLoader workers, which cannot write to the main
process's state; each one travels in the metainfo of the next sample its
worker delivers (``skipped_images``, set by the loading transforms and kept
by ``PackDCTInputs``), so the count is exact once those samples arrive.
"""
from typing import Optional, Sequence

from mmengine.hooks import Hook
from mmengine.runner import EpochBasedTrainLoop

from dct_mmdet.registry import HOOKS


@HOOKS.register_module()
class SkippedImagesHook(Hook):
    """Log each skipped image as it reaches the main process and the totals
    after every training epoch (or every ``interval`` iterations of an
    iteration-based run) and at the end of training.

    Args:
        interval (int): for iteration-based runs, report every this many
            iterations.
    """

    priority = 'VERY_LOW'

    def __init__(self, interval: int = 1000):
        self.interval = interval
        self.total = 0
        self.since_report = 0

    def _collect(self, runner, data_batch: Optional[dict]) -> None:
        if not data_batch:
            return
        samples: Sequence = data_batch.get('data_samples') or ()
        for sample in samples:
            for message in sample.metainfo.get('skipped_images', ()):
                self.total += 1
                self.since_report += 1
                runner.logger.warning(
                    f'skipped image {self.total}: {message}')

    def _report(self, runner, when: str) -> None:
        if self.total:
            runner.logger.warning(
                f'{when}: {self.since_report} unreadable images skipped '
                f'since the last report, {self.total} in this run')
        self.since_report = 0

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        self._collect(runner, data_batch)
        if not isinstance(runner.train_loop, EpochBasedTrainLoop) \
                and self.every_n_train_iters(runner, self.interval):
            self._report(runner, f'iteration {runner.iter + 1}')

    def after_val_iter(self, runner, batch_idx, data_batch=None,
                       outputs=None) -> None:
        self._collect(runner, data_batch)

    def after_train_epoch(self, runner) -> None:
        self._report(runner, f'epoch {runner.epoch}')

    def after_run(self, runner) -> None:
        if self.total:
            runner.logger.warning(
                f'{self.total} unreadable images were skipped in this run '
                '(on_error=\'skip\'); `python tools/misc/check_dataset.py '
                'CONFIG` lists every one')
