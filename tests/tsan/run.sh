#!/usr/bin/env bash
# ThreadSanitizer stage: builds the library and its thread tests with clang
# -fsanitize=thread and runs them. The tests link libnnact.a, and clang links
# its static TSan runtime by default: the shared runtime crashes at start-up
# on Debian 12 (libquadmath's constructor calls calloc before the runtime is
# initialised). OpenBLAS is not instrumented: its own threads are invisible to
# TSan, and tsan.supp is where an OpenBLAS-internal report would be
# suppressed (none is needed today; see the file).
#
#   tests/tsan/run.sh BUILD_DIR
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:?usage: run.sh BUILD_DIR}
tests=(test_core test_net_threads test_net_stress test_par)

CC=clang cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" -DNNACT_BUILD_BENCH=OFF >/dev/null || exit 1
cmake --build "$build" -j "$(nproc)" --target "${tests[@]}" >"$build/build.log" 2>&1 || {
  tail -30 "$build/build.log"; echo "tsan: build failed"; exit 1; }

passed=0 failed=0
for t in "${tests[@]}"; do
  log="$build/tsan-$t.log"
  # a report ends the program with exitcode 66; a hang is a failure too
  if TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 suppressions=$here/tsan.supp" \
     timeout 300 "$build/tests/$t" >"$log" 2>&1; then
    passed=$((passed + 1)); echo "tsan $t: clean"
  else
    failed=$((failed + 1)); echo "tsan $t: FINDING or failure (exit $?, log $log)"; tail -40 "$log"
  fi
done
echo "tsan: $passed clean, $failed with findings"
[ $failed -eq 0 ]
