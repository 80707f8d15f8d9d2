#!/usr/bin/python3
"""Python kernels (issue 13): the user's own function, run by the real CLI and workers.

Run by ctest as
    /usr/bin/python3 tests/interop/test_python_kernels.py --cli build/bin/sharedmap-cli --workdir DIR

Real NumPy writes the inputs and computes the references; every function below is an ordinary
Python file the CLI is given with --python FILE.py:FUNCTION. Checked: the tutorial's test(a, B)
against np.diag; row-valued functions; keyword parameters (literals and strings, job files);
a __main__ block that must not run; exceptions (NaN, `Type: message (file:line)`, exit 3, not
retried); print() and C-level writes with chunk 1 and 4 workers; a write into B refused; a
segfaulting extension retried then failed alone; inconsistent shapes, None and strings; functions
without input; every refusal as exit 2 with one line; 1, 2 and 4 workers bit-identical; the
probe's result used, not computed twice; the probe's listing of a file for the window.
Exits 0 only when every check passes.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
from checker import Checker

FILES = {
    # The tutorial's function, unchanged, in a script with a __main__ block.
    "tutorial.py": '''
        """The tutorial's kernel."""
        import numpy as np

        def test(a, B):
            """B[a, a], as the tutorial's process_map computes it."""
            return B[a, a]

        def is_module_name(a, B):
            return float(__name__ == "tutorial")

        if __name__ == "__main__":
            open(MARKER, "w").write("the __main__ block ran")
    ''',
    "rows.py": '''
        import numpy as np

        def scaled(a, B, scale=2.0, *, offset=0):
            return B[a] * scale + offset

        def stats(a, image):
            row = image[a].astype(np.float64)
            return [row.min(), row.max(), row.sum()]

        def described(a, B):
            return [float(B.dtype == np.float32), float(B.flags.f_contiguous), float(B.flags.writeable),
                    float(B.shape == SHAPE), float(B.base is not None)]

        def keywords(a, B, scale=1, label="none", values=(0,), flag=False):
            return [a * scale, len(label), sum(values), float(flag), float(isinstance(label, str))]

        def needs_k(a, B, *, k):
            return a * k
    ''',
    "failing.py": '''
        import ctypes
        import os
        import numpy as np

        def one_bad(a, B):
            if a == 3:
                raise ValueError("index three is bad")
            return B[a, a]

        def first_bad(a, B):
            if a == 0:
                raise KeyError("zero")
            return B[a].sum()

        def always(a, B):
            return {}["missing"]

        def writes(a, B):
            B[a, 0] = 1.0
            return 0.0

        def segfault(a, B, bad=(3, 7)):
            if a in bad:
                ctypes.string_at(0)
            return B[a, a]

        def shapes(a, B):
            return np.arange(a % 3 + 1, dtype=np.float64)

        def odd_results(a, B):
            if a == 1:
                return None
            if a == 2:
                return "two"
            if a == 4:
                return 1 + 2j
            return float(a)

        def exits(a, B):
            if a == 5:
                os._exit(7)
            return float(a)
    ''',
    "printing.py": '''
        import ctypes
        import os
        import sys

        libc = ctypes.CDLL(None)

        def noisy(a, B):
            print("print", a)
            sys.stdout.write("stdout %d\\n" % a)
            sys.stderr.write("stderr %d\\n" % a)
            os.write(1, b"fd1 %d\\n" % a)
            os.write(2, b"fd2 %d\\n" % a)
            libc.printf(b"printf %d\\n", ctypes.c_int(a))
            return B[a, a] * 2
    ''',
    "noinput.py": '''
        def power(a, k=2):
            return a ** k

        def takes_b(a, B):
            return 0.0
    ''',
    "exact.py": '''
        import numpy as np

        def wobble(a, B):
            return float(np.sin(B[a]).sum() * (a + 0.5) / 3.0)
    ''',
    "counting.py": '''
        import os
        with open(LOG, "a") as f:
            f.write("import %d\\n" % os.getpid())

        def counted(a, B):
            with open(LOG, "a") as f:
                f.write("%d %d\\n" % (os.getpid(), a))
            return B[a, a]
    ''',
    "uses_lib.py": '''
        import mylib
        import frompath

        def via_lib(a, B):
            return mylib.twice(B[a, a]) + frompath.ZERO
    ''',
    "mylib.py": '''
        def twice(x):
            return 2 * x
    ''',
    "pathdir/frompath.py": '''
        ZERO = 0.0
    ''',
    "syntax_error.py": '''
        def f(a, B):
            return (a +
        x = 1
    ''',
    "import_error.py": '''
        import numpy
        import no_such_module_sharedmap

        def f(a, B):
            return 0
    ''',
    "raises_at_import.py": '''
        import sys
        sys.exit("this script wants to be run")

        def f(a, B):
            return 0
    ''',
    "crash_at_import.py": '''
        import ctypes
        ctypes.string_at(0)

        def f(a, B):
            return 0
    ''',
    "signatures.py": '''
        value = 3

        def one_arg(a):
            return a

        def three_required(a, B, c):
            return a
    ''',
    "uses_scipy.py": '''
        import numpy as np
        from scipy import ndimage

        def smooth_row(a, image, sigma=1.5):
            return ndimage.gaussian_filter(image.astype(np.float64), sigma, mode="nearest")[a]
    ''',
}


def write_files(workdir, marker, log, shape):
    paths = {}
    for name, text in FILES.items():
        path = os.path.join(workdir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        body = textwrap.dedent(text).lstrip()
        body = body.replace("MARKER", repr(marker)).replace("LOG", repr(log)).replace("SHAPE", repr(shape))
        with open(path, "w") as f:
            f.write(body)
        paths[name] = path
    return paths


def line_of(path, text):
    """The line of `path` that holds `text` (so reasons can be checked without counting lines)."""
    with open(path) as f:
        return next(n for n, line in enumerate(f, 1) if text in line)


def run(cli, argv, env=None, timeout=120):
    return subprocess.run([cli, "run"] + argv, capture_output=True, text=True, timeout=timeout, env=env)


def own_lines(stderr):
    """stderr without the workers' output (the lines the CLI itself printed)."""
    return [line for line in stderr.strip().splitlines() if not line.startswith("[worker ")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    work = args.workdir
    cli = args.cli
    worker = os.path.join(os.path.dirname(os.path.abspath(cli)), "sharedmap-worker")
    marker = os.path.join(work, "main-ran")
    log = os.path.join(work, "calls.log")
    f32_shape = (12, 5)
    files = write_files(work, marker, log, f32_shape)
    rng = np.random.default_rng(13)
    square = rng.normal(size=(40, 40))
    sq = os.path.join(work, "square.npy")
    np.save(sq, square)
    cube = rng.integers(-1000, 1000, size=(9, 4, 3)).astype(np.int16)
    cube_path = os.path.join(work, "cube.npy")
    np.save(cube_path, cube)
    f32 = np.asfortranarray(rng.normal(size=f32_shape).astype(np.float32))
    f32_path = os.path.join(work, "f32.npy")
    np.save(f32_path, f32)
    out = os.path.join(work, "out.npy")
    summary = os.path.join(work, "summary.json")
    c = Checker()

    def fn(name, function):
        return "%s:%s" % (files[name], function)

    def ok_run(title, argv, env=None):
        r = run(cli, argv + ["--output", out, "--summary", summary, "--quiet"], env=env)
        if not c.check(r.returncode == 0, title + " exits 0", "exit %d: %s" % (r.returncode, r.stderr[-2000:])):
            return None, None, r
        return np.load(out), json.load(open(summary)), r

    # --- the tutorial's function against np.diag -----------------------------------------------
    got, doc, r = ok_run("tutorial", ["--input", sq, "--python", fn("tutorial.py", "test"), "--workers", "2"])
    if got is not None:
        c.check(got.dtype == np.float64 and np.array_equal(got, np.diag(square)), "test(a, B) == np.diag(B)",
                str(got[:4]))
        c.check(doc["kernel"] == "python:%s:test" % files["tutorial.py"], "summary kernel", doc["kernel"])
        c.check(doc["job"].get("python") == {"file": files["tutorial.py"], "function": "test"},
                "summary job has the python part", str(doc["job"].get("python")))
        c.check(doc["tasks"] == 40 and doc["failed_indices"] == [] and doc["failures"] == [], "40 tasks, no failure")
    c.check(not os.path.exists(marker), "the __main__ block did not run")
    got, _, _ = ok_run("module name", ["--input", sq, "--python", fn("tutorial.py", "is_module_name"),
                                       "--indices", "0:3"])
    if got is not None:
        c.check(np.array_equal(got, [1.0, 1.0, 1.0]), "imported as a module named after the file", str(got))
    got, _, _ = ok_run("slice", ["--input", sq, "--python", fn("tutorial.py", "test"), "--indices", "-5::2",
                                 "--workers", "2"])
    if got is not None:
        c.check(np.array_equal(got, np.diag(square)[-5::2]), "a slice of the index space len(B)", str(got))

    # --- row-valued functions -----------------------------------------------------------------
    got, doc, _ = ok_run("rows", ["--input", sq, "--python", fn("rows.py", "scaled"), "--workers", "3"])
    if got is not None:
        c.check(got.shape == (40, 40) and np.array_equal(got, square * 2.0), "row-valued result", str(got.shape))
        c.check(doc["result_shape"] == [40], "result shape in the summary", str(doc["result_shape"]))
    got, _, _ = ok_run("stats of int16 3-D", ["--input", cube_path, "--python", fn("rows.py", "stats"),
                                              "--workers", "2", "--chunksize", "1"])
    if got is not None:
        m = cube.reshape(9, -1).astype(np.float64)
        want = np.stack([m.min(1), m.max(1), m.sum(1)], axis=1)
        c.check(np.array_equal(got, want), "a list result, int16 3-D input, free parameter names", str(got[:2]))
    got, _, _ = ok_run("B as seen", ["--input", f32_path, "--python", fn("rows.py", "described"), "--indices", "0:2"])
    if got is not None:
        c.check(np.array_equal(got, [[1, 1, 0, 1, 1]] * 2),
                "B is float32, Fortran order, read-only, its shape, a view (no copy)", str(got))

    # --- keyword parameters ------------------------------------------------------------------
    got, _, _ = ok_run("keywords", ["--input", sq, "--python", fn("rows.py", "keywords"), "--indices", "0:4",
                                    "--param", "scale=3", "--param", "label=abcde", "--param", "values=[1, 2, 3]",
                                    "--param", "flag=True"])
    if got is not None:
        want = [[a * 3, 5, 6, 1, 1] for a in range(4)]
        c.check(np.array_equal(got, want), "literal and string parameters", str(got))
    got, _, _ = ok_run("quoted string", ["--input", sq, "--python", fn("rows.py", "keywords"), "--indices", "1",
                                         "--param", "label='12'"])
    if got is not None:
        c.check(np.array_equal(got, [[1, 2, 0, 0, 1]]), "'12' stays a string, defaults apply", str(got))
    got, _, _ = ok_run("scale offset", ["--input", sq, "--python", fn("rows.py", "scaled"), "--param", "scale=-1",
                                        "--param", "offset=0.5"])
    if got is not None:
        c.check(np.array_equal(got, -square + 0.5), "scale=-1 offset=0.5 (keyword-only)")
    got, _, _ = ok_run("required keyword", ["--input", sq, "--python", fn("rows.py", "needs_k"), "--param", "k=4",
                                            "--indices", "0:5"])
    if got is not None:
        c.check(np.array_equal(got, np.arange(5) * 4.0), "a required keyword-only parameter given", str(got))

    # --- a job file ------------------------------------------------------------------------------
    job_dir = os.path.join(work, "jobdir")
    os.makedirs(job_dir, exist_ok=True)
    shutil.copy(files["rows.py"], os.path.join(job_dir, "rows_job.py"))
    job = os.path.join(job_dir, "job.json")
    with open(job, "w") as f:
        json.dump({"input": sq, "python": {"file": "rows_job.py", "function": "scaled"},
                   "params": {"scale": 0.5, "offset": "2"}, "workers": 2, "indices": "0:10"}, f)
    got, doc, _ = ok_run("job file", ["--job", job])
    if got is not None:
        c.check(np.array_equal(got, square[:10] * 0.5 + 2), "a job file with python (relative file, JSON params)")
        c.check(doc["job"]["python"]["function"] == "scaled", "job file python part kept", str(doc["job"]))
    r = run(cli, ["--job", job, "--python", fn("tutorial.py", "test")])
    c.check(r.returncode == 2 and "test(a, B) takes no parameter" in r.stderr,
            "--python overrides the job's function; its params the new one cannot take are refused", r.stderr)
    with open(job, "w") as f:
        json.dump({"input": sq, "python": {"file": "rows_job.py"}}, f)
    r = run(cli, ["--job", job])
    c.check(r.returncode == 2 and len(own_lines(r.stderr)) == 1 and "python" in r.stderr,
            "a job file's python part without function is refused", r.stderr)

    # --- exceptions ------------------------------------------------------------------------------
    r = run(cli, ["--input", sq, "--python", fn("failing.py", "one_bad"), "--workers", "2", "--output", out,
                  "--summary", summary, "--quiet"])
    if c.check(r.returncode == 3, "an exception exits 3", "exit %d: %s" % (r.returncode, r.stderr)):
        got = np.load(out)
        want = np.diag(square).copy()
        want[3] = np.nan
        c.check(np.array_equal(got, want, equal_nan=True), "NaN for the failed index, the others exact")
        doc = json.load(open(summary))
        c.check(doc["failed_indices"] == [3], "failed_indices [3]", str(doc["failed_indices"]))
        reason = doc["failures"][0]["reason"] if doc["failures"] else ""
        where = line_of(files["failing.py"], 'raise ValueError("index three')
        c.check(reason == "ValueError: index three is bad (failing.py:%d)" % where, "reason Type: message (file:line)", reason)
        c.check(doc["retried_chunks"] == 0, "an exception is not retried", str(doc["retried_chunks"]))
        c.check("Traceback (most recent call last)" in r.stderr and "[worker " in r.stderr,
                "the traceback is in the log", r.stderr[-500:])
        lines = own_lines(r.stderr)
        c.check(len(lines) == 1 and "index 3: ValueError: index three is bad" in lines[0], "one warning line",
                str(lines))
    # The first position raises: the probe moves to the next one; both results are the job's.
    r = run(cli, ["--input", sq, "--python", fn("failing.py", "first_bad"), "--output", out, "--summary", summary,
                  "--quiet", "--workers", "2"])
    if c.check(r.returncode == 3, "first position raising exits 3", r.stderr):
        got = np.load(out)
        want = square.sum(1)
        want[0] = np.nan
        c.check(np.array_equal(got, want, equal_nan=True), "the shape comes from the next position", str(got[:3]))
        doc = json.load(open(summary))
        c.check(doc["failed_indices"] == [0] and "KeyError: 'zero' (failing.py:%d)" % line_of(files["failing.py"], 'KeyError("zero")')
                == doc["failures"][0]["reason"],
                "position 0 failed with its reason", str(doc["failures"]))
    # Nothing succeeds in the first 16 positions: the job stops there.
    r = run(cli, ["--input", sq, "--python", fn("failing.py", "always"), "--output", out, "--summary", summary,
                  "--quiet"])
    if c.check(r.returncode == 3, "always raising exits 3", r.stderr):
        got = np.load(out)
        doc = json.load(open(summary))
        c.check(got.shape == (40,) and np.isnan(got).all(), "all NaN", str(got[:3]))
        c.check(doc["failed_indices"] == list(range(16)) and doc["done"] == 0,
                "16 probed positions failed, the rest not computed", "%s done %s" % (doc["failed_indices"], doc["done"]))
        where = line_of(files["failing.py"], '{}["missing"]')
        c.check(all(f["reason"] == "KeyError: 'missing' (failing.py:%d)" % where for f in doc["failures"]), "their reasons",
                str(doc["failures"][:2]))
        c.check("the job stops there" in r.stderr, "a line says the job stopped", r.stderr)

    # --- a write into B, odd results, shapes ----------------------------------------------------
    r = run(cli, ["--input", sq, "--python", fn("failing.py", "writes"), "--indices", "0:3", "--summary", summary,
                  "--quiet"])
    if c.check(r.returncode == 3, "writing into B exits 3", r.stderr):
        doc = json.load(open(summary))
        reasons = [f["reason"] for f in doc["failures"]]
        c.check(len(reasons) == 3 and all(x.startswith("ValueError: assignment destination is read-only") for x in reasons),
                "a write into B is a ValueError", str(reasons))
    c.check(np.array_equal(np.load(sq), square), "the input file is unchanged")
    r = run(cli, ["--input", sq, "--python", fn("failing.py", "shapes"), "--indices", "0:6", "--workers", "2",
                  "--output", out, "--summary", summary, "--quiet"])
    if c.check(r.returncode == 3, "inconsistent shapes exit 3", r.stderr):
        got = np.load(out)
        doc = json.load(open(summary))
        c.check(got.shape == (6, 1) and np.array_equal(got[[0, 3], 0], [0.0, 0.0]), "shape fixed by position 0",
                str(got.ravel()))
        c.check(doc["failed_indices"] == [1, 2, 4, 5], "other shapes fail", str(doc["failed_indices"]))
        reasons = {f["index"]: f["reason"] for f in doc["failures"]}
        c.check(reasons.get(1) == "returned shape (2,), not shape (1,) as the first result", "shape reason",
                str(reasons))
    r = run(cli, ["--input", sq, "--python", fn("failing.py", "odd_results"), "--indices", "0:6", "--output", out,
                  "--summary", summary, "--quiet"])
    if c.check(r.returncode == 3, "None/str/complex results exit 3", r.stderr):
        got = np.load(out)
        doc = json.load(open(summary))
        c.check(np.array_equal(got, [0, np.nan, np.nan, 3, np.nan, 5], equal_nan=True), "others exact", str(got))
        reasons = {f["index"]: f["reason"] for f in doc["failures"]}
        c.check(reasons.get(1) == "returned None, not a number or an array", "None reason", str(reasons))
        c.check(reasons.get(2) == "returned a string ('two'), not a number", "string reason", str(reasons))
        c.check("complex" in reasons.get(4, ""), "complex reason", str(reasons))

    # --- crashes: a segfault in an extension, os._exit ------------------------------------------
    r = run(cli, ["--input", sq, "--python", fn("failing.py", "segfault"), "--indices", "0:12", "--workers", "2",
                  "--chunksize", "2", "--output", out, "--summary", summary, "--quiet"])
    if c.check(r.returncode == 3, "segfaults exit 3", "exit %d: %s" % (r.returncode, r.stderr[-1500:])):
        got = np.load(out)
        doc = json.load(open(summary))
        want = np.diag(square)[:12].copy()
        want[[3, 7]] = np.nan
        c.check(np.array_equal(got, want, equal_nan=True), "the crashing indices alone fail", str(got))
        c.check(doc["failed_indices"] == [3, 7], "failed [3, 7]", str(doc["failed_indices"]))
        c.check(doc["retried_chunks"] >= 6, "each crash retried (2 retries each)", str(doc["retried_chunks"]))
        c.check(all("crashed" in f["reason"] for f in doc["failures"]), "reason: crashed", str(doc["failures"]))
    r = run(cli, ["--input", sq, "--python", fn("failing.py", "exits"), "--indices", "0:8", "--output", out,
                  "--summary", summary, "--quiet", "--max-retries", "1"])
    if c.check(r.returncode == 3, "os._exit exits 3", r.stderr[-1000:]):
        doc = json.load(open(summary))
        c.check(doc["failed_indices"] == [5], "os._exit is a crash of that index", str(doc["failed_indices"]))

    # --- output of the function goes to the log, never into the pipe ---------------------------
    r = run(cli, ["--input", sq, "--python", fn("printing.py", "noisy"), "--workers", "4", "--chunksize", "1",
                  "--output", out, "--quiet"])
    if c.check(r.returncode == 0, "printing exits 0", "exit %d: %s" % (r.returncode, r.stderr[-1500:])):
        c.check(np.array_equal(np.load(out), np.diag(square) * 2), "results exact with 4 workers printing")
        lines = r.stderr.splitlines()
        for kind in ("print", "stdout", "stderr", "fd1", "fd2", "printf"):
            seen = {int(line.split()[-1]) for line in lines
                    if line.startswith("[worker ") and line.split("] ", 1)[-1].startswith(kind + " ")}
            c.check(seen == set(range(40)), "every %s line reached stderr as [worker K]" % kind,
                    "%d of 40" % len(seen))
        c.check(len(own_lines(r.stderr)) == 0, "nothing else on stderr", str(own_lines(r.stderr))[:300])

    # --- without input -------------------------------------------------------------------------
    got, doc, _ = ok_run("no input", ["--python", fn("noinput.py", "power"), "--indices", "0:10", "--param", "k=3",
                                      "--workers", "2"])
    if got is not None:
        c.check(np.array_equal(got, np.arange(10.0) ** 3), "power(a, k=3)", str(got))
        c.check(doc["input"] == {}, "no input in the summary", str(doc["input"]))
    got, _, _ = ok_run("no input, list", ["--python", fn("noinput.py", "power"), "--indices", "7,2,7"])
    if got is not None:
        c.check(np.array_equal(got, [49.0, 4.0, 49.0]), "a list of indices, repeated", str(got))
    for spec in ("all", "5:", "-3:", "0:-1", ":"):
        argv = ["--python", fn("noinput.py", "power")] + (["--indices", spec] if spec != "all" else [])
        r = run(cli, argv)
        c.check(r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "explicit stop" in r.stderr,
                "no input, --indices %s refused" % spec, "exit %d: %s" % (r.returncode, r.stderr))

    # --- refusals: exit 2, one line naming the file, before any worker starts --------------------
    refusals = [
        ("missing file", ["--input", sq, "--python", os.path.join(work, "absent.py") + ":f"], "absent.py: no such file"),
        ("syntax", ["--input", sq, "--python", fn("syntax_error.py", "f")], "syntax_error.py:2: SyntaxError: "),
        ("import", ["--input", sq, "--python", fn("import_error.py", "f")], "no_such_module_sharedmap"),
        ("raises at import", ["--input", sq, "--python", fn("raises_at_import.py", "f")],
         "raises_at_import.py:2: SystemExit while importing: this script wants to be run"),
        ("crash at import", ["--input", sq, "--python", fn("crash_at_import.py", "f")], "crashed"),
        ("no function", ["--input", sq, "--python", fn("signatures.py", "nope")],
         "signatures.py: no function 'nope' (functions: one_arg, three_required)"),
        ("not callable", ["--input", sq, "--python", fn("signatures.py", "value")], "'value' is not callable"),
        ("signature", ["--input", sq, "--python", fn("signatures.py", "one_arg")], "cannot be called as one_arg(a, B)"),
        ("missing param", ["--input", sq, "--python", fn("signatures.py", "three_required")], "needs --param c=VALUE"),
        ("unknown param", ["--input", sq, "--python", fn("rows.py", "scaled"), "--param", "sigma=2"],
         "takes no parameter 'sigma'"),
        ("positional-only B as param", ["--input", sq, "--python", fn("rows.py", "scaled"), "--param", "B=2"],
         "takes no parameter 'B'"),
        ("no input for (a, B)", ["--python", fn("noinput.py", "takes_b"), "--indices", "0:3"], "give --input"),
        ("no colon", ["--input", sq, "--python", files["tutorial.py"]], "FILE.py:FUNCTION"),
        ("empty function", ["--input", sq, "--python", files["tutorial.py"] + ":"], "FILE.py:FUNCTION"),
        ("kernel and python", ["--input", sq, "--kernel", "diag", "--python", fn("tutorial.py", "test")], "not both"),
        ("0-d input", ["--input", os.path.join(work, "scalar.npy"), "--python", fn("tutorial.py", "test")], "0-d"),
        ("a folder", ["--input", sq, "--python", work + ":f"], "is a folder"),
    ]
    np.save(os.path.join(work, "scalar.npy"), np.float64(3.0))
    for title, argv, text in refusals:
        r = run(cli, argv + ["--output", out])
        lines = r.stderr.strip().splitlines()
        c.check(r.returncode == 2 and len(lines) == 1 and lines[0].startswith("sharedmap-cli: error: ")
                and text in lines[0], "refused: " + title, "exit %d: %r (want %r)" % (r.returncode, r.stderr, text))

    # A refused job runs nothing of the file in any worker: only the probe imported it.
    if os.path.exists(log):
        os.remove(log)
    r = run(cli, ["--input", sq, "--python", fn("counting.py", "counted"), "--param", "nope=1", "--workers", "4"])
    imports = open(log).read().count("import") if os.path.exists(log) else 0
    c.check(r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, "unknown param refused", r.stderr)
    c.check(imports == 1, "the refused file was imported by the probe only", "%d imports" % imports)

    # --- 1, 2 and 4 workers bit-identical ------------------------------------------------------
    results = []
    for workers in ("1", "2", "4"):
        got, _, _ = ok_run("exact %s workers" % workers, ["--input", sq, "--python", fn("exact.py", "wobble"),
                                                          "--workers", workers, "--chunksize", "3"])
        results.append(got)
    if all(x is not None for x in results):
        c.check(all(x.tobytes() == results[0].tobytes() for x in results), "1, 2 and 4 workers bit-identical")
        want = np.array([float(np.sin(square[a]).sum() * (a + 0.5) / 3.0) for a in range(40)])
        c.check(results[0].tobytes() == want.tobytes(), "bit-identical to the same function in Python")

    # --- the probe's result is the first position's result --------------------------------------
    if os.path.exists(log):
        os.remove(log)
    got, _, _ = ok_run("counted", ["--input", sq, "--python", fn("counting.py", "counted"), "--workers", "2",
                                   "--indices", "0:10"])
    if got is not None:
        calls = [line.split() for line in open(log) if not line.startswith("import")]
        per_index = {}
        for _, index in calls:
            per_index[int(index)] = per_index.get(int(index), 0) + 1
        c.check(per_index == {a: 1 for a in range(10)}, "each index computed once, the probe's included",
                str(per_index))

    # --- sys.path: the file's folder first, then PYTHONPATH; copy mode; SciPy --------------------
    env = dict(os.environ, PYTHONPATH=os.path.join(work, "pathdir"))
    got, _, _ = ok_run("sys.path", ["--input", sq, "--python", fn("uses_lib.py", "via_lib"), "--indices", "0:5"],
                       env=env)
    if got is not None:
        c.check(np.array_equal(got, 2 * np.diag(square)[:5]), "imports from the file's folder and PYTHONPATH")
    got, _, _ = ok_run("copy mode", ["--input", sq, "--python", fn("tutorial.py", "test"), "--mode", "copy",
                                     "--workers", "2"])
    if got is not None:
        c.check(np.array_equal(got, np.diag(square)), "--mode copy: B over the worker's own copy")
    image = rng.normal(size=(16, 12))
    image_path = os.path.join(work, "image.npy")
    np.save(image_path, image)
    got, _, _ = ok_run("scipy", ["--input", image_path, "--python", fn("uses_scipy.py", "smooth_row"),
                                 "--param", "sigma=2", "--workers", "2"])
    if got is not None:
        from scipy import ndimage
        c.check(np.allclose(got, ndimage.gaussian_filter(image, 2, mode="nearest"), rtol=0, atol=1e-12),
                "a SciPy function per row")

    # --- the examples of resources/examples/python ----------------------------------------------
    examples = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "resources", "examples", "python")
    got, _, _ = ok_run("example tutorial", ["--input", sq, "--python", os.path.join(examples, "tutorial.py") + ":test",
                                            "--workers", "2", "--chunksize", "1"])
    if got is not None:
        c.check(np.array_equal(got, np.diag(square)), "example tutorial.py:test == np.diag(B)")
    got, _, _ = ok_run("example rows", ["--input", cube_path, "--python", os.path.join(examples, "rows.py") + ":describe"])
    if got is not None:
        m = cube.reshape(9, -1)
        want = np.stack([m.min(1), m.max(1), m.mean(1), m.std(1)], axis=1)
        c.check(np.allclose(got, want, rtol=1e-12, atol=0), "example rows.py:describe")
    got, _, _ = ok_run("example normalize", ["--input", sq, "--python", os.path.join(examples, "rows.py") + ":normalize"])
    if got is not None:
        c.check(np.allclose(got, square / np.linalg.norm(square, axis=1, keepdims=True), rtol=1e-12, atol=0),
                "example rows.py:normalize")
    got, _, _ = ok_run("example smooth", ["--input", image_path, "--python", os.path.join(examples, "smooth.py")
                                          + ":blurred_row", "--param", "sigma=1.5", "--workers", "2"])
    if got is not None:
        from scipy import ndimage
        c.check(np.allclose(got, ndimage.gaussian_filter(image, 1.5, mode="nearest"), rtol=0, atol=1e-12),
                "example smooth.py:blurred_row == scipy.ndimage.gaussian_filter")

    # --- the probe's listing, for the window ---------------------------------------------------
    p = subprocess.run([worker, "--probe-python", files["rows.py"]], capture_output=True, text=True, timeout=60)
    if c.check(p.returncode == 0, "probe exits 0", p.stderr):
        doc = json.loads(p.stdout.strip().splitlines()[-1])
        names = [f["name"] for f in doc["functions"]]
        c.check(doc["ok"] and names == ["scaled", "stats", "described", "keywords", "needs_k"],
                "the file's functions in order", str(names))
        scaled = doc["functions"][0]
        c.check(scaled["line"] == 3 and scaled["end_line"] == 4, "line and end line", str(scaled))
        c.check(scaled["params"] == [{"name": "a", "kind": "positional_or_keyword", "default": None},
                                     {"name": "B", "kind": "positional_or_keyword", "default": None},
                                     {"name": "scale", "kind": "positional_or_keyword", "default": "2.0"},
                                     {"name": "offset", "kind": "keyword_only", "default": "0"}],
                "parameters with kinds and defaults", str(scaled["params"]))
    p = subprocess.run([worker, "--probe-python", files["tutorial.py"], "--function", "test", "--with-input", "1"],
                       capture_output=True, text=True, timeout=60)
    doc = json.loads(p.stdout.strip().splitlines()[-1]) if p.stdout.strip() else {}
    c.check(doc.get("ok") and doc.get("function", {}).get("doc") == "B[a, a], as the tutorial's process_map computes it.",
            "the chosen function with its docstring", str(doc.get("function")))
    p = subprocess.run([worker, "--probe-python", files["syntax_error.py"]], capture_output=True, text=True, timeout=60)
    doc = json.loads(p.stdout.strip().splitlines()[-1]) if p.stdout.strip() else {}
    c.check(doc.get("error_kind") == "syntax" and not doc.get("ok"), "error kind syntax", str(doc))

    print("%d checks, %d failed" % (c.checks, c.failures))
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
