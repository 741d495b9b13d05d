#!/usr/bin/env bash
# A data-parallel fit checkpointed by rank 0 at 2 ranks, resumed by every rank
# at 3 ranks: it ends where the uninterrupted one-process fit ends (1e-12).
# usage: mpi_checkpoint.sh TEST_MPI "MPIRUN ARGS"
set -euo pipefail
bin=$1
read -r -a mpirun <<< "$2"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
timeout 50 "${mpirun[@]}" -np 2 "$bin" ckpt_write "$dir"
timeout 50 "${mpirun[@]}" -np 3 "$bin" ckpt_resume "$dir"
