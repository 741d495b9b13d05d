#!/usr/bin/env bash
# nnact plot on hostile ranges: a range a few ulps wide ends with a bounded
# file (the grid is counted by index, not accumulated), a range whose width
# overflows is a usage error, the least subnormal is a valid end, values near
# DBL_MAX give no NaN coordinates, and a write error ends the command with 1.
# usage: check_plot_cli.sh PATH/TO/nnact
set -uo pipefail
nnact=$1
fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
run() { timeout 20 "$nnact" plot "$@" > "$tmp/out" 2> "$tmp/err"; }

run identity --from 1 --to 1.0000000000000002
rc=$?
size=$(wc -c < "$tmp/out")
[ $rc -eq 0 ] || { echo "FAIL ulp-wide range: exit $rc"; cat "$tmp/err"; fail=1; }
[ "$size" -lt 200000 ] || { echo "FAIL ulp-wide range: $size bytes"; fail=1; }
tail -1 "$tmp/out" | grep -q '</svg>' || { echo "FAIL ulp-wide range: no closing </svg>"; fail=1; }

run identity --from -1e308 --to 1e308
rc=$?
[ $rc -eq 2 ] || { echo "FAIL overflowing width: exit $rc, expected 2"; fail=1; }
grep -q 'too wide' "$tmp/err" || { echo "FAIL overflowing width: '$(cat "$tmp/err")'"; fail=1; }
[ "$(wc -l < "$tmp/err")" -eq 1 ] || { echo "FAIL overflowing width: error is not one line"; fail=1; }

run identity --from 0 --to 5e-324
rc=$?
[ $rc -eq 0 ] || { echo "FAIL --to 5e-324: exit $rc"; cat "$tmp/err"; fail=1; }

for args in "square --from -1.3e154 --to 1.3e154" "identity --from -8e307 --to 8e307" \
            "gelu --from 1 --to 1.0000000000000002"; do
  # shellcheck disable=SC2086
  run $args
  rc=$?
  [ $rc -eq 0 ] || { echo "FAIL plot $args: exit $rc"; fail=1; }
  if grep -qiE 'nan|inf' "$tmp/out"; then echo "FAIL plot $args: NaN/Inf in the SVG"; fail=1; fi
done

run gelu -o /dev/full
rc=$?
[ $rc -eq 1 ] || { echo "FAIL -o /dev/full: exit $rc, expected 1"; fail=1; }
grep -q 'No space left' "$tmp/err" || { echo "FAIL -o /dev/full: '$(cat "$tmp/err")'"; fail=1; }

[ $fail -eq 0 ] && echo "plot: hostile ranges and a full device handled"
exit $fail
