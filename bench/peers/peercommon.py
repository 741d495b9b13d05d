"""Shared by the nnact-bench peers: the networks, the command line, the timing
loop and the one-line JSON output. Same workloads as nnact-bench's train
suite: half sum-of-squares loss, Glorot-uniform weights, inputs in [-1, 1],
targets in [0, 1], SGD lr 1e-5, Adam lr 1e-4 (PyTorch's defaults otherwise).

Protocol (read by nnact-bench and bench/compare): the first line is
{"peer": ..., "version": ..., "threads": N, "blas": ...}; then one line per
case, {"case", "shape", "batch", "median_s", "min_s", "max_s"} or
{"case", "error"}. Exit status 0 when the header was printed."""

import argparse
import fnmatch
import json
import math
import os
import sys
import time

NETS = [
    # name, inputs, [(outputs, activation)], batch
    ("xor", 2, [(2, "tanh"), (1, "sigmoid")], 4),
    ("id3", 3, [(4, "identity"), (10, "identity"), (1, "identity")], 4),
    ("relu64", 64, [(64, "relu"), (64, "relu"), (10, "identity")], 64),
    ("relu784", 784, [(1024, "relu"), (1024, "relu"), (10, "identity")], 256),
]
LR = {"sgd": 1e-5, "adam": 1e-4}
ACTS = ("identity", "relu", "tanh", "sigmoid")


def parse_spec(text, batch):
    """'784-1024:relu-1024:relu-10' -> (inputs, [(outputs, act)]), as nnact-bench."""
    parts = text.split("-")
    n_in = int(parts[0])
    layers = []
    for i, p in enumerate(parts[1:]):
        size, _, act = p.partition(":")
        if not act:
            act = "identity" if i == len(parts) - 2 else "relu"
        if act not in ACTS:
            raise ValueError("activation %r not implemented by the peers" % act)
        layers.append((int(size), act))
    if n_in <= 0 or not layers or any(n <= 0 for n, _ in layers):
        raise ValueError("bad spec %r" % text)
    return n_in, layers


def arguments(peer):
    ap = argparse.ArgumentParser(description="nnact-bench peer: " + peer)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=11)
    ap.add_argument("--case", action="append", default=[],
                    help="glob on NET/OPT (default: all)")
    ap.add_argument("--net", action="append", default=[])
    ap.add_argument("--batch", type=int, default=64)
    a = ap.parse_args()
    if a.threads < 1 or a.repeat < 1 or a.batch < 1:
        ap.error("--threads, --repeat and --batch must be positive")
    return a


def set_thread_env(n):
    """Before importing numpy/torch: the BLAS and OpenMP pools read these."""
    for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[k] = str(n)


def cases(a):
    nets = [(name, n_in, layers, batch, None) for name, n_in, layers, batch in NETS]
    for i, s in enumerate(a.net):
        try:
            n_in, layers = parse_spec(s, a.batch)
            nets.append(("net%d" % (i + 1), n_in, layers, a.batch, None))
        except ValueError as e:  # reported per case, as a failure of this peer
            nets.append(("net%d" % (i + 1), 0, [], a.batch, str(e)))
    for name, n_in, layers, batch, err in nets:
        for opt in ("sgd", "adam"):
            case = "%s/%s" % (name, opt)
            if a.case and not any(fnmatch.fnmatch(case, g) for g in a.case):
                continue
            shape = "-".join(str(v) for v in [n_in] + [n for n, _ in layers])
            yield case, shape, n_in, layers, batch, opt, err


def time_step(step, repeat):
    """Same method as nnact-bench: two warm-up calls, then `repeat` samples,
    each repeating the call until it lasts >= 1 ms; median/min/max per call."""
    t0 = time.perf_counter()
    step()
    once = time.perf_counter() - t0
    t0 = time.perf_counter()
    step()
    once = min(once, time.perf_counter() - t0)
    inner = 1 if once >= 1e-3 else int(1e-3 / max(once, 1e-9)) + 1
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(inner):
            step()
        samples.append((time.perf_counter() - t0) / inner)
    samples.sort()
    n = len(samples)
    med = samples[n // 2] if n % 2 else 0.5 * (samples[n // 2 - 1] + samples[n // 2])
    return med, samples[0], samples[-1]


def loaded_blas():
    """The BLAS library actually mapped into this process."""
    found = []
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                p = line.split()[-1]
                if "openblas" in p or "libblas" in p or "mkl" in p:
                    found.append(os.path.basename(p))
    except OSError:
        pass
    found.sort(key=lambda n: "openblas" not in n)
    return found[0] if found else "unknown"


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def run(peer, version, threads, make, repeat, a):
    """make(n_in, layers, batch, opt) -> (step, check); check() returns None
    when the peer's own gradient agrees with a finite difference, else why."""
    emit({"peer": peer, "version": version, "threads": threads, "blas": loaded_blas()})
    for case, shape, n_in, layers, batch, opt, err in cases(a):
        rec = {"case": case, "shape": shape, "batch": batch}
        if err is not None:
            rec["error"] = err
            emit(rec)
            continue
        try:
            step, check = make(n_in, layers, batch, opt)
            why = check()
            if why is not None:
                rec["error"] = "check failed: " + why
            else:
                med, mn, mx = time_step(step, repeat)
                rec.update(median_s=med, min_s=mn, max_s=mx)
        except Exception as e:  # a failing case is reported, never timed
            rec["error"] = "%s: %s" % (type(e).__name__, e)
        emit(rec)
    return 0


def uniform(rng, shape, lo, hi):
    return rng.uniform(lo, hi, size=shape)


# ---- nnact-bench's act suite: the peer's own elementwise functions ----------

# The same functions as libnnact's kinds, in Python's math module: the check
# that a peer's function is the one compared (the default parameters:
# leaky_relu 0.01, softplus beta 1).
ACT_REFERENCE = {
    "relu": lambda x: x if x > 0 else 0.0,
    "leaky_relu": lambda x: x if x > 0 else 0.01 * x,
    "sigmoid": lambda x: 1.0 / (1.0 + math.exp(-x)),
    "tanh": math.tanh,
    "gelu": lambda x: 0.5 * x * (1.0 + math.erf(x / math.sqrt(2.0))),
    "silu": lambda x: x / (1.0 + math.exp(-x)),
    "softplus": lambda x: math.log1p(math.exp(x)),
}


def act_case(peer, version, threads, argv, setup):
    """nnact-bench's act suite: --act KIND[,KIND...] --n N [--repeat R]. For
    each kind, the peer's own implementation (setup(kind, n) -> (call, xs,
    ys) or None when the peer has none: call() writes f(x) for n doubles
    uniform in [-6, 6]; xs() and ys() the first inputs and outputs as
    floats), checked against ACT_REFERENCE to 1e-12, then timed as the train
    cases are. One line per kind: {"case": "act/KIND/forward", ...} with
    median_s, or with "error"."""
    kinds = argv[argv.index("--act") + 1].split(",")
    n = int(argv[argv.index("--n") + 1])
    repeat = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 5
    emit({"peer": peer, "version": version, "threads": threads, "blas": "-"})
    for kind in kinds:
        rec = {"case": "act/%s/forward" % kind, "shape": "n=%d" % n, "batch": 1}
        try:
            made = setup(kind, n) if kind in ACT_REFERENCE else None
            if made is None:
                rec["error"] = "no own implementation of %s" % kind
                emit(rec)
                continue
            call, xs, ys = made
            call()
            for x, y in zip(xs(), ys()):
                want = ACT_REFERENCE[kind](x)
                if not abs(y - want) <= 1e-12 * (abs(want) + 1.0):
                    raise ValueError("f(%r) = %r, expected %r" % (x, y, want))
            med, mn, mx = time_step(call, repeat)
            rec.update(median_s=med, min_s=mn, max_s=mx)
        except Exception as e:  # a failing kind is reported, never timed
            rec["error"] = "%s: %s" % (type(e).__name__, e)
        emit(rec)
    return 0
