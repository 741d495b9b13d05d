#!/usr/bin/env bash
# mpirun -np 2 and -np 3 nnact train print what one process prints (times
# aside) and write the same model file (rank 0 only); a missing data file ends
# every rank with one message and a non-zero exit; so do a file missing or
# different on rank 1 only and a failure on rank 1 just before the fit (the
# message then is rank 1's, from rank 0, once).
# usage: mpi_cli.sh NNACT "MPIRUN ARGS" IRIS_CSV [FAULT_SHIM.so]
set -euo pipefail
nnact=$1
read -r -a mpirun <<< "$2"
csv=$3
shim=${4:-}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
args=(train --data "$csv" --target species --task classify --epochs 40 --batch 16 --val 0.2 --seed 3)
timeout 30 "$nnact" "${args[@]}" --save "$dir/one.nnm" | sed 's/ time .*//; s/saved .*/saved/' > "$dir/one.txt"
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

# one message with rank 1's reason, from rank 0: a wrapper gives each rank
# its own file (r0.csv, r1.csv) through Open MPI's rank variable
cat > "$dir/per_rank.sh" <<EOS
#!/usr/bin/env bash
exec "$nnact" train --data "$dir/r\${OMPI_COMM_WORLD_RANK}.csv" --target species --task classify --epochs 2 --seed 3
EOS
chmod +x "$dir/per_rank.sh"
one_message() { # $1: what, $2: pattern the one line must match
  local n
  [ $rc -ne 0 ] && [ $rc -ne 124 ] || { cat "$dir/err"; echo "$1: exit $rc"; exit 1; }
  n=$(grep -c '^nnact train: ' "$dir/err" || true)
  [ "$n" -eq 1 ] || { cat "$dir/err"; echo "$1: $n messages, expected 1"; exit 1; }
  grep -q "$2" "$dir/err" || { cat "$dir/err"; echo "$1: not the failing rank's reason"; exit 1; }
  echo "$1: every rank ended (exit $rc), one message: $(grep '^nnact train: ' "$dir/err")"
}
cp "$csv" "$dir/r0.csv"
set +e
timeout 30 "${mpirun[@]}" -np 2 "$dir/per_rank.sh" > "$dir/out" 2> "$dir/err"
rc=$?
set -e
one_message "rank 1's file missing" 'r1\.csv.*(rank 1 of 2)'
# rank 1's rows differ (one value): the rows' check, once, no second stale line
sed '2s/^[0-9.]*/9.9/' "$csv" > "$dir/r1.csv"
cmp -s "$csv" "$dir/r1.csv" && { echo "r1.csv is not different"; exit 1; }
set +e
timeout 30 "${mpirun[@]}" -np 2 "$dir/per_rank.sh" > "$dir/out" 2> "$dir/err"
rc=$?
set -e
one_message "rank 1's rows differ" 'the rows differ between ranks.*(rank 0 of 2)'
# --save into a folder that exists on rank 0 only (no shared file system):
# the output check is agreed, one message naming rank 1 (this hung before)
mkdir -p "$dir/w0/out" "$dir/w1"
cat > "$dir/per_dir.sh" <<EOS
#!/usr/bin/env bash
cd "$dir/w\${OMPI_COMM_WORLD_RANK}" && exec "$nnact" train --data "$csv" --target species --task classify --epochs 2 --seed 3 --save out/m.nnm
EOS
chmod +x "$dir/per_dir.sh"
set +e
timeout 30 "${mpirun[@]}" -np 2 "$dir/per_dir.sh" > "$dir/out" 2> "$dir/err"
rc=$?
set -e
one_message "--save folder missing on rank 1" "out/m\.nnm.*(rank 1 of 2)"
[ ! -e "$dir/w0/out/m.nnm" ] || { echo "--save folder missing on rank 1: rank 0 saved anyway"; exit 1; }
if [ -n "$shim" ]; then
  # the fit's configuration failing on rank 1 alone: agreed before the fit
  set +e
  NNACT_SHIM_FAIL_RANK=1 timeout 30 "${mpirun[@]}" -np 2 -x LD_PRELOAD="$shim" \
    -x NNACT_SHIM_FAIL_RANK "$nnact" "${args[@]}" > "$dir/out" 2> "$dir/err"
  rc=$?
  set -e
  one_message "rank 1's configuration failing" '(rank 1 of 2)'
fi
# standard input reaches rank 0 only: refused on every rank, one message
set +e
timeout 30 "${mpirun[@]}" -np 2 "$nnact" train --data - --target species < "$csv" > "$dir/out" 2> "$dir/err"
rc=$?
set -e
one_message "--data - under mpirun" 'standard input reaches rank 0 only'
