#!/usr/bin/python3
"""Coefficients of the vector erfc kernel in src/act/act_avx2.c (GELU).

Run with Debian's Python (mpmath):  /usr/bin/python3 tests/gen_act_erfcx.py
Prints the C table. The approximation, derived here, not copied:

  erfc(a) = e^(-a^2) Y(t) / (1 + 2a),  t = (a - K) / (a + K),  a >= 0, K = 3,

where Y(t) = (1 + 2a) erfcx(a) is analytic on [-1, 1] (erfcx(a) ~ 1/(a sqrt(pi))
as a -> oo, so Y -> 2/sqrt(pi), and 1/a is analytic in t near t = 1). Y is
interpolated at 64 Chebyshev nodes with mpmath at 200 bits, the series is cut
where |c_k| < 2^-57 |c_0| (26 terms) and turned into monomials in t; the kernel
evaluates a0 + t P(t) by Horner. The script also checks the double Horner
evaluation against mpmath on 20000 random t and prints the worst error in ulp.
"""
import random

from mpmath import mp, mpf, erfc, exp, cos, pi, sqrt

mp.prec = 200
K = mpf(3)
N = 64
M = 26


def Y(t):
    if t == 1:
        return 2 / sqrt(pi)
    a = K * (1 + t) / (1 - t)
    return (1 + 2 * a) * exp(a * a) * erfc(a)


def main():
    nodes = [cos(pi * (j + mpf(1) / 2) / N) for j in range(N)]
    vals = [Y(t) for t in nodes]
    c = [sum(vals[j] * cos(pi * k * (j + mpf(1) / 2) / N) for j in range(N)) * 2 / N
         for k in range(N)]
    c[0] /= 2
    assert all(abs(c[k]) < abs(c[0]) * mpf(2) ** -57 for k in range(M, N))
    T = [[mpf(0)] * M for _ in range(M)]
    T[0][0] = mpf(1)
    T[1][1] = mpf(1)
    for k in range(2, M):
        for j in range(M):
            T[k][j] = (2 * T[k - 1][j - 1] if j > 0 else 0) - T[k - 2][j]
    am = [sum(c[k] * T[k][j] for k in range(M)) for j in range(M)]
    a = [float(v) for v in am]
    a0_lo = float(am[0] - mpf(a[0]))   # the kernel adds it in its double-double a0 + t P

    def horner(t):
        p = 0.0
        for j in range(M - 1, 0, -1):
            p = p * t + a[j]
        return a[0] + t * p

    rng = random.Random(3)
    worst = 0
    for _ in range(20000):
        t = rng.uniform(-1, 0.8)   # a <= 27: the range the kernel uses
        ex = Y(mpf(t))
        ulp = mpf(2) ** (mp.floor(mp.log(abs(ex), 2)) - 52)
        worst = max(worst, abs(mpf(horner(t)) - ex) / ulp)
    print("/* made by tests/gen_act_erfcx.py; Horner in double: worst %.3f ulp of Y */" % worst)
    print("static const double ERFCX_Y[%d] = {" % M)
    for v in a:
        print("    %s, /* %.17g */" % (v.hex(), v))
    print("};")
    print("#define ERFCX_Y0_LO %s /* %.17g */" % (a0_lo.hex(), a0_lo))
    c = 1 / sqrt(2 * pi)
    print("#define INV_SQRT_2PI_LO %s /* 1/sqrt(2 pi) - INV_SQRT_2PI */" % float(c - mpf(float(c))).hex())


if __name__ == "__main__":
    main()
