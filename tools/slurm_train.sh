#!/usr/bin/env bash
# Usage: [GPUS=8 GPUS_PER_NODE=8 CPUS_PER_TASK=5] tools/slurm_train.sh \
#            PARTITION JOB_NAME CONFIG WORK_DIR [train.py args...]
source "$(dirname "$0")/launch.sh"
set -x
slurm_launch train.py "$1" "$2" "$3" --work-dir="$4" --launcher="slurm" \
    "${@:5}"
