#!/usr/bin/env bash
# The nnact tool's contract: usage on --help, one-line errors with exit 2 on bad
# usage, --help on every subcommand, and the subcommands that need no files.
# usage: check_cli.sh PATH/TO/nnact
set -uo pipefail
nnact=$1
fail=0
expect() { # expect STATUS DESCRIPTION -- command...
  local want=$1 what=$2; shift 3
  "$@" > "$tmp/out" 2> "$tmp/err"
  local got=$?
  if [ "$got" -ne "$want" ]; then echo "FAIL $what: exit $got, expected $want"; cat "$tmp/err"; fail=1; fi
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

expect 0 "--version" -- "$nnact" --version
grep -qE '^nnact [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/out" || { echo "FAIL --version prints '$(cat "$tmp/out")'"; fail=1; }
expect 0 "--help" -- "$nnact" --help
grep -q 'usage: nnact' "$tmp/out" || { echo "FAIL --help has no usage line"; fail=1; }
expect 2 "no arguments" -- "$nnact"
expect 2 "unknown command" -- "$nnact" frobnicate
[ "$(wc -l < "$tmp/err")" -eq 1 ] || { echo "FAIL unknown command: error is not one line"; fail=1; }
grep -q "frobnicate" "$tmp/err" || { echo "FAIL unknown command: error does not name it"; fail=1; }

# every subcommand listed by --help answers --help with its own usage
"$nnact" --help | awk '/^commands:/{on=1; next} on && !NF {exit} on {print $1}' > "$tmp/cmds"
[ -s "$tmp/cmds" ] || { echo "FAIL --help lists no commands"; fail=1; }
while read -r cmd; do
  expect 0 "$cmd --help" -- "$nnact" "$cmd" --help
  grep -q "usage: nnact $cmd" "$tmp/out" || { echo "FAIL $cmd --help: no usage line"; fail=1; }
done < "$tmp/cmds"

expect 0 "info" -- "$nnact" info
grep -q 'OpenBLAS' "$tmp/out" || { echo "FAIL info does not name the BLAS"; fail=1; }
grep -q 'CPU features' "$tmp/out" || { echo "FAIL info does not list CPU features"; fail=1; }
expect 2 "demo with a stray option" -- "$nnact" demo --bogus-option
[ "$(wc -l < "$tmp/err")" -eq 1 ] || { echo "FAIL demo --bogus-option: error is not one line"; fail=1; }
expect 0 "demo" -- "$nnact" demo
grep -q 'libnnact' "$tmp/out" || { echo "FAIL demo does not say what it is"; fail=1; }

[ $fail -eq 0 ] && echo "nnact CLI: all checks passed"
exit $fail
