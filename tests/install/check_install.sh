#!/usr/bin/env bash
# Installs the build into a temporary prefix, then builds and runs a consumer
# against that installed tree only: with pkg-config (shared and --static) and
# with CMake's find_package(nnact) (nnact::nnact and nnact::nnact_static).
# usage: check_install.sh BUILD_DIR SOURCE_DIR "EXTRA_CFLAGS"
set -euo pipefail
build=$1 src=$2 extra=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

cmake --install "$build" --prefix "$prefix" >/dev/null
for f in include/nnact/nnact.h lib/libnnact.so.1.1.0 lib/libnnact.so.1 lib/libnnact.so lib/libnnact.a \
         lib/pkgconfig/nnact.pc lib/pkgconfig/nnact-static.pc lib/cmake/nnact/nnactConfig.cmake lib/cmake/nnact/nnactConfigVersion.cmake \
         bin/nnact bin/nnact-bench; do
  [ -e "$prefix/$f" ] || { echo "missing after install: $f"; exit 1; }
done
# nothing private leaks into the installed headers
if grep -rlE '#include *[<"](cblas|lapacke)\.h' "$prefix/include"; then
  echo "public headers include BLAS headers"; exit 1
fi
"$prefix/bin/nnact" --version | grep -q '^nnact 1\.'

export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
cc=${CC:-cc}
# shellcheck disable=SC2046,SC2086
$cc -std=c11 $extra -o "$work/pc_shared" "$src/tests/install/consumer.c" \
    $(pkg-config --cflags --libs nnact) -Wl,-rpath,"$prefix/lib" -lm
"$work/pc_shared"
# (ldd's output is captured first: grep -q closing the pipe early would trip pipefail)
deps=$(ldd "$work/pc_shared")
grep -q "$prefix/lib/libnnact.so.1" <<< "$deps" || { echo "pkg-config consumer not linked to the installed .so"; exit 1; }
# static libnnact, exactly as the README writes it: nnact-static.pc names
# libnnact.a, and its Libs.private/Requires.private must be enough
# shellcheck disable=SC2046,SC2086
$cc -std=c11 $extra -o "$work/pc_static" "$src/tests/install/consumer.c" \
    $(pkg-config --static --cflags --libs nnact-static)
"$work/pc_static"
deps=$(ldd "$work/pc_static")
if grep -q libnnact <<< "$deps"; then echo "static consumer loads libnnact.so"; exit 1; fi

# the worked example (docs/EXAMPLE.md), built as its comment says, on the shipped table
# shellcheck disable=SC2046
$cc -std=c11 $extra -o "$work/iris" "$src/examples/iris.c" $(pkg-config --cflags --libs nnact) \
    -Wl,-rpath,"$prefix/lib" -lm
"$work/iris" "$src/examples/data/iris.csv" "$work/iris.nnm" > "$work/iris.out"
acc=$(sed -n 's/^held-out rows 30: accuracy \([0-9.]*\),.*/\1/p' "$work/iris.out")
# 30 held-out flowers, 10 per species; setosa alone is linearly separable, so
# anything trained at all scores well above a third
awk -v a="$acc" 'BEGIN { exit !(a >= 0.8) }' || { cat "$work/iris.out"; echo "example: accuracy '$acc'"; exit 1; }
"$prefix/bin/nnact" info "$work/iris.nnm" | grep -q 'classes       3: setosa, versicolor, virginica' \
    || { echo "example: the saved model lacks its class names"; exit 1; }

mkdir -p "$work/cm"
cp "$src/tests/install/consumer.c" "$work/cm/"
cp "$src/tests/install/CMakeLists.txt.in" "$work/cm/CMakeLists.txt"
cmake -S "$work/cm" -B "$work/cm/build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_FLAGS="$extra" \
      -DCMAKE_BUILD_RPATH="$prefix/lib" >/dev/null
cmake --build "$work/cm/build" >/dev/null
"$work/cm/build/consumer_shared"
"$work/cm/build/consumer_static"

# libnnact_mpi, when this build has it: the installed files, a consumer built
# with pkg-config (nnact-mpi) and one with CMake (nnact::nnact_mpi), each run
# under mpirun at 2 ranks (the MPI tests' environment: loopback, as root)
if [ -e "$build/mpi/libnnact_mpi.so.1" ] && [ -z "$extra" ]; then
  for f in include/nnact/mpi.h lib/libnnact_mpi.so.1 lib/libnnact_mpi.so lib/pkgconfig/nnact-mpi.pc \
           lib/cmake/nnact/nnactMpiTargets.cmake; do
    [ -e "$prefix/$f" ] || { echo "missing after install: $f"; exit 1; }
  done
  mpirun=(mpirun --oversubscribe --mca btl self,vader -np 2)
  # shellcheck disable=SC2046
  $cc -std=c11 -o "$work/mpi_pc" "$src/tests/install/mpi_consumer.c" \
      $(pkg-config --cflags --libs nnact-mpi) -Wl,-rpath,"$prefix/lib"
  deps=$(ldd "$work/mpi_pc")
  grep -q "$prefix/lib/libnnact_mpi.so.1" <<< "$deps" || { echo "nnact-mpi consumer not linked to the installed .so"; exit 1; }
  timeout 30 "${mpirun[@]}" "$work/mpi_pc" | grep -q 'mpi consumer ok: 2 ranks'
  mkdir -p "$work/cmm"
  cp "$src/tests/install/mpi_consumer.c" "$work/cmm/"
  cp "$src/tests/install/CMakeLists_mpi.txt.in" "$work/cmm/CMakeLists.txt"
  cmake -S "$work/cmm" -B "$work/cmm/build" -DCMAKE_PREFIX_PATH="$prefix" \
        -DCMAKE_BUILD_RPATH="$prefix/lib" >/dev/null
  cmake --build "$work/cmm/build" >/dev/null
  timeout 30 "${mpirun[@]}" "$work/cmm/build/mpi_consumer" | grep -q 'mpi consumer ok: 2 ranks'
  echo "libnnact_mpi installed: pkg-config and CMake consumers ok under mpirun"
fi
echo "install + consumers: ok"
