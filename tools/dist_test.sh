#!/usr/bin/env bash
# Usage: tools/dist_test.sh CONFIG CHECKPOINT NUM_PROCS [test.py args...]
# (environment: tools/launch.sh's dist_launch)
source "$(dirname "$0")/launch.sh"
dist_launch test.py "$3" "$1" "$2" --launcher pytorch "${@:4}"
