#!/usr/bin/python3
"""Fixtures for the optim/init/train tests, made once with Debian's python3-torch
(torch 1.13, float64) and committed under tests/data/optim_*.  Run from the
repository root with /usr/bin/python3 (the pyenv python3 has no torch):

    /usr/bin/python3 tests/gen_optim_fixtures.py

Every number is written with repr(), which round-trips exactly through strtod.
Tests never need Python.
"""
import math
import os
import sys

import mpmath
import numpy as np
import torch

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")

# nnact_opt_kind / nnact_opt_param values (include/nnact/optim.h)
SGD, MOMENTUM, NESTEROV, ADAGRAD, RMSPROP, ADAM, ADAMW = range(7)
(LR, MOM, BETA1, BETA2, EPS, ALPHA, WD, DAMP, LR_DECAY, INIT_ACC, CENTERED, AMSGRAD,
 CLIP_NORM, CLIP_VALUE) = range(14)
STEPS = 50


def r(x):
    return repr(float(x))


def make_torch_opt(kind, params, sets):
    """torch optimizer for our kind + overrides. Parameters we leave unset keep
    torch's default, except where our kind fixes one (momentum of MOMENTUM and
    NESTEROV, whose torch default 0 is not momentum); so the trajectories also
    check that our defaults are torch's."""
    s = dict(sets)
    if kind in (SGD, MOMENTUM, NESTEROV):
        kw = dict(lr=s[LR], weight_decay=s.get(WD, 0.0))
        if kind != SGD:
            kw["momentum"] = s[MOM]
            kw["dampening"] = s.get(DAMP, 0.0)
            kw["nesterov"] = kind == NESTEROV
        return torch.optim.SGD(params, foreach=False, **kw)
    kw = {}
    names = {LR: "lr", EPS: "eps", WD: "weight_decay", ALPHA: "alpha", MOM: "momentum",
             LR_DECAY: "lr_decay", INIT_ACC: "initial_accumulator_value"}
    for k, v in s.items():
        if k in names:
            kw[names[k]] = v
    if CENTERED in s:
        kw["centered"] = bool(s[CENTERED])
    if AMSGRAD in s:
        kw["amsgrad"] = bool(s[AMSGRAD])
    if BETA1 in s or BETA2 in s:
        kw["betas"] = (s.get(BETA1, 0.9), s.get(BETA2, 0.999))
    cls = {ADAGRAD: torch.optim.Adagrad, RMSPROP: torch.optim.RMSprop,
           ADAM: torch.optim.Adam, ADAMW: torch.optim.AdamW}[kind]
    return cls(params, foreach=False, **kw)


def clip(params, sets):
    s = dict(sets)
    if CLIP_VALUE in s:
        torch.nn.utils.clip_grad_value_(params, s[CLIP_VALUE])
    if CLIP_NORM in s:
        torch.nn.utils.clip_grad_norm_(params, s[CLIP_NORM])


# Two or more settings per optimizer; the second ones change every knob the kind has.
CASES = [
    ("sgd_lr", SGD, [(LR, 0.05)]),
    ("sgd_wd", SGD, [(LR, 0.02), (WD, 0.1)]),
    ("sgd_clip_norm", SGD, [(LR, 0.05), (CLIP_NORM, 0.5)]),
    ("momentum_09", MOMENTUM, [(LR, 0.02), (MOM, 0.9)]),
    ("momentum_damp_wd", MOMENTUM, [(LR, 0.05), (MOM, 0.5), (DAMP, 0.3), (WD, 0.01)]),
    ("nesterov_09", NESTEROV, [(LR, 0.02), (MOM, 0.9)]),
    ("nesterov_wd", NESTEROV, [(LR, 0.01), (MOM, 0.7), (WD, 0.05)]),
    ("adagrad_default", ADAGRAD, [(LR, 0.1)]),
    ("adagrad_all", ADAGRAD, [(LR, 0.5), (LR_DECAY, 0.01), (INIT_ACC, 0.1), (WD, 0.01),
                              (EPS, 1e-6)]),
    ("rmsprop_default", RMSPROP, []),
    ("rmsprop_centered_mom", RMSPROP, [(LR, 0.01), (ALPHA, 0.9), (EPS, 1e-6), (WD, 0.01),
                                       (MOM, 0.5), (CENTERED, 1)]),
    ("rmsprop_momentum", RMSPROP, [(LR, 0.005), (MOM, 0.9)]),
    ("adam_lr", ADAM, [(LR, 0.05)]),
    ("adam_amsgrad_all", ADAM, [(LR, 0.1), (BETA1, 0.8), (BETA2, 0.99), (EPS, 1e-6), (WD, 0.02),
                                (AMSGRAD, 1)]),
    ("adam_clip_value", ADAM, [(LR, 0.05), (CLIP_VALUE, 0.3)]),
    ("adamw_lr", ADAMW, [(LR, 0.05)]),
    ("adamw_amsgrad_wd", ADAMW, [(LR, 0.1), (BETA1, 0.5), (BETA2, 0.9), (WD, 0.1),
                                 (AMSGRAD, 1)]),
]


def quadratic():
    rng = np.random.RandomState(20240501)
    n = 5
    M = rng.uniform(-1, 1, (n, n))
    A = (M @ M.T + 0.5 * np.eye(n)).tolist()
    b = rng.uniform(-2, 2, n).tolist()
    x0 = rng.uniform(-3, 3, n).tolist()

    def grad(x):  # same summation order as the C test
        g = []
        for i in range(n):
            s = 0.0
            for j in range(n):
                s += A[i][j] * x[j]
            g.append(s - b[i])
        return g

    lines = ["# f(x) = x'Ax/2 - b'x, gradient A x - b summed j = 0..n-1; torch %s" %
             torch.__version__, "n %d" % n, "A " + " ".join(r(v) for row in A for v in row),
             "b " + " ".join(r(v) for v in b), "x0 " + " ".join(r(v) for v in x0),
             "cases %d" % len(CASES)]
    for name, kind, sets in CASES:
        p = torch.tensor(x0, requires_grad=True)
        opt = make_torch_opt(kind, [p], sets)
        lines.append("case %s %d %d %d" % (name, kind, len(sets), STEPS))
        for k, v in sets:
            lines.append("set %d %s" % (k, r(v)))
        for _ in range(STEPS):
            p.grad = torch.tensor(grad(p.detach().tolist()))
            clip([p], sets)
            opt.step()
            lines.append(" ".join(r(v) for v in p.detach().tolist()))
    with open(os.path.join(OUT, "optim_quadratic.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


def defaults():
    """torch's own defaults, to compare with nnact_opt_get on a fresh optimizer."""
    p = [torch.zeros(1, requires_grad=True)]
    rows = []
    d = torch.optim.SGD(p, lr=0.1).defaults
    for kind in (SGD, MOMENTUM):
        rows.append((kind, WD, d["weight_decay"]))
    rows.append((MOMENTUM, DAMP, d["dampening"]))
    d = torch.optim.Adagrad(p).defaults
    for k, name in ((LR, "lr"), (LR_DECAY, "lr_decay"), (WD, "weight_decay"),
                    (INIT_ACC, "initial_accumulator_value"), (EPS, "eps")):
        rows.append((ADAGRAD, k, d[name]))
    d = torch.optim.RMSprop(p).defaults
    for k, name in ((LR, "lr"), (ALPHA, "alpha"), (EPS, "eps"), (WD, "weight_decay"),
                    (MOM, "momentum"), (CENTERED, "centered")):
        rows.append((RMSPROP, k, float(d[name])))
    for kind, cls in ((ADAM, torch.optim.Adam), (ADAMW, torch.optim.AdamW)):
        d = cls(p).defaults
        rows += [(kind, LR, d["lr"]), (kind, BETA1, d["betas"][0]), (kind, BETA2, d["betas"][1]),
                 (kind, EPS, d["eps"]), (kind, WD, d["weight_decay"]),
                 (kind, AMSGRAD, float(d["amsgrad"]))]
    with open(os.path.join(OUT, "optim_defaults.txt"), "w") as f:
        f.write("# kind param torch-default (torch %s)\n" % torch.__version__)
        for kind, k, v in rows:
            f.write("%d %d %s\n" % (kind, k, r(v)))


# nnact_sched_kind / nnact_sched_param
S_CONST, S_STEP, S_MULTI, S_EXP, S_COS, S_LIN = range(6)
GAMMA, STEP_SIZE, T_MAX, ETA_MIN, START_F, END_F, TOTAL = range(7)


def schedules():
    T = 60
    base = 0.1
    cases = [
        (S_CONST, [], [], lambda o: torch.optim.lr_scheduler.LambdaLR(o, lambda e: 1.0)),
        (S_STEP, [(STEP_SIZE, 7), (GAMMA, 0.5)], [],
         lambda o: torch.optim.lr_scheduler.StepLR(o, 7, 0.5)),
        (S_MULTI, [(GAMMA, 0.3)], [30, 10, 45, 30],
         lambda o: torch.optim.lr_scheduler.MultiStepLR(o, [30, 10, 45, 30], 0.3)),
        (S_EXP, [(GAMMA, 0.9)], [], lambda o: torch.optim.lr_scheduler.ExponentialLR(o, 0.9)),
        (S_COS, [(T_MAX, 25), (ETA_MIN, 0.001)], [],
         lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, 25, 0.001)),
        (S_LIN, [(START_F, 0.1), (END_F, 1.0), (TOTAL, 10)], [],
         lambda o: torch.optim.lr_scheduler.LinearLR(o, 0.1, 1.0, 10)),
    ]
    lines = ["# kind nsets nmilestones base T, then lr at t = 0..T-1 from torch (%s) schedulers"
             % torch.__version__]
    for kind, sets, ms, make in cases:
        o = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=base)
        s = make(o)
        lrs = []
        for _ in range(T):
            lrs.append(o.param_groups[0]["lr"])
            o.step()
            s.step()
        lines.append("sched %d %d %d %s %d" % (kind, len(sets), len(ms), r(base), T))
        for k, v in sets:
            lines.append("set %d %s" % (k, r(v)))
        if ms:
            lines.append("milestones " + " ".join(str(m) for m in ms))
        lines.append(" ".join(r(v) for v in lrs))
    with open(os.path.join(OUT, "optim_sched.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


# ---- the library's PRNG, replayed (src/init/rng.c); Python floats are IEEE doubles
M64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


class Rng:
    def __init__(self, seed, stream):
        self.key = mix64(seed ^ mix64((stream + 0x6A09E667F3BCC909) & M64))
        self.counter = 0

    def u64(self):
        self.counter += 1
        return mix64((self.key + self.counter * GOLDEN) & M64)

    def uniform(self):
        return float(self.u64() >> 11) * 2.0 ** -53

    def normal(self):
        while True:
            u = 2.0 * self.uniform() - 1.0
            v = 2.0 * self.uniform() - 1.0
            s = u * u + v * v
            if s < 1.0 and s > 0.0:
                return u * math.sqrt(-2.0 * rng_log(s) / s)


def rng_log(x):
    m, e = math.frexp(x)
    if m < 0.70710678118654752440:
        m *= 2.0
        e -= 1
    rr = (m - 1.0) / (m + 1.0)
    r2 = rr * rr
    s = 1.0 / 27.0
    for k in range(12, -1, -1):
        s = 1.0 / float(2 * k + 1) + r2 * s
    return float(e) * 0.693147180369123816490 + (float(e) * 1.90821492927058770002e-10 +
                                                   2.0 * rr * s)


def prng():
    lines = ["# the library PRNG replayed in Python (tests/gen_optim_fixtures.py)"]
    for seed, stream in ((0, 0), (42, 3), (0xFFFFFFFFFFFFFFFF, 7)):
        g = Rng(seed, stream)
        lines.append("u64 %d %d " % (seed, stream) + " ".join(str(g.u64()) for _ in range(6)))
        g = Rng(seed, stream)
        lines.append("uniform %d %d " % (seed, stream) + " ".join(r(g.uniform()) for _ in range(6)))
        g = Rng(seed, stream)
        lines.append("normal %d %d " % (seed, stream) + " ".join(r(g.normal()) for _ in range(6)))
    g = Rng(123, 0)
    logs = [g.uniform() for _ in range(20)] + [1e-300, 5e-324, 0.5, 1.0, 0.7071067811865476,
                                               0.9999999999999999, 1.5, 1e300]
    mpmath.mp.prec = 200
    lines.append("log " + " ".join("%s %s %s" % (r(x), r(rng_log(x)), r(float(mpmath.log(x))))
                                   for x in logs))
    # init fills: (scheme, scale, fan_in, fan_out, seed, stream, n)
    for scheme in range(6):
        fan_in, fan_out, seed, stream, n = 3, 4, 7, 2, 12
        g = Rng(seed, stream)
        if scheme == 0:
            w = [1.0 * g.normal() for _ in range(n)]
        elif scheme == 1:
            a = 1.0 * math.sqrt(6.0 / (fan_in + fan_out))
            w = [a * (2.0 * g.uniform() - 1.0) for _ in range(n)]
        elif scheme == 2:
            sd = 1.0 * math.sqrt(2.0 / (fan_in + fan_out))
            w = [sd * g.normal() for _ in range(n)]
        elif scheme == 3:
            a = math.sqrt(2.0) * math.sqrt(3.0 / fan_in)
            w = [a * (2.0 * g.uniform() - 1.0) for _ in range(n)]
        elif scheme == 4:
            sd = math.sqrt(2.0) / math.sqrt(fan_in)
            w = [sd * g.normal() for _ in range(n)]
        else:
            w = [0.0] * n
        lines.append("fill %d %d %d %d %d %d " % (scheme, fan_in, fan_out, seed, stream, n) +
                     " ".join(r(v) for v in w))
    with open(os.path.join(OUT, "optim_prng.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


def mlp():
    """3-6-4-2 MLP (tanh, sigmoid, identity), MSE over a fixed batch of 8, full-batch
    steps. Weights are stored n_in x n_out (the library's layout) and the network is
    written out by hand, so autograd's gradients are the library's backprop."""
    rng = np.random.RandomState(7)
    sizes = [3, 6, 4, 2]
    X = rng.uniform(-1, 1, (8, 3))
    T = rng.uniform(-1, 1, (8, 2))
    W0 = [rng.normal(0, 0.7, (sizes[i], sizes[i + 1])) for i in range(3)]
    B0 = [rng.normal(0, 0.1, sizes[i + 1]) for i in range(3)]
    flat0 = np.concatenate([np.concatenate([W0[i].ravel(), B0[i]]) for i in range(3)])
    lines = ["# MLP 3-6-4-2 tanh/sigmoid/identity, loss MSE (mean), batch 8; torch %s"
             % torch.__version__, "x " + " ".join(r(v) for v in X.ravel()),
             "t " + " ".join(r(v) for v in T.ravel()),
             "p0 %d " % flat0.size + " ".join(r(v) for v in flat0), "cases %d" % len(CASES)]
    xt, tt = torch.tensor(X), torch.tensor(T)
    for name, kind, sets in CASES:
        Ws = [torch.tensor(w, requires_grad=True) for w in W0]
        Bs = [torch.tensor(b, requires_grad=True) for b in B0]
        params = [q for pair in zip(Ws, Bs) for q in pair]  # the library's flat order
        opt = make_torch_opt(kind, params, sets)
        lines.append("case %s %d %d %d" % (name, kind, len(sets), STEPS))
        for k, v in sets:
            lines.append("set %d %s" % (k, r(v)))
        for _ in range(STEPS):
            opt.zero_grad()
            h = torch.tanh(xt @ Ws[0] + Bs[0])
            h = torch.sigmoid(h @ Ws[1] + Bs[1])
            y = h @ Ws[2] + Bs[2]
            loss = torch.nn.functional.mse_loss(y, tt)
            loss.backward()
            clip(params, sets)
            opt.step()
            flat = torch.cat([q.detach().reshape(-1) for q in params])
            lines.append(r(loss.item()) + " " + " ".join(r(v) for v in flat.tolist()))
    with open(os.path.join(OUT, "optim_mlp.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    quadratic()
    defaults()
    schedules()
    prng()
    mlp()
