#!/usr/bin/env bash
# The shared object's ABI surface: SONAME libnnact.so.1, and nothing exported
# but nnact_* symbols, each under a NNACT_ version node.
# (libnnact_mpi.so.1 likewise, its nnact_mpi_* under NNACT_MPI_ nodes.)
# usage: check_symbols.sh PATH/TO/libnnact.so [EXPECTED_SONAME]
set -euo pipefail
so=$1
want=${2:-libnnact.so.1}
soname=$(readelf -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "$want" ] || { echo "SONAME is '$soname', expected $want"; exit 1; }
syms=$(nm -D --defined-only "$so" | awk '{print $3}')
[ -n "$syms" ] || { echo "no exported symbols"; exit 1; }
bad=0 count=0
while read -r s; do
  case "$s" in
    NNACT_[0-9]* | NNACT_MPI_[0-9]*) ;;    # the version node itself
    nnact_*@@NNACT_[0-9]*|nnact_*@NNACT_[0-9]*) [ "$want" = libnnact.so.1 ] && count=$((count + 1)) ;;
    nnact_mpi_*@@NNACT_MPI_[0-9]*) [ "$want" = libnnact_mpi.so.1 ] && count=$((count + 1)) ;;
    *) echo "unexpected export: $s"; bad=1 ;;
  esac
done <<< "$syms"
[ "$count" -gt 0 ] || { echo "no versioned nnact_ symbols"; exit 1; }
[ $bad -eq 0 ] || exit 1
echo "SONAME $soname, $count versioned nnact_* symbols, nothing else exported"
