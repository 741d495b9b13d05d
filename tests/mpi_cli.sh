#!/usr/bin/env bash
# mpirun -np 2 and -np 3 nnact train print what one process prints (times
# aside) and write the same model file (rank 0 only); a missing data file ends
# every rank with one message and a non-zero exit.
# usage: mpi_cli.sh NNACT "MPIRUN ARGS" IRIS_CSV
set -euo pipefail
nnact=$1
read -r -a mpirun <<< "$2"
csv=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
args=(train --data "$csv" --target species --task classify --epochs 40 --batch 16 --val 0.2 --seed 3)
"$nnact" "${args[@]}" --save "$dir/one.nnm" | sed 's/ time .*//; s/saved .*/saved/' > "$dir/one.txt"
for np in 2 3; do
  timeout 30 "${mpirun[@]}" -np $np "$nnact" "${args[@]}" --save "$dir/np$np.nnm" |
    sed 's/ time .*//; s/saved .*/saved/' > "$dir/np$np.txt"
  diff "$dir/one.txt" "$dir/np$np.txt" || { echo "mpirun -np $np nnact train prints otherwise"; exit 1; }
  [ -s "$dir/np$np.nnm" ] || { echo "-np $np: no model saved"; exit 1; }
done
echo "nnact train at 1, 2 and 3 ranks: the same lines ($(grep -c '^epoch' "$dir/one.txt") epochs shown)"
# checkpointed at 2 ranks after 20 epochs, resumed at 3: the last epochs print as
# the uninterrupted one-process run's (to the 9 digits shown)
timeout 30 "${mpirun[@]}" -np 2 "$nnact" "${args[@]/40/20}" --checkpoint "$dir/c.ckpt" > /dev/null
timeout 30 "${mpirun[@]}" -np 3 "$nnact" "${args[@]}" --resume "$dir/c.ckpt" |
  sed 's/ time .*//' | grep '^epoch' > "$dir/resumed.txt"
grep '^epoch \(2[1-9]\|3[0-9]\|40\)/' "$dir/one.txt" | diff - "$dir/resumed.txt" ||
  { echo "resumed at 3 ranks: other lines than the one-process run"; exit 1; }
echo "checkpoint of 2 ranks resumed at 3: the same epochs as one process"
set +e
timeout 30 "${mpirun[@]}" -np 2 "$nnact" train --data "$dir/missing.csv" > "$dir/out" 2> "$dir/err"
rc=$?
set -e
[ $rc -ne 0 ] && [ $rc -ne 124 ] || { cat "$dir/err"; echo "missing file: exit $rc"; exit 1; }
n=$(grep -c 'nnact train: .*missing.csv' "$dir/err" || true)
[ "$n" -eq 1 ] || { cat "$dir/err"; echo "missing file: $n messages, expected 1"; exit 1; }
echo "missing file: every rank ended (exit $rc), one message"
# bad data: a field that is not a number
printf 'a,b,y\n1,2,3\n4,x,6\n7,8,9\n' > "$dir/bad.csv"
set +e
timeout 30 "${mpirun[@]}" -np 3 "$nnact" train --data "$dir/bad.csv" --target y > "$dir/out" 2> "$dir/err"
rc=$?
set -e
[ $rc -ne 0 ] && [ $rc -ne 124 ] || { cat "$dir/err"; echo "bad data: exit $rc"; exit 1; }
n=$(grep -c '^nnact train: ' "$dir/err" || true)
[ "$n" -eq 1 ] || { cat "$dir/err"; echo "bad data: $n messages, expected 1"; exit 1; }
echo "bad data: every rank ended (exit $rc), one message: $(grep '^nnact train: ' "$dir/err")"
