#!/usr/bin/env bash
# A rank killed (SIGKILL) in epoch 3 of a long data-parallel fit: mpirun must
# end the whole job, with an error, within a bounded time (20 s here; it takes
# well under a second on loopback), the checkpoint rank 0 wrote after every
# epoch must be intact, and every rank of a 3-rank job must resume from it.
# usage: mpi_kill.sh TEST_MPI "MPIRUN ARGS"
set -uo pipefail
bin=$1
read -r -a mpirun <<< "$2"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
start=$(date +%s)
timeout 20 "${mpirun[@]}" -np 2 "$bin" kill "$dir" > "$dir/out" 2>&1
rc=$?
took=$(($(date +%s) - start))
[ $rc -ne 124 ] || { cat "$dir/out"; echo "mpirun did not end within 20 s after a rank was killed"; exit 1; }
[ $rc -ne 0 ] || { cat "$dir/out"; echo "mpirun exited 0 although a rank was killed"; exit 1; }
[ -s "$dir/c.ckpt" ] || { echo "no checkpoint before the kill"; exit 1; }
echo "killed rank: mpirun exited $rc after ${took}s"
set -e
timeout 30 "${mpirun[@]}" -np 3 "$bin" resume_after_kill "$dir"
