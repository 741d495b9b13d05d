#!/usr/bin/env bash
# nnact train --checkpoint / --resume: 2 epochs with a checkpoint after every
# epoch, then resumed to 4, must end byte-identical to one 4-epoch run (the
# saved model and the final checkpoint, which holds the optimizer's state),
# and print the same epoch 3 and 4 lines. Controls: the 2-epoch model differs
# from the 4-epoch one, and resuming with another --batch differs; bad resumes
# (past --epochs, a model file, another --seed, --lr) fail with one message.
# usage: check_train_resume.sh PATH/TO/nnact
set -uo pipefail
nnact=$1
fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
common=(--data sine --batch 10 --val 0.2 --sched exponential --loss mse)
model=(--hidden 6 --act tanh --opt adam --lr 0.01 --seed 5)
die() { echo "FAIL $*"; fail=1; }

"$nnact" train "${common[@]}" "${model[@]}" --epochs 4 --checkpoint "$tmp/full.ckpt" \
  --save "$tmp/full.nnm" > "$tmp/full.txt" || die "uninterrupted run"
"$nnact" train "${common[@]}" "${model[@]}" --epochs 2 --checkpoint "$tmp/run.ckpt" \
  --save "$tmp/half.nnm" > "$tmp/half.txt" || die "first half"
cp "$tmp/run.ckpt" "$tmp/epoch2.ckpt"
"$nnact" train "${common[@]}" --epochs 4 --resume "$tmp/run.ckpt" --checkpoint "$tmp/run.ckpt" \
  --save "$tmp/resumed.nnm" > "$tmp/resumed.txt" || die "resumed run"
grep -q '^resuming .*run.ckpt after epoch 2 of 4$' "$tmp/resumed.txt" || die "no resume line"
cmp -s "$tmp/full.nnm" "$tmp/resumed.nnm" || die "resumed model differs from the uninterrupted one"
cmp -s "$tmp/full.ckpt" "$tmp/run.ckpt" || die "resumed final checkpoint differs"
for e in 3 4; do
  a=$(grep "^epoch $e/4 " "$tmp/full.txt" | sed 's/ time.*//')
  b=$(grep "^epoch $e/4 " "$tmp/resumed.txt" | sed 's/ time.*//')
  [ -n "$a" ] && [ "$a" = "$b" ] || die "epoch $e line: '$a' vs '$b'"
done
! grep -q '^epoch [12]/4' "$tmp/resumed.txt" || die "the resumed run trained epochs 1-2 again"

# controls: the comparison can fail
cmp -s "$tmp/full.nnm" "$tmp/half.nnm" && die "2 and 4 epochs give the same model"
"$nnact" train --data sine --batch 8 --val 0.2 --sched exponential --loss mse --epochs 4 \
  --resume "$tmp/epoch2.ckpt" --save "$tmp/other.nnm" > /dev/null || die "resume with --batch 8"
cmp -s "$tmp/full.nnm" "$tmp/other.nnm" && die "another batch size gives the same model"

# bad resumes
bad() { # bad PATTERN args...
  local pat=$1; shift
  if "$nnact" train "$@" > /dev/null 2> "$tmp/err"; then die "accepted: $*"; fi
  grep -q "$pat" "$tmp/err" || { die "'$*' says: $(cat "$tmp/err")"; }
}
bad "at epoch 2, past --epochs 1" "${common[@]}" --epochs 1 --resume "$tmp/epoch2.ckpt"
bad "not a training checkpoint" "${common[@]}" --resume "$tmp/full.nnm"
bad "differs from the checkpoint's seed 5" "${common[@]}" --seed 6 --resume "$tmp/epoch2.ckpt"
bad "cannot be combined with --resume" "${common[@]}" --lr 0.1 --resume "$tmp/epoch2.ckpt"
bad "maps 1 inputs to 1 outputs, the data has 2" --data xor --resume "$tmp/epoch2.ckpt"
bad "^nnact train: --checkpoint .*/no/such/dir/x.ckpt. cannot be written: its directory .* does not exist$" "${common[@]}" --epochs 1 --checkpoint "$tmp/no/such/dir/x.ckpt"
[ "$fail" -eq 0 ] && echo "train resume: all checks passed"
exit "$fail"
