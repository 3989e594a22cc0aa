#!/usr/bin/env bash
# Usage: tools/dist_train.sh CONFIG NUM_PROCS [train.py args...]
# (environment: tools/launch.sh's dist_launch)
source "$(dirname "$0")/launch.sh"
dist_launch train.py "$2" "$1" --launcher pytorch "${@:3}"
