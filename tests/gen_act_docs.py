#!/usr/bin/env python3
"""Writes docs/ACCURACY.md and docs/activations.md from the measurements that
test_act_accuracy prints with NNACT_ACC_REPORT=1, once per CPU path:

  NNACT_CPU_MASK=0 NNACT_ACC_REPORT=1 build/tests/test_act_accuracy 2> portable.txt
  NNACT_ACC_REPORT=1 build/tests/test_act_accuracy 2> avx2.txt
  python3 tests/gen_act_docs.py portable.txt avx2.txt

The bounds themselves live in tests/test_act_accuracy.c (the test enforces
them); this script only publishes what was measured. Any Python 3 works."""
import os
import re
import sys

KINDS = [
    # name, formula, derivative, parameter (name = default, valid range), from output (how), notes
    ("identity", "x", "1", "-", "yes: 1", ""),
    ("sigmoid", "1 / (1 + e^-x)", "σ(x) σ(-x)", "-", "yes: y (1 - y)", "alias `logistic`"),
    ("tanh", "tanh x", "1 - tanh² x", "-", "yes: (1 - y)(1 + y)", ""),
    ("relu", "max(x, 0)", "x > 0 ? 1 : 0 (relu'(0) = 0)", "-", "yes: y > 0", ""),
    ("leaky_relu", "x > 0 ? x : α x", "x > 0 ? 1 : α", "α = 0.01, [-1e300, 1e300]", "yes for α ≥ 0", "alias `lrelu`"),
    ("bent_identity", "(√(x²+1) - 1)/2 + x", "x / (2√(x²+1)) + 1", "-", "no", ""),
    ("sinusoid", "sin x", "cos x", "-", "no", "alias `sin`"),
    ("elu", "x > 0 ? x : α (e^x - 1)", "x > 0 ? 1 : α e^x", "α = 1, [-1e300, 1e300]", "yes for α ≥ 0: y + α", ""),
    ("selu", "s (x > 0 ? x : a (e^x - 1)), a = 1.6732632423543772, s = 1.0507009873554805", "s (x > 0 ? 1 : a e^x)", "-", "yes: y + s a", ""),
    ("celu", "x > 0 ? x : α (e^(x/α) - 1)", "x > 0 ? 1 : e^(x/α)", "α = 1, [1e-300, 1e300]", "yes: y/α + 1", ""),
    ("gelu", "x Φ(x) = x/2 (1 + erf(x/√2))", "Φ(x) + x φ(x)", "-", "no", "alias `gelu_erf`"),
    ("gelu_tanh", "x/2 (1 + tanh(√(2/π)(x + 0.044715 x³)))", "σ(2u) + x u' σ'(2u)·2, u the tanh argument", "-", "no", "alias `gelu_approx`"),
    ("silu", "x σ(x)", "σ(x)(1 + x σ(-x))", "-", "no", "alias `swish`"),
    ("mish", "x tanh(softplus x)", "tanh(sp) + x sech²(sp) σ(x)", "-", "no", ""),
    ("softplus", "log(1 + e^(βx)) / β, no linear cut-over", "σ(βx)", "β = 1, [1e-300, 1e300]", "yes: 1 - e^(-βy)", ""),
    ("softsign", "x / (1 + |x|)", "1 / (1 + |x|)²", "-", "yes: (1 - |y|)²", ""),
    ("hard_sigmoid", "relu6(x + 3) / 6", "-3 < x < 3 ? 1/6 : 0", "-", "no: just below x = 3, y rounds to 1 as for x ≥ 3", "alias `hardsigmoid`"),
    ("hard_tanh", "min(max(x, -1), 1)", "-1 < x < 1 ? 1 : 0", "-", "yes: -1 < y < 1", "alias `hardtanh`"),
    ("hard_swish", "x relu6(x + 3) / 6", "x < -3 ? 0 : x ≤ 3 ? (2x + 3)/6 : 1", "-", "no", "alias `hardswish`"),
    ("relu6", "min(max(x, 0), 6)", "0 < x < 6 ? 1 : 0", "-", "yes: 0 < y < 6", ""),
    ("log_sigmoid", "log σ(x) = -softplus(-x)", "σ(-x)", "-", "yes: -expm1(y)", "alias `logsigmoid`"),
    ("gaussian", "e^(-x²)", "-2x e^(-x²)", "-", "no", ""),
    ("cos", "cos x", "-sin x", "-", "no", ""),
    ("tanhshrink", "x - tanh x", "tanh² x", "-", "no", ""),
    ("softshrink", "x > λ ? x - λ : x < -λ ? x + λ : 0", "|x| > λ ? 1 : 0", "λ = 0.5, [0, 1e300]", "yes: y ≠ 0", ""),
    ("hardshrink", "|x| > λ ? x : 0", "|x| > λ ? 1 : 0", "λ = 0.5, [0, 1e300]", "yes: y ≠ 0", ""),
    ("abs", "\\|x\\|", "sign x (0 at ±0)", "-", "no", "oneDNN `eltwise_abs`"),
    ("square", "x²", "2x", "-", "no", "oneDNN `eltwise_square`"),
    ("swish_beta", "x σ(βx)", "σ(βx)(1 + βx σ(-βx))", "β = 1, [1e-300, 1e300]", "no",
     "oneDNN `eltwise_swish`; β = 1 gives SiLU's bits"),
]
VECTOR = {"identity", "sigmoid", "tanh", "relu", "leaky_relu", "relu6", "hard_tanh", "silu", "gelu", "gelu_tanh",
          "softplus", "log_sigmoid", "elu", "selu", "celu", "softsign", "hard_sigmoid", "hard_swish",
          "softshrink", "hardshrink", "gaussian", "sinusoid", "cos", "abs", "square", "swish_beta", "mish"}

LINE = re.compile(r"^(golden|oracle)\s+(\S+)\s+(f'?)\s+max\s+([\d.]+) ulp at x = (\S+)\s+bound\s+([\d.]+)(.*)$")


def load(path):
    out = {}
    for line in open(path, encoding="utf-8"):
        m = LINE.match(line.strip())
        if not m:
            continue
        src, kind, fn, err, x, bound, rest = m.groups()
        tail = ""
        t = re.search(r"tail: (\d+) pts, worst err-\(c\+1\) = (-?[\d.]+) at (\S+)", rest)
        if t:
            tail = (int(t.group(1)), float(t.group(2)), t.group(3))
        out[(kind, fn, src)] = (float(err), x, float(bound), tail)
    return out


def worst(meas, kind, fn):
    """Max over golden and oracle: (err, x, source)."""
    best = None
    for src in ("golden", "oracle"):
        v = meas.get((kind, fn, src))
        if v and (best is None or v[0] > best[0]):
            best = (v[0], v[1], src)
    return best


def tails(meas, kind, fn):
    n, ex, at = 0, None, None
    for src in ("golden", "oracle"):
        v = meas.get((kind, fn, src))
        if v and v[3]:
            n += v[3][0]
            if ex is None or v[3][1] > ex:
                ex, at = v[3][1], v[3][2]
    return n, ex, at


def main():
    port, vec = load(sys.argv[1]), load(sys.argv[2])
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs")
    acc = []
    acc.append("""# Accuracy of the activation catalogue

Every kind's function and derivative is measured against a higher-precision
reference in ULP **as SLEEF defines it** (its tester's `countULPdp`): with the
reference c = m·2^e, m in [0.5, 1), the error of a double d is
|d − c| / 2^(max(e, −1021) − 53); both NaN counts 0, one NaN 10001, a nonzero d
where c rounds to zero 10000, ±Inf for a finite c counts as DBL_MAX plus one.

**References** (`tests/test_act_accuracy.c`, run by CTest twice: once on the
fastest path this CPU has, once with `NNACT_CPU_MASK=0`, the portable path):

- *golden*: tables made once with mpmath at 320 bits by `tests/gen_act_golden.py`
  (`tests/data/act_<name>.txt`, 2027 inputs per kind: a grid and random points in
  [−40, 40], 300 wide samples with magnitudes 1e−300 … 1e300 of both signs, and the
  hard points ±0, subnormals, DBL_MIN, DBL_MAX, ±Inf, NaN, ±709.78, −745.13,
  ±19.06, ±37.43, ±1.34e154 (x² overflow), ±5.64e102 (x³ overflow), the kinks and
  the kernels' own branch points, each with both neighbours);
- *oracle*: a `long double` evaluation (`tests/test_act_oracle.h`) on 10⁶ points per
  kind and per function (80 % uniform in [−40, 40], 20 % wide), 10⁵ under
  AddressSanitizer (the sanitizer slows each call ~20×; the golden tables run in
  full there). The oracle skips the few inputs where its own formula would cancel
  (tanhshrink |x| < 0.5, GELU x < −25); the golden tables cover them.

**Bounds.** The column *bound* is enforced: the test fails when a measurement
exceeds it. "0" means exact; "0.5" correctly rounded. Where a kind is marked
*tail*, the function or derivative is ill-conditioned somewhere (the far left
tail of GELU/SiLU/Mish, a derivative's root, sin/cos of huge arguments): at a
point where a one-ulp change of x moves the result by c ≥ 2 ulps, the bound there
is **err ≤ c + 1**, i.e. the result is within one ulp of f(x′) for some x′ within
one ulp of x (the issue's "exact for some input within 1 ulp of x", with one ulp
of slack for the final rounding). The *max* columns are the largest error among
the points that meet the plain bound; for a *tail* kind, points above the plain
bound are judged by the conditioned rule instead (so its max can sit exactly at
the bound, as for SiLU′ and Mish′ next to their roots): *tail pts* counts them and
*worst* is their largest err − (c + 1) (≤ 0 passes). For kinds without *tail*,
every point meets the plain bound.

**Parameters.** The tables measure each kind at its default parameter (and
`swish_beta` also at β = 10⁻³⁰⁰, 10⁻³, 0.5, 1.702, 4 and 30). Away from the
default, softplus (β) and CELU (α) compute βx or x/α in one rounding, which
their exp/log1p amplify by |βx| in the far left tail: a review measured up to
~300 ulp (softplus, β = 2.5, x ≈ −240; CELU′, α = 0.3, x ≈ −154), results that
are still exact for an input within one ulp of x (the *tail* rule) but not within
the plain bound. Carrying βx as a double-double, as `swish_beta` does, is the
known fix and is not done yet.

Measured on AMD Zen 3 (AVX2 + FMA), glibc 2.36, SLEEF 3.5.1, GCC 12.2 `-O2`.

| kind | fn | bound | portable: max ulp (at x) | AVX2: max ulp (at x) | tail pts / worst |
|---|---|---|---|---|---|
""")
    for name, *_ in KINDS:
        for fn in ("f", "f'"):
            p, v = worst(port, name, fn), worst(vec, name, fn)
            if p is None:
                continue
            bound = port[(name, fn, "golden")][2]
            n1, e1, _ = tails(port, name, fn)
            n2, e2, _ = tails(vec, name, fn)
            tail = "-"
            if n1 or n2:
                e = max(x for x in (e1, e2) if x is not None)
                tail = "%d / %.2f" % (max(n1, n2), e)
            vs = "%.3f (%s)" % (v[0], v[1]) if name in VECTOR else "(scalar path)"
            acc.append("| %s | %s | %g | %.3f (%s) | %s | %s |\n" % (name, fn, bound, p[0], p[1], vs, tail))
    acc.append("""
Where the plain bound is the issue's: ReLU family exact (identity, ReLU, ReLU6,
hard tanh, hardshrink; leaky ReLU and softshrink correctly rounded — one
multiplication or subtraction), sigmoid ≤ 3, tanh ≤ 2, softplus ≤ 3, ELU ≤ 2,
bent identity ≤ 3, sinusoid ≤ 1, GELU/SiLU/Mish ≤ 4. The others are ours:
SELU 2.5 (three constants and expm1), hard sigmoid 1 (x + 3 then /6), hard swish
2, Gaussian 2 (3 for its derivative), tanhshrink 4, and the derivatives as listed.

## How the kernels reach these bounds

- sigmoid' and tanh' = e/(1+e)² with the rounding error of 1 + e recovered exactly
  (Fast2Sum) and corrected to first order, instead of squaring it.
- softsign' = r²(1 + 2e − 2·dl·r) with 1 + |x| split exactly and the reciprocal's
  error from an fma; (1 + |x|)² would overflow at 1.34e154 where the answer is
  still a subnormal.
- Gaussian and φ: x² carried as h + l (fma), e^(−h)(1 − l): the error no longer
  grows with x².
- GELU (portable): erfc(−x/√2) corrected for the rounding of x/√2 (first-order,
  with the low part of 1/√2). GELU (AVX2): its own erfc, erfc(a) =
  e^(−a²)·Y(t)/(1 + 2a) with t = (a − 3)/(a + 3) and Y a 26-term polynomial fitted
  with mpmath by `tests/gen_act_erfcx.py` (Chebyshev interpolation of the analytic
  Y on [−1, 1]; the script prints the coefficients and checks the double
  evaluation); e^(−a²) = e^(−x²/2) from x² split exactly, Y's constant term and
  0.5·Y/(1 + 2a) carried as hi + lo so that GELU′ = e^(−x²/2)(Q + x/√(2π)) can
  cancel at its root −0.7518 without a scalar window. For x < −37.5 the asymptotic series −φ(x)·Σ(−1)^k(2k−1)!!/x^2k
  with e^(−x²/2) split as g·g so the subnormal result is rounded once.
- GELU-tanh: the argument 2u = 2√(2/π)(x + 0.044715x³) in double-double, since
  σ(2u) amplifies u's error by |2u| (it was 10¹⁵ ulp off at x = −14 before).
- SiLU' = e(1 + x + e)/(1 + e)² for x < 0: 1 + x is exact around the root
  −1.2785 (Sterbenz), so the root is reached through one correctly rounded add.
- Derivatives whose two terms cancel near their root (GELU' on (−5, −0.4) on
  the portable path, GELU-tanh' on (−2.5, 0), Mish' on (−6, −0.5)) are evaluated in
  long double there.
- Swish with β ≠ 1: βx carried as z + zl (fma), σ(z + zl) = σ(z) + σ'(z)·zl, and
  (1 + z) + zl for the derivative's root, so β's rounding costs nothing in the
  left tail. β = 1 goes to the SiLU kernels. The test also measures β = 1e−300,
  1e−3, 0.5, 1.702, 4 and 30 against a long double oracle (rows `swish_b=...` of
  the test's report).
- Subnormal results (SiLU, Mish, GELU tails; Gaussian' beyond 26): products
  arranged so only the last rounding falls into the subnormal range.
- tanhshrink: a 12-term series below 0.25, long double x − tanh x up to 4.

## Special values (tests/test_act_special.c)

NaN in gives NaN out for every kind, function and derivative (ReLU included);
±Inf give the mathematical limits (σ(+∞) = 1, GELU(−∞) = −0, tanh'(±∞) = 0, never
∞·0); odd functions keep the sign of zero; subnormals are not flushed; every call
restores the caller's invalid and divide-by-zero flags and leaves the rounding
mode and MXCSR untouched (the kernels may raise them internally, e.g. an ordered
compare of a NaN). The guard (`src/act/fpguard.h`) reads MXCSR and the x87
status word before and after a call (the scalar reference uses long double near
some roots, so x87 flags can change too) and writes a register back only when
the call raised a flag the caller did not already have — a few cycles instead of
glibc's fesetexceptflag, which rewrites the x87 environment on every call.

## Regenerating this page

    NNACT_CPU_MASK=0 NNACT_ACC_REPORT=1 build/tests/test_act_accuracy 2> portable.txt
    NNACT_ACC_REPORT=1 build/tests/test_act_accuracy 2> avx2.txt
    python3 tests/gen_act_docs.py portable.txt avx2.txt
""")
    with open(os.path.join(root, "ACCURACY.md"), "w", encoding="utf-8") as f:
        f.write("".join(acc))

    act = []
    act.append("""# Activation catalogue

Every kind of `nnact_act_kind` (values explicit, append-only), its definition
and derivative as libnnact computes them (PyTorch's definitions and constants;
at a kink PyTorch's one-sided value), its default parameter, whether
`nnact_act_backward_from_output()` supports it, and the largest error measured
over both CPU paths (max of the golden-table and long-double-oracle
measurements; bounds and method in [ACCURACY.md](ACCURACY.md)). Plots were made
by `nnact plot KIND -o docs/img/act_KIND.svg` (range [−6, 6], f solid, f′ dashed).

The registry answers the same questions at run time: `nnact_act_name`,
`nnact_act_from_name` (names and aliases, any case), `nnact_act_param_name`,
`nnact_act_alias`, and `nnact_act_property` (parameter default and range,
linear, monotone, smooth, output range, Lipschitz constant, from-output support).
The parameter `alpha` of every call is NaN for the default; NaN therefore
cannot be rejected as a parameter (API.md), while ±Inf and values outside the
range are NNACT_ERR_ARG naming the kind and the parameter.

Row-wise **softmax** and **log-softmax** (`nnact_softmax`, `nnact_log_softmax`,
with `nnact_softmax_backward` and `nnact_log_softmax_backward` from the output)
are separate calls, not kinds: they need the row length. Rows with NaN give NaN;
k entries +Inf give 1/k there and 0 elsewhere (log: −log k and −Inf); a row of
only −Inf gives NaN.

## Vector path and why SLEEF

Arrays (of any length) of identity, ReLU, leaky ReLU, ReLU6, hard tanh, sigmoid, tanh,
SiLU, GELU, GELU-tanh, softplus, log-sigmoid, ELU, SELU, CELU, softsign, hard
sigmoid, hard swish, softshrink, hardshrink, Gaussian, sinusoid, cos, abs, square,
swish with β = 1 and Mish's forward go through AVX2 + FMA kernels
(`src/act/act_avx2.c`, compiled alone with `-mavx2 -mfma`, chosen at run time
from `nnact__cpu_flags()`; `NNACT_CPU_MASK=0` forces the portable path). Their
expm1, tanh, sin and cos come from **SLEEF** (Debian `libsleef-dev`,
`Requires.private: sleef`): its AVX2 functions are 1.0 ulp,
handle every special value, do not touch MXCSR, and are maintained and tested
upstream — writing and proving our own polynomials would cost more and bound
less. Three exceptions, all for speed: log1p on [0, 1] (softplus and
log-sigmoid only need log1p(e^−|z|)) is inlined as 2·atanh(u/(2 + u)), a
17-term odd series with 2 + u and the quotient carried as hi + lo (< 1 ulp);
exp is inlined (Cody–Waite reduction,
degree-13 Taylor polynomial by Estrin's scheme, 2^k applied in two steps so
subnormal results round once; < 1 ulp, 0.87 measured), because SLEEF's exp call
was most of sigmoid's and SiLU's time; and GELU's erfc: SLEEF 3.5's costs ~18 ns per element on
this machine (its exp ~2 ns), so GELU has its own (see ACCURACY.md, derived and
checked with mpmath by `tests/gen_act_erfcx.py`). The vector kernels use the same stable formulas as the scalar reference;
lanes in the far tails or in a derivative's cancellation window are recomputed
by the scalar reference, and tails (n mod 4) go through the same kernel on a
padded copy, so an element's bits depend on its value only, never on the array
length, position or alignment (tested for every kind, prime lengths, five
alignments). There is **no AVX-512 path**: this machine (Zen 3) cannot run one,
and an untested path would not meet this catalogue's standard; the dispatch flag
exists (`NNACT_CPU_AVX512`) for a later release. The other kinds (bent identity, tanhshrink, swish with β ≠ 1) and Mish's
derivative (long double on (−6, −0.5)) use the scalar reference on every CPU. The piecewise and rational kernels repeat the reference's operations in
the same order and give its bits.

| kind | value | f(x) | f′(x) | parameter (default, range) | from output | max ulp f / f′ | vector |
|---|---|---|---|---|---|---|---|
""")
    for i, (name, f, df, par, fo, note) in enumerate(KINDS):
        wf = max(worst(port, name, "f")[0], worst(vec, name, "f")[0])
        wd = max(worst(port, name, "f'")[0], worst(vec, name, "f'")[0])
        act.append("| `%s`%s | %d | %s | %s | %s | %s | %.2f / %.2f | %s |\n" % (
            name, (" (" + note + ")") if note else "", i, f, df, par, fo, wf, wd,
            "AVX2" if name in VECTOR else "-"))
    act.append("\nσ is the sigmoid, Φ and φ the standard normal CDF and density, sp = softplus.\n\n## Plots\n\n")
    for name, *_ in KINDS:
        act.append("### %s\n\n![%s and its derivative](img/act_%s.svg)\n\n" % (name, name, name))
    with open(os.path.join(root, "activations.md"), "w", encoding="utf-8") as f:
        f.write("".join(act))


if __name__ == "__main__":
    main()
