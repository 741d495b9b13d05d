#!/usr/bin/python3
"""nnact-bench peer: hand-written backprop in numpy, in the classic tutorial
style (h = x.dot(w1) + b1; h_relu = np.maximum(h, 0); ... grad_w1 =
x.T.dot(grad_h); w1 -= learning_rate * grad_w1), float64, looped over layers."""
import sys

import peercommon as pc


def loadtxt_case(argv):
    """nnact-bench's data suite: numpy.loadtxt on a CSV file with a header line,
    timed `--repeat` times at one thread; the same one-line JSON protocol, with
    the file's MB/s added: --loadtxt FILE [--repeat N]."""
    import json
    import os
    import time
    path = argv[argv.index("--loadtxt") + 1]
    repeat = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 5
    pc.set_thread_env(1)
    import numpy as np  # noqa: E402
    print(json.dumps({"peer": "numpy", "version": np.__version__, "threads": 1, "blas": "-"}))
    times = []
    for _ in range(max(repeat, 1)):
        t0 = time.perf_counter()
        a = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float64)
        times.append(time.perf_counter() - t0)
    times.sort()
    size = os.path.getsize(path)
    med = times[len(times) // 2]
    print(json.dumps({"case": "data/loadtxt", "shape": "%dx%d" % a.shape, "batch": a.shape[0],
                      "median_s": med, "min_s": times[0], "max_s": times[-1],
                      "mb_s": size / 1e6 / med}))
    sys.stdout.flush()
    return 0


def act_main(argv):
    """nnact-bench's act suite (peercommon.act_case): numpy's own ufuncs where
    it has one for the function -- maximum (ReLU), tanh, logaddexp(0, x)
    (softplus) -- writing into a preallocated array."""
    threads = int(argv[argv.index("--threads") + 1]) if "--threads" in argv else 1
    pc.set_thread_env(threads)
    import numpy as np  # noqa: E402
    own = {
        "relu": lambda x, y: np.maximum(x, 0.0, out=y),
        "tanh": lambda x, y: np.tanh(x, out=y),
        "softplus": lambda x, y: np.logaddexp(0.0, x, out=y),
    }

    def setup(kind, n):
        if kind not in own:
            return None
        x = np.random.default_rng(7).uniform(-6.0, 6.0, n)
        y = np.empty(n)
        f = own[kind]
        return (lambda: f(x, y)), (lambda: x[:997].tolist()), (lambda: y[:997].tolist())

    return pc.act_case("numpy", np.__version__, threads, argv, setup)


if "--loadtxt" in sys.argv:
    sys.exit(loadtxt_case(sys.argv))
if "--act" in sys.argv:
    sys.exit(act_main(sys.argv))

a = pc.arguments("numpy")
pc.set_thread_env(a.threads)
import numpy as np  # noqa: E402  (after the thread variables)


def act(kind, z):
    if kind == "relu":
        return np.maximum(z, 0)
    if kind == "tanh":
        return np.tanh(z)
    if kind == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    return z


def act_grad(kind, y, g):
    """g * f'(z), written from the layer's output y as the tutorials do."""
    if kind == "relu":
        g = g.copy()
        g[y <= 0] = 0
        return g
    if kind == "tanh":
        return g * (1 - y * y)
    if kind == "sigmoid":
        return g * y * (1 - y)
    return g


def make(n_in, layers, batch, opt):
    rng = np.random.default_rng(7)
    x = pc.uniform(rng, (batch, n_in), -1.0, 1.0)
    t = pc.uniform(rng, (batch, layers[-1][0]), 0.0, 1.0)
    W, b, kinds = [], [], []
    fan_in = n_in
    for n, kind in layers:
        lim = np.sqrt(6.0 / (fan_in + n))
        W.append(pc.uniform(rng, (fan_in, n), -lim, lim))
        b.append(pc.uniform(rng, (n,), -0.1, 0.1))
        kinds.append(kind)
        fan_in = n
    lr = pc.LR[opt]
    b1, b2, eps = 0.9, 0.999, 1e-8
    mW = [np.zeros_like(w) for w in W]
    vW = [np.zeros_like(w) for w in W]
    mb = [np.zeros_like(v) for v in b]
    vb = [np.zeros_like(v) for v in b]
    state = {"t": 0}

    def forward():
        hs = [x]
        h = x
        for w, bias, kind in zip(W, b, kinds):
            h = act(kind, h.dot(w) + bias)
            hs.append(h)
        return hs

    def loss_of():
        y = forward()[-1]
        return 0.5 * np.square(y - t).sum()

    def gradients():
        hs = forward()
        y = hs[-1]
        loss = 0.5 * np.square(y - t).sum()
        grad = act_grad(kinds[-1], y, y - t)
        gW, gb = [None] * len(W), [None] * len(W)
        for i in reversed(range(len(W))):
            gW[i] = hs[i].T.dot(grad)
            gb[i] = grad.sum(axis=0)
            if i > 0:
                grad = act_grad(kinds[i - 1], hs[i], grad.dot(W[i].T))
        return loss, gW, gb

    def step():
        loss, gW, gb = gradients()
        if opt == "sgd":
            for i in range(len(W)):
                W[i] -= lr * gW[i]
                b[i] -= lr * gb[i]
        else:
            state["t"] += 1
            k = state["t"]
            c1, c2 = 1 - b1 ** k, 1 - b2 ** k
            for p, g, m, v in list(zip(W, gW, mW, vW)) + list(zip(b, gb, mb, vb)):
                m *= b1
                m += (1 - b1) * g
                v *= b2
                v += (1 - b2) * g * g
                p -= (lr / c1) * m / (np.sqrt(v) / np.sqrt(c2) + eps)
        return loss

    def check():
        # one weight of the first layer and one bias of the last, against a
        # centered difference
        _, gW, gb = gradients()
        h = 1e-6
        for arr, g in ((W[0], gW[0]), (b[-1], gb[-1])):
            idx = (0,) * arr.ndim
            old = arr[idx]
            arr[idx] = old + h
            lp = loss_of()
            arr[idx] = old - h
            lm = loss_of()
            arr[idx] = old
            num = (lp - lm) / (2 * h)
            if abs(num - g[idx]) > 1e-5 * max(1.0, abs(num)):
                return "gradient %.9g vs finite difference %.9g" % (g[idx], num)
        return None

    return step, check


sys.exit(pc.run("numpy", np.__version__, a.threads, make, a.repeat, a))
