#!/usr/bin/python3
"""Formula kernel (docs/KERNELS.md, "Formula kernels") against NumPy.

Run by ctest as
    /usr/bin/python3 tests/interop/test_formula.py --cli build/bin/sharedmap-cli --workdir DIR

NumPy writes the inputs (several dtypes, C and Fortran order, 1-D to 3-D, NaN) and computes the
references; the real CLI and workers evaluate the formulas. Checked: element mode with every
reducer, reduce=map (an output shaped like the input), reduce=none with B(r, c) and B(k), out-of-range reads (NaN, the reason in the summary,
exit 3 and a stderr line), and expression errors (exit 2, one stderr line naming the position).
Exits 0 only when every check passes.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys

import numpy as np
from checker import Checker

RTOL = 1e-9
ATOL = 1e-9


def rows(a):
    return a.reshape(a.shape[0], -1).astype(np.float64)


def jgrid(a):
    m = rows(a)
    return np.broadcast_to(np.arange(m.shape[1], dtype=np.float64), m.shape)


def igrid(a):
    m = rows(a)
    return np.broadcast_to(np.arange(m.shape[0], dtype=np.float64)[:, None], m.shape)


# (array name, expr, reduce, NumPy reference of the whole result)
ELEMENT_CASES = [
    ("f64", "x^2", "sum", lambda a: (rows(a) ** 2).sum(1)),
    ("f64", "x", "mean", lambda a: rows(a).mean(1)),
    ("f64", "sin(x)*j + i", "sum", lambda a: (np.sin(rows(a)) * jgrid(a) + igrid(a)).sum(1)),
    ("f64", "abs(x - i)", "max", lambda a: np.abs(rows(a) - igrid(a)).max(1)),
    ("f64", "x > 0 ? x : 0", "sum", lambda a: np.where(rows(a) > 0, rows(a), 0).sum(1)),
    ("f64", "x / n", "sum", lambda a: (rows(a) / rows(a).shape[1]).sum(1)),
    ("i16_3d", "x", "min", lambda a: rows(a).min(1)),
    ("i16_3d", "x*x - j", "max", lambda a: (rows(a) ** 2 - jgrid(a)).max(1)),
    ("f32_fortran", "exp(-x^2)", "mean", lambda a: np.exp(-rows(a) ** 2).mean(1)),
    ("f32_fortran", "x", "sum", lambda a: rows(a).sum(1)),
    ("u8", "x % 3", "sum", None),  # muparser has no %: an error case below, not a value case
    ("nan", "x", "max", lambda a: rows(a).max(1)),
    ("nan", "x", "min", lambda a: rows(a).min(1)),
    ("vec", "x", "sum", lambda a: rows(a).sum(1)),
    # reduce=map keeps each row: an output shaped like the input (rows in C order, any memory order)
    ("f64", "x^2", "map", lambda a: a.astype(np.float64) ** 2),
    ("i16_3d", "x*x - j", "map", lambda a: (rows(a) ** 2 - jgrid(a)).reshape(a.shape)),
    ("f32_fortran", "exp(-x^2) + i", "map", lambda a: (np.exp(-rows(a) ** 2) + igrid(a)).reshape(a.shape)),
    ("nan", "x + B(i, 0)", "map", lambda a: a + a[:, :1]),
    ("vec", "x * 2", "map", lambda a: a * 2),
]

# (array name, expr, NumPy reference) for reduce=none
NONE_CASES = [
    ("square", "B(i, i)*2", lambda a: np.diag(a).astype(np.float64) * 2),
    ("square", "B(i*n)", lambda a: a.reshape(-1)[np.arange(a.shape[0]) * a.shape[1]].astype(np.float64)),
    ("i16_3d", "B(i, 0) + B(i, n - 1)", lambda a: rows(a)[:, 0] + rows(a)[:, -1]),
    ("f32_fortran", "B(i, 1) * i", lambda a: rows(a)[:, 1] * np.arange(a.shape[0])),
]

# (expr, reduce, expected position or None, text the error line must contain)
ERROR_CASES = [
    ("x^2+", "sum", 4, "Unexpected end of expression"),
    ("x + y", "sum", 4, 'Unexpected token "y"'),
    ("foo(x)", "sum", 0, '"foo"'),
    ("sin(x", "sum", 5, ""),
    ("(x", "mean", 2, ""),
    ("x", "none", 0, "reduce=none"),
    ("B(i, j) + 1", "none", 5, "j exists only"),
    ("B(1, 2, 3)", "none", None, "B takes one index"),
    ("x % 3", "sum", 2, ""),
    ("", "sum", 0, "empty"),
    ("x", "median", None, "reduce must be"),
]


def make_arrays(workdir):
    rng = np.random.default_rng(7)
    arrays = {
        "f64": rng.normal(size=(37, 23)),
        "i16_3d": rng.integers(-300, 300, size=(11, 4, 5)).astype(np.int16),
        "f32_fortran": np.asfortranarray(rng.normal(size=(19, 6)).astype(np.float32)),
        "u8": rng.integers(0, 255, size=(5, 9)).astype(np.uint8),
        "square": rng.integers(-50, 50, size=(8, 8)).astype(np.int32),
        "vec": rng.normal(size=(13,)),
    }
    nan = rng.normal(size=(6, 5))
    nan[2, 3] = np.nan
    arrays["nan"] = nan
    paths = {}
    for name, arr in arrays.items():
        paths[name] = os.path.join(workdir, name + ".npy")
        np.save(paths[name], arr)
    return arrays, paths


def run(cli, argv):
    return subprocess.run([cli] + argv, capture_output=True, text=True, timeout=60)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    arrays, paths = make_arrays(args.workdir)
    out = os.path.join(args.workdir, "out.npy")
    summary = os.path.join(args.workdir, "summary.json")
    c = Checker()

    for name, expr, reduce, ref in ELEMENT_CASES + [(n, e, "none", r) for n, e, r in NONE_CASES]:
        if ref is None:
            continue
        title = "%s: expr=%s reduce=%s" % (name, expr, reduce)
        for workers in ("1", "3"):
            r = run(args.cli, ["run", "--input", paths[name], "--kernel", "formula", "--param", "expr=" + expr,
                               "--param", "reduce=" + reduce, "--workers", workers, "--output", out, "--quiet"])
            if not c.check(r.returncode == 0, title, "exit %d: %s" % (r.returncode, r.stderr.strip())):
                continue
            got = np.load(out)
            want = ref(arrays[name])
            c.check(got.shape == want.shape and np.allclose(got, want, rtol=RTOL, atol=ATOL, equal_nan=True),
                    title + " (workers %s)" % workers, "got %s want %s" % (got[:5], want[:5]))

    # Out-of-range reads fail their index only: NaN, a reason in the summary, exit 3, one line.
    a = arrays["square"]
    r = run(args.cli, ["run", "--input", paths["square"], "--kernel", "formula", "--param", "expr=B(i + 6, i)",
                       "--param", "reduce=none", "--workers", "2", "--output", out, "--summary", summary, "--quiet"])
    if c.check(r.returncode == 3, "out-of-range read exits 3", "exit %d: %s" % (r.returncode, r.stderr)):
        got = np.load(out)
        want = np.array([a[k + 6, k] if k + 6 < 8 else np.nan for k in range(8)], dtype=np.float64)
        c.check(np.array_equal(got, want, equal_nan=True), "out-of-range read gives NaN", "got %s want %s" % (got, want))
        doc = json.load(open(summary))
        c.check(sorted(doc["failed_indices"]) == [2, 3, 4, 5, 6, 7], "failed indices in the summary",
                str(doc["failed_indices"]))
        reasons = {f["index"]: f["reason"] for f in doc["failures"]}
        c.check(reasons.get(2) == "B(8, 2) is outside the array of 8 rows x 8 columns", "reason in the summary",
                str(reasons))
        lines = r.stderr.strip().splitlines()
        c.check(len(lines) == 1 and "6 of 8 indices failed" in lines[0] and "index 2: B(8, 2) is outside" in lines[0],
                "one stderr line with the first reason", r.stderr)
    # The flat reader checks the flat range; B(k) past the end fails, B(-1) too.
    for expr, bad in (("B(i*n + n)", [7]), ("B(i - 1, 0)", [0])):
        r = run(args.cli, ["run", "--input", paths["square"], "--kernel", "formula", "--param", "expr=" + expr,
                           "--param", "reduce=none", "--output", out, "--summary", summary, "--quiet"])
        if c.check(r.returncode == 3, expr + " exits 3", r.stderr):
            c.check(json.load(open(summary))["failed_indices"] == bad, expr + " fails only " + str(bad))

    # A formula failing everywhere cannot flood the pipe: each worker sends its first 100
    # reasons; the other failed indices get the generic one. Nothing is lost or crashes.
    many = os.path.join(args.workdir, "many.npy")
    np.save(many, np.zeros((300, 2)))
    r = run(args.cli, ["run", "--input", many, "--kernel", "formula", "--param", "expr=B(i, 5)", "--param", "reduce=none",
                       "--workers", "1", "--output", out, "--summary", summary, "--quiet"])
    if c.check(r.returncode == 3, "300 failing indices exit 3", r.stderr):
        doc = json.load(open(summary))
        reasons = [f["reason"] for f in doc["failures"]]
        specific = [x for x in reasons if "is outside the array" in x]
        c.check(len(doc["failed_indices"]) == 300 and len(specific) == 100, "first 100 reasons kept",
                "%d failed, %d specific" % (len(doc["failed_indices"]), len(specific)))
        c.check(all(x == "the kernel failed on this index" for x in reasons if x not in specific), "the rest generic")
        c.check(np.isnan(np.load(out)).all(), "all NaN")

    # Expression errors: refused before any worker starts, exit 2, one line with the position.
    for expr, reduce, position, text in ERROR_CASES:
        r = run(args.cli, ["run", "--input", paths["f64"], "--kernel", "formula", "--param", "expr=" + expr,
                           "--param", "reduce=" + reduce, "--output", out, "--quiet"])
        title = "error: expr=%r reduce=%s" % (expr, reduce)
        lines = r.stderr.strip().splitlines()
        c.check(r.returncode == 2 and len(lines) == 1 and lines[0].startswith("sharedmap-cli: error: formula"),
                title, "exit %d: %r" % (r.returncode, r.stderr))
        if position is not None:
            c.check(("position %d:" % position) in r.stderr, title + " names position %d" % position, r.stderr)
        c.check(text in r.stderr, title + " says " + repr(text), r.stderr)

    print("%d checks, %d failed" % (c.checks, c.failures))
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
