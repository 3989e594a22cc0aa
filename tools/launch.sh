# The launchers behind dist_train.sh, dist_test.sh, slurm_train.sh and
# slurm_test.sh (MMDetection's command lines), which source this file.
TOOLS=$(dirname "${BASH_SOURCE[0]}")

# dist_launch SCRIPT NUM_PROCS [SCRIPT args...]: tools/SCRIPT (train.py or
# test.py) in NUM_PROCS processes per node through torch.distributed.run.
# Environment: NNODES (1), NODE_RANK (0), MASTER_ADDR (127.0.0.1), PORT
# (29500), PYTHON (python).
dist_launch() {
    PYTHONPATH="$TOOLS/..":$PYTHONPATH \
    ${PYTHON:-python} -m torch.distributed.run \
        --nnodes=${NNODES:-1} \
        --node_rank=${NODE_RANK:-0} \
        --master_addr=${MASTER_ADDR:-"127.0.0.1"} \
        --nproc_per_node=$2 \
        --master_port=${PORT:-29500} \
        "$TOOLS/$1" "${@:3}"
}

# slurm_launch SCRIPT PARTITION JOB_NAME [SCRIPT args...]: tools/SCRIPT in
# GPUS tasks (8), GPUS_PER_NODE (8) per node, CPUS_PER_TASK (5) CPUs each,
# through srun (plus SRUN_ARGS).
slurm_launch() {
    PYTHONPATH="$TOOLS/..":$PYTHONPATH \
    srun -p "$2" \
        --job-name="$3" \
        --gres=gpu:${GPUS_PER_NODE:-8} \
        --ntasks=${GPUS:-8} \
        --ntasks-per-node=${GPUS_PER_NODE:-8} \
        --cpus-per-task=${CPUS_PER_TASK:-5} \
        --kill-on-bad-exit=1 \
        ${SRUN_ARGS:-} \
        ${PYTHON:-python} -u "$TOOLS/$1" "${@:4}"
}
