#!/usr/bin/python3
"""Markdown tables from nnact-bench --json files (and bench/compare --json),
as pasted into docs/PERFORMANCE.md. Standard library only.

usage: bench/tables.py FILE.json...   (one table per suite found)"""
import json
import sys


def t(s):
    if s is None or s <= 0:
        return "-"
    if s < 1e-3:
        return "%.3g µs" % (s * 1e6)
    if s < 1:
        return "%.4g ms" % (s * 1e3)
    return "%.4g s" % s


def table(rows, cols):
    out = ["| " + " | ".join(c for c, _ in cols) + " |",
           "|" + "|".join("---" for _ in cols) + "|"]
    for r in rows:
        out.append("| " + " | ".join(f(r) for _, f in cols) + " |")
    return "\n".join(out)


def bench_tables(recs):
    suites = []
    for r in recs:
        if r["suite"] not in suites:
            suites.append(r["suite"])
    for s in suites:
        rows = [r for r in recs if r["suite"] == s]
        print("\n#### %s\n" % s)
        cols = [("case", lambda r: r["case"]), ("shape", lambda r: r["shape"]),
                ("batch", lambda r: str(r["batch"])), ("threads", lambda r: str(r["threads"])),
                ("median", lambda r: t(r["median_s"])),
                ("min–max", lambda r: "%s – %s" % (t(r["min_s"]), t(r["max_s"]))),
                ("rate", lambda r: "%.3g %s" % (r["rate"], r["rate_unit"]) if r["rate"] else "-"),
                ("ratio", lambda r: "%.3f" % r["ratio"] if r["ratio"] else "-"),
                ("limit", lambda r: r["limit"] or "-")]
        if any(r.get("note") for r in rows):
            cols.append(("note", lambda r: r.get("note") or ""))
        print(table(rows, cols))


def compare_table(recs):
    peers = [k[:-2] for k in recs[0] if k.endswith("_s") and k != "libnnact_s"]
    cols = [("case", lambda r: r["case"]), ("shape", lambda r: r["shape"]),
            ("batch", lambda r: str(r["batch"])), ("libnnact", lambda r: t(r["libnnact_s"]))]
    for p in peers:
        cols.append((p, lambda r, p=p: t(r.get(p + "_s")) if r.get(p + "_s") else "MISSING"))
        cols.append(("speedup over " + p, lambda r, p=p: "%.1f×" % r[p + "_speedup"]
                     if r.get(p + "_speedup") else "-"))
    print(table(recs, cols))


for path in sys.argv[1:]:
    with open(path) as f:
        data = json.load(f)
    if data and "suite" in data[0]:
        bench_tables(data)
    elif data:
        compare_table(data)
