#!/usr/bin/env bash
# Compares the built libnnact.so with the committed ABI baseline (libabigail).
# A removed or changed symbol or type is incompatible and fails; an addition is
# compatible but fails too until the baseline is refreshed in the same change,
# so the baseline always describes the whole exported ABI. See docs/ABI.md.
# usage: check_abi.sh BASELINE.abi PATH/TO/libnnact.so INCLUDE_DIR
set -uo pipefail
baseline=$1 so=$2 headers=$3
out=$(abidiff --headers-dir2 "$headers" "$baseline" "$so" 2>&1)
rc=$?
[ -n "$out" ] && printf '%s\n' "$out"
if (( rc & 8 )); then echo "INCOMPATIBLE ABI change against $baseline"; exit 1; fi
if (( rc & 3 )); then echo "abidiff failed (status $rc)"; exit 1; fi
if (( rc & 4 )); then
  # Compatible, but the baseline no longer describes the whole ABI: a later
  # change to the new symbols would go unseen. Additions are made on purpose,
  # with the baseline refreshed in the same change (docs/ABI.md).
  echo "the library exports ABI the baseline does not record: refresh it on purpose"
  echo "(cmake --build BUILD --target abi-baseline, see docs/ABI.md)"
  exit 1
fi
echo "ABI identical to the baseline"
exit 0
