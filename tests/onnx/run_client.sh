#!/bin/sh
# Runs one real ONNX client over the models onnx_gen wrote:
#   run_client.sh ort DIR      ONNX Runtime (npm's onnxruntime-node) under node
#   run_client.sh checker DIR  onnx.checker.check_model(full_check=True), Debian's python3-onnx
# onnxruntime-node is looked for in $NNACT_ORT_PREFIX/node_modules (the npm
# --prefix .ci/test installs it into), then on node's own path. A missing
# tool exits 77 (CTest: skipped) for a local build, but 1 when
# NNACT_REQUIRE_CLIENTS=1 (set by .ci/test): CI never skips these.
set -u
here=$(cd "$(dirname "$0")" && pwd)
missing() {
    echo "run_client.sh: $1" >&2
    if [ "${NNACT_REQUIRE_CLIENTS:-0}" = 1 ]; then
        echo "run_client.sh: NNACT_REQUIRE_CLIENTS=1: a missing client is a failure" >&2
        exit 1
    fi
    echo "run_client.sh: skipped (set NNACT_REQUIRE_CLIENTS=1 to make this a failure)" >&2
    exit 77
}
case "$1" in
ort)
    command -v node >/dev/null 2>&1 || missing "node not found (Debian package nodejs)"
    if [ -n "${NNACT_ORT_PREFIX:-}" ]; then
        NODE_PATH="$NNACT_ORT_PREFIX/node_modules${NODE_PATH:+:$NODE_PATH}"
        export NODE_PATH
    fi
    node -e "require('onnxruntime-node')" >/dev/null 2>&1 ||
        missing "onnxruntime-node not found (npm install --ignore-scripts --prefix DIR onnxruntime-node; NNACT_ORT_PREFIX=DIR)"
    exec node "$here/ort_check.js" "$2"
    ;;
checker)
    py=${NNACT_PYTHON:-/usr/bin/python3}
    "$py" -c 'import onnx' >/dev/null 2>&1 || missing "$py cannot import onnx (Debian package python3-onnx)"
    exec "$py" "$here/check_models.py" "$2"
    ;;
esac
echo "usage: run_client.sh ort|checker DIR" >&2
exit 2
