#!/usr/bin/python3
"""Writes tests/data/net_torch.txt: random multi-layer networks (every
activation, every loss) with their forward output, loss and gradients computed
by PyTorch float64 autograd -- an implementation independent of libnnact.

Run once with Debian's Python (python3-torch, python3-numpy):
    /usr/bin/python3 tests/gen_net_fixtures.py
The output is committed; the tests read it and need no Python.

Format (whitespace-separated tokens, numbers as %.17g, `nan` = default parameter):
    case NAME
    net N_IN N_LAYERS BATCH
    layer N_OUT ACT_NAME ALPHA HAS_BIAS        (one per layer)
    loss LOSS_NAME PARAM
    W l COUNT v...      b l COUNT v...          (parameters, per layer; b only with bias)
    x COUNT v...        t COUNT v...
    y COUNT v...        L v                     (forward output, loss)
    dx COUNT v...       dW l COUNT v...   db l COUNT v...
    end
"""
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

class TanhShrink(torch.autograd.Function):
    """x - tanh x with its derivative written as tanh(x)^2 (no cancellation)."""

    @staticmethod
    def forward(ctx, z):
        t = torch.tanh(z)
        ctx.save_for_backward(t)
        return z - t

    @staticmethod
    def backward(ctx, g):
        (t,) = ctx.saved_tensors
        return g * t * t


# name -> (function of (z, alpha resolved), default alpha or None, kinks to avoid)
ACTS = {
    "identity": (lambda z, a: z, None, []),
    "sigmoid": (lambda z, a: torch.sigmoid(z), None, []),
    "tanh": (lambda z, a: torch.tanh(z), None, []),
    "relu": (lambda z, a: F.relu(z), None, [0.0]),
    "leaky_relu": (lambda z, a: F.leaky_relu(z, a), 0.01, [0.0]),
    "bent_identity": (lambda z, a: (torch.sqrt(z * z + 1) - 1) / 2 + z, None, []),
    "sinusoid": (lambda z, a: torch.sin(z), None, []),
    "elu": (lambda z, a: F.elu(z, a), 1.0, [0.0]),
    "selu": (lambda z, a: F.selu(z), None, [0.0]),
    # written out: PyTorch 1.13's F.celu differentiates with 1/alpha rounded to
    # float32 (relative error ~1e-8 in float64 for alpha != 1)
    "celu": (lambda z, a: torch.where(z > 0, z, a * torch.expm1(z / a)), 1.0, [0.0]),
    "gelu": (lambda z, a: F.gelu(z), None, []),
    "gelu_tanh": (lambda z, a: F.gelu(z, approximate="tanh"), None, []),
    "silu": (lambda z, a: F.silu(z), None, []),
    "mish": (lambda z, a: F.mish(z), None, []),
    # libnnact's softplus has no linear cut-over: an unreachable threshold
    "softplus": (lambda z, a: F.softplus(z, beta=a, threshold=1e300), 1.0, []),
    "softsign": (lambda z, a: F.softsign(z), None, []),
    # written out: PyTorch 1.13's hardsigmoid backward uses the float32 constant 1.0f/6
    "hard_sigmoid": (lambda z, a: F.relu6(z + 3) / 6, None, [-3.0, 3.0]),
    "hard_tanh": (lambda z, a: F.hardtanh(z), None, [-1.0, 1.0]),
    "hard_swish": (lambda z, a: F.hardswish(z), None, [-3.0, 3.0]),
    "relu6": (lambda z, a: F.relu6(z), None, [0.0, 6.0]),
    "log_sigmoid": (lambda z, a: F.logsigmoid(z), None, []),
    "gaussian": (lambda z, a: torch.exp(-z * z), None, []),
    "cos": (lambda z, a: torch.cos(z), None, []),
    # custom: PyTorch 1.13 differentiates tanhshrink as 1 - (1 - tanh^2), which
    # cancels for small z; the exact derivative is tanh^2
    "tanhshrink": (lambda z, a: TanhShrink.apply(z), None, []),
    "softshrink": (lambda z, a: F.softshrink(z, a), 0.5, ["a"]),
    "hardshrink": (lambda z, a: F.hardshrink(z, a), 0.5, ["a"]),
}
ORDER = list(ACTS)  # the catalogue order of nnact_act_kind
# explicit, non-default parameters for some layers
ALT_ALPHA = {"leaky_relu": 0.2, "elu": 0.7, "celu": 1.3, "softplus": 2.0, "softshrink": 0.3,
             "hardshrink": 0.25}

LOSSES = ["half_sse", "mse", "bce_logits", "softmax_ce", "mae", "huber", "softmax_ce_index"]


def loss_fn(name, param, y, t):
    if name == "half_sse":
        return 0.5 * ((y - t) ** 2).sum()
    if name == "mse":
        return F.mse_loss(y, t)
    if name == "bce_logits":
        return F.binary_cross_entropy_with_logits(y, t)
    if name == "softmax_ce":
        return F.cross_entropy(y, t)  # probability targets, mean over rows
    if name == "mae":
        return F.l1_loss(y, t)
    if name == "huber":
        return F.huber_loss(y, t, delta=1.0 if math.isnan(param) else param)
    if name == "softmax_ce_index":
        return F.cross_entropy(y, t.long())
    raise ValueError(name)


def near_kink(kinks, alpha, z):
    for k in kinks:
        if k == "a":
            pts = [alpha, -alpha]
        else:
            pts = [k]
        for p in pts:
            if (z - p).abs().min().item() < 1e-3:
                return True
    return False


def fmt(values):
    flat = [float(v) for v in np.asarray(values, dtype=np.float64).ravel()]
    return str(len(flat)) + " " + " ".join("%.17g" % v for v in flat)


def make_case(rng, idx, acts, loss, out):
    while True:
        n_in = int(rng.randint(1, 7))
        batch = int(rng.randint(1, 6))
        widths = [int(rng.randint(1, 9)) for _ in acts]
        n_out = int(rng.randint(2, 5))
        layers = []  # (n_out, act, alpha written, alpha resolved, bias)
        for w, a in zip(widths, acts):
            default = ACTS[a][1]
            alt = ALT_ALPHA.get(a)
            if alt is not None and rng.rand() < 0.5:
                written, resolved = alt, alt
            else:
                written, resolved = float("nan"), default
            layers.append((w, a, written, resolved, bool(rng.rand() < 0.75)))
        layers.append((n_out, "identity", float("nan"), None, bool(rng.rand() < 0.5)))
        params = []
        fan_in = n_in
        for (w, a, _, _, bias) in layers:
            W = torch.tensor(rng.uniform(-1.2, 1.2, (fan_in, w)), requires_grad=True)
            b = torch.tensor(rng.uniform(-0.5, 0.5, w), requires_grad=True) if bias else None
            params.append((W, b))
            fan_in = w
        x = torch.tensor(rng.uniform(-2, 2, (batch, n_in)), requires_grad=True)
        if loss in ("bce_logits", "softmax_ce"):
            t = torch.tensor(rng.uniform(0, 1, (batch, n_out)))
            if loss == "softmax_ce" and rng.rand() < 0.5:  # one-hot rows
                t = F.one_hot(torch.tensor(rng.randint(0, n_out, batch)), n_out).double()
        elif loss == "softmax_ce_index":
            t = torch.tensor(rng.randint(0, n_out, batch)).double()
        else:
            t = torch.tensor(rng.uniform(-1.5, 1.5, (batch, n_out)))
        param = float("nan")
        if loss == "huber" and (idx // len(LOSSES)) % 2 == 0:
            param = 0.4
        # forward, checking no pre-activation sits at a kink
        h = x
        ok = True
        for (W, b), (w, a, _, alpha, bias) in zip(params, layers):
            z = h @ W
            if b is not None:
                z = z + b
            if near_kink(ACTS[a][2], alpha, z.detach()):
                ok = False
            h = ACTS[a][0](z, alpha)
        y = h
        r = (y - t).detach() if loss not in ("softmax_ce_index",) else None
        if loss == "mae" and r.abs().min().item() < 1e-3:
            ok = False
        if loss == "huber":
            d = 1.0 if math.isnan(param) else param
            if (r.abs() - d).abs().min().item() < 1e-3:
                ok = False
        if not ok:
            continue
        L = loss_fn(loss, param, y, t)
        L.backward()
        out.write("case torch_%02d\n" % idx)
        out.write("net %d %d %d\n" % (n_in, len(layers), batch))
        for (w, a, written, _, bias) in layers:
            out.write("layer %d %s %s %d\n" % (w, a, "nan" if math.isnan(written) else "%.17g" % written,
                                             1 if bias else 0))
        out.write("loss %s %s\n" % (loss, "nan" if math.isnan(param) else "%.17g" % param))
        for l, (W, b) in enumerate(params):
            out.write("W %d %s\n" % (l, fmt(W.detach().numpy())))
            if b is not None:
                out.write("b %d %s\n" % (l, fmt(b.detach().numpy())))
        out.write("x %s\n" % fmt(x.detach().numpy()))
        out.write("t %s\n" % fmt(t.numpy()))
        out.write("y %s\n" % fmt(y.detach().numpy()))
        out.write("L %.17g\n" % L.item())
        out.write("dx %s\n" % fmt(x.grad.numpy()))
        for l, (W, b) in enumerate(params):
            out.write("dW %d %s\n" % (l, fmt(W.grad.numpy())))
            if b is not None:
                out.write("db %d %s\n" % (l, fmt(b.grad.numpy())))
        out.write("end\n")
        return


def main():
    rng = np.random.RandomState(20261125)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "net_torch.txt")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    cases = []
    # every activation twice (once with a non-default parameter where it has one),
    # two or three per network; every loss several times
    acts = ORDER + ORDER
    i = 0
    while i < len(acts):
        k = 2 + (i // 2) % 2
        cases.append(acts[i:i + k])
        i += k
    with open(path, "w") as out:
        out.write("# PyTorch %s float64 autograd fixtures, written by tests/gen_net_fixtures.py\n"
                  % torch.__version__)
        out.write("cases %d\n" % len(cases))
        for idx, group in enumerate(cases):
            make_case(rng, idx, group, LOSSES[idx % len(LOSSES)], out)
    print("wrote", path, len(cases), "cases")


if __name__ == "__main__":
    main()
