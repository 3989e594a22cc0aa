"""Evaluate a checkpoint: MMDetection's `tools/test.py` interface.

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--out FILE.pkl]
        [--show-dir DIR] [--cfg-options k=v ...] [--launcher pytorch]

CHECKPOINT may be a full training checkpoint (``epoch_N.pth``) or a
published ``meta`` + ``state_dict`` one.
"""
import argparse

import dct_mmdet  # noqa: F401  (registers modules, applies upstream fixes)
from dct_mmdet.utils.cli import (add_common_args, build_runner, load_config,
                                 shut_down_distributed)


def parse_args():
    parser = argparse.ArgumentParser(description='Test (and eval) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    add_common_args(parser)
    parser.add_argument(
        '--out', help='dump predictions to a pickle file (.pkl)')
    parser.add_argument(
        '--show-dir', help='save pictures of the predictions in this folder '
        '(under the work dir)')
    return parser.parse_args()


def main():
    args = parse_args()
    cfg = load_config(args)
    cfg.load_from = args.checkpoint
    if args.show_dir:
        hook = cfg.default_hooks.visualization
        hook.draw = True
        hook.test_out_dir = args.show_dir
    if args.out is not None:
        if not args.out.endswith(('.pkl', '.pickle')):
            raise ValueError('--out must be a .pkl or .pickle file')
        evaluators = cfg.test_evaluator if isinstance(
            cfg.test_evaluator, list) else [cfg.test_evaluator]
        cfg.test_evaluator = [
            *evaluators,
            dict(type='DumpDetResults', out_file_path=args.out)
        ]
    build_runner(cfg).test()
    shut_down_distributed()


if __name__ == '__main__':
    main()
