#!/usr/bin/env bash
# Compares the built libnnact.so with the committed ABI baseline (libabigail).
# Additions are compatible and pass (they are listed); a removed or changed
# symbol or type is incompatible and fails. See docs/ABI.md.
# usage: check_abi.sh BASELINE.abi PATH/TO/libnnact.so INCLUDE_DIR
set -uo pipefail
baseline=$1 so=$2 headers=$3
out=$(abidiff --headers-dir2 "$headers" "$baseline" "$so" 2>&1)
rc=$?
[ -n "$out" ] && printf '%s\n' "$out"
if (( rc & 8 )); then echo "INCOMPATIBLE ABI change against $baseline"; exit 1; fi
if (( rc & 3 )); then echo "abidiff failed (status $rc)"; exit 1; fi
if (( rc & 4 )); then echo "compatible ABI additions only"; else echo "ABI identical to the baseline"; fi
exit 0
