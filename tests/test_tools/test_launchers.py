"""tools/dist_{train,test}.sh and slurm_{train,test}.sh launch MMDetection's
command lines (through tools/launch.sh); a fake python / srun records what
they would run."""
import os
import subprocess

import pytest

from conftest import REPO

TOOLS = REPO / 'tools'


@pytest.fixture
def recorder(tmp_path):
    """A PATH with ``srun`` and a ``python`` that print their arguments,
    one per line."""
    bin_dir = tmp_path / 'bin'
    bin_dir.mkdir()
    for name in ('srun', 'python'):
        fake = bin_dir / name
        fake.write_text('#!/usr/bin/env bash\nprintf "%s\\n" "$0" "$@"\n')
        fake.chmod(0o755)

    def run(script, *args, **env):
        environ = dict(os.environ, PATH=f'{bin_dir}:{os.environ["PATH"]}',
                       **env)
        environ.pop('PYTHON', None)
        result = subprocess.run(['bash', str(TOOLS / script), *args],
                                env=environ, capture_output=True, text=True,
                                check=True)
        command = result.stdout.splitlines()
        return [os.path.basename(command[0]), *command[1:]]

    return run


def test_dist_train_and_test(recorder):
    assert recorder('dist_train.sh', 'cfg.py', '2', '--work-dir', 'a b',
                    PORT='29999') == [
        'python', '-m', 'torch.distributed.run', '--nnodes=1',
        '--node_rank=0', '--master_addr=127.0.0.1', '--nproc_per_node=2',
        '--master_port=29999', f'{TOOLS}/train.py', 'cfg.py',
        '--launcher', 'pytorch', '--work-dir', 'a b']
    assert recorder('dist_test.sh', 'cfg.py', 'ckpt.pth', '4',
                    '--out', 'p.pkl', NNODES='2', NODE_RANK='1')[3:] == [
        '--nnodes=2', '--node_rank=1', '--master_addr=127.0.0.1',
        '--nproc_per_node=4', '--master_port=29500', f'{TOOLS}/test.py',
        'cfg.py', 'ckpt.pth', '--launcher', 'pytorch', '--out', 'p.pkl']


def test_slurm_train_and_test(recorder):
    slurm = ['-p', 'gpu', '--job-name=job', '--gres=gpu:8', '--ntasks=8',
             '--ntasks-per-node=8', '--cpus-per-task=5',
             '--kill-on-bad-exit=1', 'python', '-u']
    assert recorder('slurm_train.sh', 'gpu', 'job', 'cfg.py', 'work',
                    '--amp') == ['srun', *slurm, f'{TOOLS}/train.py',
                                 'cfg.py', '--work-dir=work',
                                 '--launcher=slurm', '--amp']
    assert recorder('slurm_test.sh', 'gpu', 'job', 'cfg.py', 'ckpt.pth',
                    GPUS='4')[5] == '--ntasks=4'
    assert recorder('slurm_test.sh', 'gpu', 'job', 'cfg.py', 'ckpt.pth',
                    '--out', 'p.pkl')[-6:] == [
        f'{TOOLS}/test.py', 'cfg.py', 'ckpt.pth', '--launcher=slurm',
        '--out', 'p.pkl']
