#!/bin/sh
# Builds the libFuzzer harnesses with Debian's clang (-fsanitize=fuzzer,address,
# undefined) and runs each for a bounded number of executions from the seed
# corpus, after replaying every regression file. Exits nonzero on any finding.
# Each harness has its seeds, dictionary and regression files: fuzz_load and
# fuzz_roundtrip (model files) tests/fuzz/corpus, nnact.dict and
# tests/data/io_regress_*; fuzz_data (the table reader) tests/fuzz/corpus_data,
# data.dict and tests/data/data_regress_*; fuzz_args (the CLI's option
# rules) tests/fuzz/corpus_args, no dictionary; fuzz_onnx (the ONNX reader
# and importer) tests/fuzz/corpus_onnx, onnx.dict and tests/data/onnx_regress_*,
# for half of RUNS (NNACT_FUZZ_ONNX_RUNS overrides): each of its inputs
# also re-exports and re-imports what it read, so it runs slower.
#
#   tests/fuzz/run.sh [RUNS]        RUNS per harness, default 1000000 (minimum 100000
#                                   unless NNACT_FUZZ_ALLOW_SHORT=1, for quick local tries)
# Environment: CC (default clang), NNACT_FUZZ_DIR (build and work directory,
# default build-fuzz in the source tree), NNACT_FUZZ_SEED (default 1),
# NNACT_FUZZ_MAX_LEN (longest input tried, default 65536 bytes: room for
# models with many layers and checkpoints with optimizer state).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${1:-1000000}
if [ "$runs" -lt 100000 ] && [ "${NNACT_FUZZ_ALLOW_SHORT:-0}" != 1 ]; then
    echo "run.sh: at least 100000 runs per harness (got $runs)" >&2
    exit 2
fi
cc=${CC:-clang}
out=${NNACT_FUZZ_DIR:-$root/build-fuzz}
seed=${NNACT_FUZZ_SEED:-1}
max_len=${NNACT_FUZZ_MAX_LEN:-65536}
mkdir -p "$out/obj"

if ! command -v "$cc" >/dev/null 2>&1; then
    echo "run.sh: $cc not found (Debian package clang)" >&2
    exit 2
fi

san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
cflags="-std=c11 -O1 -g -D_POSIX_C_SOURCE=200809L -I$root/include -I$root/src"
libs="$(pkg-config --libs openblas lapacke sleef) -lm -lpthread"

# The library, instrumented for coverage but without libFuzzer's main.
objs=""
for src in $(cd "$root" && find src -name '*.c' ! -path 'src/cli/*' | sort); do
    obj="$out/obj/$(echo "$src" | tr '/' '_').o"
    if [ ! -f "$obj" ] || [ "$root/$src" -nt "$obj" ] || [ -n "$(find "$root/include" "$root/src" -name '*.h' -newer "$obj" | head -1)" ]; then
        # the AVX2 files get their ISA flags as in CMake (src/act, src/optim CMakeLists)
        extra=""
        case "$src" in
            */optim_avx2.c) extra="-mavx2 -ffp-contract=off" ;;
            *_avx2.c | *_avx2_*.c) extra="-mavx2 -mfma" ;;
        esac
        "$cc" $cflags $extra $san -fsanitize=fuzzer-no-link -c "$root/$src" -o "$obj"
    fi
    objs="$objs $obj"
done

status=0
for h in ${NNACT_FUZZ_HARNESSES:-fuzz_load fuzz_roundtrip fuzz_data fuzz_args fuzz_onnx}; do
    hruns=$runs
    case "$h" in
    fuzz_onnx) corpus="$here/corpus_onnx" dict="$here/onnx.dict" prefix=onnx_regress_
        hruns=${NNACT_FUZZ_ONNX_RUNS:-$((runs / 2))} ;;
    fuzz_data) corpus="$here/corpus_data" dict="$here/data.dict" prefix=data_regress_ ;;
    fuzz_args) corpus="$here/corpus_args" dict="" prefix=args_regress_ ;;
    *) corpus="$here/corpus" dict="$here/nnact.dict" prefix=io_regress_ ;;
    esac
    "$cc" $cflags $san -fsanitize=fuzzer "$here/$h.c" $objs $libs -o "$out/$h"
    # Regression files first: each must run clean.
    regress=$(find "$root/tests/data" -name "$prefix*" 2>/dev/null | sort)
    if [ -n "$regress" ]; then
        # shellcheck disable=SC2086
        "$out/$h" $regress >"$out/$h.regress.log" 2>&1 || {
            echo "run.sh: $h fails a regression file (see $out/$h.regress.log)" >&2
            status=1
        }
    fi
    # A fresh working corpus from the committed seeds, so runs are repeatable.
    rm -rf "$out/corpus_$h" && mkdir -p "$out/corpus_$h" "$out/artifacts"
    cp "$corpus"/* "$out/corpus_$h/"
    start=$(date +%s)
    if "$out/$h" -runs="$hruns" -seed="$seed" ${dict:+-dict="$dict"} -max_len="$max_len" \
        -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=64 -print_final_stats=1 \
        -artifact_prefix="$out/artifacts/$h-" "$out/corpus_$h" >"$out/$h.log" 2>&1; then
        execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$h.log")
        cov=$(grep -o 'cov: [0-9]*' "$out/$h.log" | tail -1)
        echo "$h: $execs executions in $(( $(date +%s) - start )) s, $cov, no finding"
    else
        echo "run.sh: $h FOUND A PROBLEM (log $out/$h.log, input in $out/artifacts/);" >&2
        echo "        copy the input to tests/data/$prefix<name> once fixed" >&2
        tail -40 "$out/$h.log" >&2
        status=1
    fi
done
exit $status
