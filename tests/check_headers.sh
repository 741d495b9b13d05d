#!/usr/bin/env bash
# Every public header compiles alone, as C99 -pedantic and as C++ (extern "C").
# usage: check_headers.sh INCLUDE_DIR
set -euo pipefail
inc=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
for h in "$inc"/nnact/*.h; do
  name=nnact/$(basename "$h")
  printf '#include <%s>\nint nnact_header_check_%d;\n' "$name" "$n" > "$work/c.c"
  cc -std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only -I"$inc" "$work/c.c" \
    || { echo "$name fails as C99"; exit 1; }
  printf '#include <%s>\nint nnact_header_check_%d;\n' "$name" "$n" > "$work/cpp.cpp"
  c++ -std=c++11 -pedantic -Wall -Wextra -Werror -fsyntax-only -I"$inc" "$work/cpp.cpp" \
    || { echo "$name fails as C++"; exit 1; }
  n=$((n + 1))
done
# and C++ linkage: a C++ program calls into the C library (declarations are extern "C")
grep -L 'NNACT_BEGIN_DECLS' "$inc"/nnact/*.h | grep -v -e export.h -e nnact.h && { echo "header without NNACT_BEGIN_DECLS"; exit 1; }
echo "$n public headers compile alone as C99 -pedantic and as C++"
