#!/usr/bin/env bash
# The static library's global symbols: every one nnact_* (public) or nnact__*
# (internal, shared across files), so that linking libnnact.a into a program
# cannot collide with the program's own names (review of issue 16: the ONNX
# codec's pbw_*, onnx_parse... were global).
# usage: check_static_symbols.sh PATH/TO/libnnact.a
set -euo pipefail
# (ASan's ODR indicators, __odr_asan.NAME, name a variable that is itself checked)
bad=$(nm -g --defined-only "$1" | awk 'NF == 3 && $3 !~ /^nnact_/ && $3 !~ /^__odr_asan\.nnact_/ {print $3}' | sort -u)
if [ -n "$bad" ]; then
  echo "global symbols without the nnact_ prefix in $1:"
  echo "$bad"
  exit 1
fi
echo "every global symbol of $1 is nnact_*"
