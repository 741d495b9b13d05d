#!/usr/bin/python3
"""Golden tables for the activation accuracy test, computed once with mpmath.

Run with Debian's Python (it has mpmath):  /usr/bin/python3 tests/gen_act_golden.py
Writes tests/data/act_<name>.txt, one line per input:
    x (C99 hex float)   f(x)   f'(x)   f''(x)
values in decimal with 21 significant digits ("nan", "inf", "-inf"); f'' is 0
where it is not needed (non-smooth kinds) and serves only to measure how much
a one-ulp change of x moves f' (the conditioning allowance of docs/ACCURACY.md).
Definitions and constants follow PyTorch, at each kind's default parameter;
derivatives at kinks take PyTorch's one-sided values.
"""
import math
import os
import random
import sys

import mpmath
from mpmath import mp, mpf

mp.prec = 320
DIGITS = 21

SELU_A = mpf(1.6732632423543772848170429916717)   # the double constants PyTorch uses
SELU_S = mpf(1.0507009873554804934193349852946)
GT_C = mpf(0.044715)
LEAKY = mpf(0.01)
LAMBDA = mpf(0.5)


def sig(x):
    return 1 / (1 + mp.exp(-x))


def softplus(x):
    return mp.log1p(mp.exp(x)) if x < 0 else x + mp.log1p(mp.exp(-x))


def Phi(x):
    if x > 1e6:    # 1 - Phi(x) < e^-5e11: 1 to far more digits than written
        return mpf(1)
    if x < -1e6:   # leading asymptotic term, relative error 1/x^2 < 1e-12, far below double
        return phi(x) / -x  # resolution on a value that underflows to -0 anyway
    return mp.erfc(-x / mp.sqrt(2)) / 2


def phi(x):
    return mp.exp(-x * x / 2) / mp.sqrt(2 * mp.pi)


def gt_u(x):
    return mp.sqrt(2 / mp.pi) * (x + GT_C * x ** 3)


def gt_du(x):
    return mp.sqrt(2 / mp.pi) * (1 + 3 * GT_C * x ** 2)


def tanhshrink(x):
    # x - tanh x ~ x^3/3 cancels 2 log2(1/|x|) bits: add them to the precision
    extra = int(2 * max(0, -mp.log(abs(x), 2))) + 10 if x != 0 else 0
    with mp.extraprec(extra):
        return +(x - mp.tanh(x))


def sech2(u):
    return 1 / mp.cosh(u) ** 2


# name: (f, f', smooth)
K = {
    "identity": (lambda x: x, lambda x: mpf(1), False),
    "sigmoid": (sig, lambda x: sig(x) * sig(-x), True),
    "tanh": (mp.tanh, lambda x: sech2(x), True),
    "relu": (lambda x: x if x > 0 else mpf(0), lambda x: mpf(1) if x > 0 else mpf(0), False),
    "leaky_relu": (lambda x: x if x > 0 else LEAKY * x, lambda x: mpf(1) if x > 0 else LEAKY, False),
    "bent_identity": (lambda x: (mp.sqrt(x * x + 1) - 1) / 2 + x,
                      lambda x: x / (2 * mp.sqrt(x * x + 1)) + 1, True),
    "sinusoid": (mp.sin, mp.cos, True),
    "elu": (lambda x: x if x > 0 else mp.expm1(x), lambda x: mpf(1) if x > 0 else mp.exp(x), False),
    "selu": (lambda x: SELU_S * (x if x > 0 else SELU_A * mp.expm1(x)),
             lambda x: SELU_S * (1 if x > 0 else SELU_A * mp.exp(x)), False),
    "celu": (lambda x: x if x > 0 else mp.expm1(x), lambda x: mpf(1) if x > 0 else mp.exp(x), False),
    "gelu": (lambda x: x * Phi(x), lambda x: Phi(x) + x * phi(x), True),
    # (1 + tanh u)/2 written as sigmoid(2u): 1 + tanh u cancels for u << 0
    "gelu_tanh": (lambda x: x * sig(2 * gt_u(x)),
                  lambda x: sig(2 * gt_u(x)) + x * sech2(gt_u(x)) * gt_du(x) / 2, True),
    "silu": (lambda x: x * sig(x), lambda x: sig(x) + x * sig(x) * sig(-x), True),
    "mish": (lambda x: x * mp.tanh(softplus(x)),
             lambda x: mp.tanh(softplus(x)) + x * sech2(softplus(x)) * sig(x), True),
    "softplus": (softplus, sig, True),
    "softsign": (lambda x: x / (1 + abs(x)), lambda x: 1 / (1 + abs(x)) ** 2, False),
    "hard_sigmoid": (lambda x: min(max(x + 3, mpf(0)), mpf(6)) / 6,
                     lambda x: mpf(1) / 6 if -3 < x < 3 else mpf(0), False),
    "hard_tanh": (lambda x: min(max(x, mpf(-1)), mpf(1)), lambda x: mpf(1) if -1 < x < 1 else mpf(0), False),
    "hard_swish": (lambda x: x * min(max(x + 3, mpf(0)), mpf(6)) / 6,
                   lambda x: mpf(0) if x < -3 else (x / 3 + mpf(1) / 2 if x <= 3 else mpf(1)), False),
    "relu6": (lambda x: min(max(x, mpf(0)), mpf(6)), lambda x: mpf(1) if 0 < x < 6 else mpf(0), False),
    "log_sigmoid": (lambda x: -softplus(-x), lambda x: sig(-x), True),
    "gaussian": (lambda x: mp.exp(-x * x), lambda x: -2 * x * mp.exp(-x * x), True),
    "cos": (mp.cos, lambda x: -mp.sin(x), True),
    "tanhshrink": (lambda x: tanhshrink(x), lambda x: mp.tanh(x) ** 2, True),
    "softshrink": (lambda x: x - LAMBDA if x > LAMBDA else (x + LAMBDA if x < -LAMBDA else mpf(0)),
                   lambda x: mpf(1) if abs(x) > LAMBDA else mpf(0), False),
    "hardshrink": (lambda x: x if abs(x) > LAMBDA else mpf(0),
                   lambda x: mpf(1) if abs(x) > LAMBDA else mpf(0), False),
    "abs": (abs, lambda x: mpf(1) if x > 0 else (mpf(-1) if x < 0 else mpf(0)), False),
    "square": (lambda x: x * x, lambda x: 2 * x, True),
    # oneDNN swish x sigmoid(beta x) at its default beta = 1
    "swish_beta": (lambda x: x * sig(x), lambda x: sig(x) + x * sig(x) * sig(-x), True),
}
PERIODIC = {"sinusoid", "cos"}  # no limit at +-Inf


def inputs():
    d = sys.float_info
    hard = [0.0, -0.0, 5e-324, 1e-310, 2.2250738585072009e-308, d.min, d.max, 1e-300, 1e-20,
            5e-9, 1e-8, 0.01, 0.25, 0.5, 1.0, 2.0, 3.0, 4.0, 6.0, 19.06, 27.5, 37.43, 38.7, 40.0,
            709.78, 709.782712893384, 745.1332191019411, 745.13321910194122, 1e10, 1e16,
            5.64e102, 1e100, 1.3407807929942596e154, 1.35e154, 1e300, math.inf]
    xs = []
    for h in hard:
        for v in (h, -h):
            xs.append(v)
            if math.isfinite(v) and v != 0:
                xs.append(math.nextafter(v, math.inf))
                xs.append(math.nextafter(v, -math.inf))
    xs.append(math.nan)
    rng = random.Random(20261125)
    for i in range(1341):           # a grid through [-40, 40] ...
        xs.append(-40.0 + 80.0 * i / 1340)
    for _ in range(200):            # ... random points between the grid points
        xs.append(rng.uniform(-40.0, 40.0))
    for _ in range(300):            # wide samples, magnitudes 1e-300 .. 1e300
        xs.append(rng.choice((-1.0, 1.0)) * 10.0 ** rng.uniform(-300.0, 300.0))
    seen, out = set(), []
    for v in xs:
        key = v.hex() if v == v else "nan"
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out


def fmt(v):
    if mp.isnan(v):
        return "nan"
    if mp.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0:
        return "0"
    if abs(v) < mpf(10) ** -400:   # far below the subnormals: a signed zero
        return "-0" if v < 0 else "0"
    if abs(v) > mpf(10) ** 400:    # far above DBL_MAX
        return "-inf" if v < 0 else "inf"
    s = mp.nstr(v, DIGITS, min_fixed=1, max_fixed=0)
    # the sign of an underflowing value survives as a tiny number strtold rounds to -0
    return s


def evaluate(name, f, df, smooth, x):
    if math.isnan(x):
        return mp.nan, mp.nan, mpf(0)
    if math.isinf(x):
        if name in PERIODIC:
            return mp.nan, mp.nan, mpf(0)
        big = mpf(10) ** 400 * (1 if x > 0 else -1)  # the limit, rounded to double
        return f(big), df(big), mpf(0)
    X = mpf(x)
    d2 = mpf(0)
    if smooth and abs(x) < 1e8:
        d2 = mp.diff(df, X)
    return f(X), df(X), d2


def main():
    outdir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
    xs = inputs()
    only = set(sys.argv[1:])
    for name, (f, df, smooth) in K.items():
        if only and name not in only:
            continue
        with open(os.path.join(outdir, "act_%s.txt" % name), "w") as out:
            out.write("# %s: x f(x) f'(x) f''(x); made by tests/gen_act_golden.py (mpmath %s, %d bits)\n"
                      % (name, mpmath.__version__, mp.prec))
            for x in xs:
                v, d, d2 = evaluate(name, f, df, smooth, x)
                xh = "nan" if math.isnan(x) else ("inf" if x == math.inf else
                                                  ("-inf" if x == -math.inf else x.hex()))
                out.write("%s %s %s %s\n" % (xh, fmt(v), fmt(d), fmt(d2)))
        print(name, len(xs))


if __name__ == "__main__":
    main()
