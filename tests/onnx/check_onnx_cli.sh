#!/bin/sh
# nnact export / import / info FILE.onnx: a model with an input scaling and
# class names (tests/data/io_prep.nnm) goes to ONNX and back to the same
# model file byte for byte; --float exports import as the float rounding;
# PyTorch's fixtures describe and import; usage errors exit 2 with one line,
# data errors 1 naming the file.
#   check_onnx_cli.sh NNACT DATA_DIR WORK_DIR
set -u
nnact=$1 data=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
fails=0
check() { # check DESCRIPTION EXPECTED_RC COMMAND...
    what=$1 want=$2
    shift 2
    "$@" >"$work/out" 2>"$work/err"
    rc=$?
    if [ "$rc" != "$want" ]; then
        echo "FAIL: $what: exit $rc, want $want"; cat "$work/out" "$work/err"; fails=$((fails + 1))
    fi
}
grep_out() { # grep_out DESCRIPTION PATTERN FILE
    grep -q -- "$2" "$3" || { echo "FAIL: $1: no '$2' in:"; cat "$3"; fails=$((fails + 1)); }
}

check "export" 0 "$nnact" export "$data/io_prep.nnm" "$work/prep.onnx"
grep_out "export summary" "prep.onnx: 2 layers, 3 -> 3, double elements" "$work/out"
check "import" 0 "$nnact" import "$work/prep.onnx" "$work/prep.nnm"
cmp "$data/io_prep.nnm" "$work/prep.nnm" || { echo "FAIL: the round trip changed the model file"; fails=$((fails + 1)); }
# the summary lines show paths escaped (one line of plain text)
tab=$(printf '\t')
check "export to a name with a tab" 0 "$nnact" export "$data/io_prep.nnm" "$work/a${tab}b.onnx"
grep_out "export path escaped" 'a\\tb.onnx: 2 layers' "$work/out"
check "import from a name with a tab" 0 "$nnact" import "$work/a${tab}b.onnx" "$work/c${tab}d.nnm"
grep_out "import paths escaped" 'a\\tb.onnx: 2 layers, 3 -> 3, saved as .*c\\td.nnm$' "$work/out"
# .onnx in any case is described as ONNX
cp "$work/prep.onnx" "$work/PREP.ONNX"
check "info ONNX" 0 "$nnact" info "$work/PREP.ONNX"
grep_out "info ONNX opset" "opset         17" "$work/out"
check "info onnx" 0 "$nnact" info "$work/prep.onnx"
grep_out "info opset" "opset         17" "$work/out"
grep_out "info input" "input         x \[?, 3\]" "$work/out"
grep_out "info layers" "imports       yes, 2 dense layers" "$work/out"
# io_prep's third scale is the smallest subnormal: 0 in float, refused by name
check "export float, scale 0 in float" 1 "$nnact" export "$data/io_prep.nnm" "$work/prepf.onnx" --float
grep_out "float scale named" "scale\[2\] = 4.9406564584124654e-324 is 0 in float" "$work/err"
check "train" 0 "$nnact" train --hidden 3 --act gelu --epochs 2 --save "$work/gelu.nnm"
check "export gelu double" 1 "$nnact" export "$work/gelu.nnm" "$work/gelu.onnx"
grep_out "gelu refused" "layer 0 is gelu (erf).*float" "$work/err"
check "export float" 0 "$nnact" export "$work/gelu.nnm" "$work/gelu.onnx" --float
check "import float" 0 "$nnact" import "$work/gelu.onnx" "$work/gelu2.nnm"
check "info float" 0 "$nnact" info "$work/gelu2.nnm"
grep_out "float layers" "dense 2 -> 3  gelu" "$work/out"
check "info torch" 0 "$nnact" info "$data/onnx/celu_gelu_silu_mish_op15.onnx"
grep_out "torch layers" "0    dense 4 -> 6  celu alpha 1.25" "$work/out"
grep_out "torch gelu" "1    dense 6 -> 6  gelu" "$work/out"
grep_out "torch producer" "producer      pytorch" "$work/out"
check "import torch" 0 "$nnact" import "$data/onnx/matmul_add_relu_op17.onnx" "$work/t.nnm"
# usage errors: exit 2, one line
check "export no args" 2 "$nnact" export
check "export bad option" 2 "$nnact" export "$data/io_prep.nnm" "$work/x.onnx" --double
check "import one arg" 2 "$nnact" import "$work/prep.onnx"
[ "$(wc -l <"$work/err")" = 1 ] || { echo "FAIL: usage error is not one line"; fails=$((fails + 1)); }
# data errors: exit 1, naming the file
: >"$work/empty.onnx"
check "info empty onnx" 1 "$nnact" info "$work/empty.onnx"
grep_out "empty named" "empty.onnx.*no graph" "$work/err"
check "import a model file" 1 "$nnact" import "$data/io_five.nnm" "$work/y.nnm"
grep_out "import named" "io_five.nnm" "$work/err"
check "export missing" 1 "$nnact" export "$work/missing.nnm" "$work/x.onnx"
grep_out "export named" "missing.nnm" "$work/err"
check "export to a directory" 1 "$nnact" export "$data/io_prep.nnm" "$work"
[ "$fails" = 0 ] && echo "check_onnx_cli.sh: all passed"
exit $((fails > 0))
