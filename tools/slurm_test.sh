#!/usr/bin/env bash
# Usage: [GPUS=8 GPUS_PER_NODE=8 CPUS_PER_TASK=5] tools/slurm_test.sh \
#            PARTITION JOB_NAME CONFIG CHECKPOINT [test.py args...]
source "$(dirname "$0")/launch.sh"
set -x
slurm_launch test.py "$1" "$2" "$3" "$4" --launcher="slurm" "${@:5}"
