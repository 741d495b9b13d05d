#!/usr/bin/env bash
# Every public header compiles alone, as C99 -pedantic and as C++ (extern "C");
# every header that declares something wraps it in NNACT_BEGIN_DECLS; the
# umbrella nnact.h includes every other public header; and no public header
# includes the BLAS's or LAPACKE's headers (src/blas is the only door to them).
# nnact/mpi.h (libnnact_mpi) includes <mpi.h>: it stays out of the umbrella
# and compiles with the MPI's include flags (MPI_CFLAGS, given when CMake
# found MPI; without them it is skipped, with a line saying so).
# usage: check_headers.sh INCLUDE_DIR ["MPI_CFLAGS"]
set -euo pipefail
inc=$1
mpi_flags=${2:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
# shellcheck disable=SC2086 # $extra: the MPI flags are words
for h in "$inc"/nnact/*.h; do
  name=nnact/$(basename "$h")
  extra=""
  if [ "$name" = nnact/mpi.h ]; then
    [ -n "$mpi_flags" ] || { echo "nnact/mpi.h skipped: no MPI_CFLAGS (MPI not found)"; continue; }
    # Open MPI's deprecated C++ bindings (which mpi.h pulls into C++) do not
    # compile warning-free; nnact/mpi.h uses the C API only
    extra="$mpi_flags -DOMPI_SKIP_MPICXX -DMPICH_SKIP_MPICXX"
  fi
  printf '#include <%s>\nint nnact_header_check_%d;\n' "$name" "$n" > "$work/c.c"
  cc -std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only -I"$inc" $extra "$work/c.c" \
    || { echo "$name fails as C99"; exit 1; }
  printf '#include <%s>\nint nnact_header_check_%d;\n' "$name" "$n" > "$work/cpp.cpp"
  c++ -std=c++11 -pedantic -Wall -Wextra -Werror -fsyntax-only -I"$inc" $extra "$work/cpp.cpp" \
    || { echo "$name fails as C++"; exit 1; }
  n=$((n + 1))
done
# nnact/mpi.h needs <mpi.h>: the umbrella must not include it
if grep -q '^#include "nnact/mpi.h"' "$inc/nnact/nnact.h"; then
  echo "nnact.h includes nnact/mpi.h (which needs MPI)"; exit 1
fi
# C++ linkage: a C++ program calls into the C library (declarations are extern "C").
# Headers that only gather others (nnact.h, runtime.h) declare nothing themselves.
bad=0
for h in "$inc"/nnact/*.h; do
  if grep -q 'NNACT_API' "$h" && ! grep -q 'NNACT_BEGIN_DECLS' "$h"; then
    echo "$h declares functions outside NNACT_BEGIN_DECLS"; bad=1
  fi
done
# the umbrella includes every public header (export.h, the visibility macros,
# comes with each of them)
for h in "$inc"/nnact/*.h; do
  name=$(basename "$h")
  case "$name" in nnact.h | export.h | mpi.h) continue ;; esac
  grep -q "^#include \"nnact/$name\"" "$inc/nnact/nnact.h" || { echo "nnact.h does not include nnact/$name"; bad=1; }
done
if grep -lE '#include *[<"](cblas|lapacke|f77blas|openblas_config)\.h' "$inc"/nnact/*.h; then
  echo "public headers include BLAS/LAPACKE headers"; bad=1
fi
[ $bad -eq 0 ] || exit 1
echo "$n public headers compile alone as C99 -pedantic and as C++; nnact.h includes them all"
