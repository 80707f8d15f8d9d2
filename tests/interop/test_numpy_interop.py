#!/usr/bin/python3
"""NumPy interop test for sharedmap-cli: the kernels of docs/KERNELS.md, the command line and the .npy format.

Run by ctest as
    /usr/bin/python3 tests/interop/test_numpy_interop.py --cli build/bin/sharedmap-cli --workdir DIR

Writes .npy files with real NumPy (every supported dtype, both byte orders, C and Fortran order,
format versions 1.0/2.0/3.0, 1-D to 32-D, empty), runs the CLI on them and compares the results with
NumPy's. Also checks --indices (Python slice rules, lists, @file), CSV output, --summary JSON,
`info`, `kernels --json`, `generate`, the tutorial job and the refusal of bad input (exit code 2
with one readable line on stderr).

Options:
  --dry-run   only write the NumPy files, compute the references and print the planned CLI runs
  --full      run every kernel on every dtype/byte-order variant (default: a covering subset)
  --jobs N    run up to N CLI invocations at once (default 2: also exercises concurrent jobs)
  --timeout S per-invocation timeout in seconds (default 20); a hang is a failure
  --verbose   print every command as it runs

Uses only the standard library and numpy. Exits 0 only when every check passes.
"""

import argparse
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np

KERNELS = ["diag", "row_sum", "row_mean", "row_std", "row_min", "row_max", "row_norm"]
ROW_KERNELS = KERNELS[1:]
RTOL = 1e-9
ATOL = 1e-9
WORKERS = [1, 2, 4]
CHUNKS = ["1", "7", "auto"]
SUMMARY_KEYS = ["kernel", "tasks", "workers", "chunksize", "elapsed_s", "tasks_per_s",
                "retried_chunks", "failed_indices", "peak_memory_bytes", "input", "version",
                "job", "started_at"]
INPUT_KEYS = ["path", "dtype", "shape", "bytes"]


# --------------------------------------------------------------------------------------------
# NumPy references
# --------------------------------------------------------------------------------------------

def index_space(arr, kernel):
    """Size of the kernel's index space (`all`), or None if the kernel does not apply."""
    if kernel == "diag":
        return min(arr.shape) if arr.ndim == 2 else None
    return arr.shape[0] if arr.ndim >= 1 else None


def reference(arr, kernel):
    """The kernel's value for every index of its index space, as float64 (docs/KERNELS.md, "The table")."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        if kernel == "diag":
            return np.diag(arr).astype(np.float64)
        n = arr.shape[0]
        if n == 0:
            return np.zeros(0, dtype=np.float64)
        m = arr.reshape(n, -1).astype(np.float64)
        if kernel == "row_sum":
            return m.sum(1)
        if kernel == "row_mean":
            return m.mean(1)
        if kernel == "row_std":
            return m.std(1)
        if kernel == "row_min":
            return m.min(1)
        if kernel == "row_max":
            return m.max(1)
        if kernel == "row_norm":
            return np.linalg.norm(m, axis=1)
    raise ValueError(kernel)


def resolve_indices(spec, n):
    """Positions -> indices for an --indices SPEC, with Python's own rules."""
    if spec is None or spec == "all":
        return np.arange(n, dtype=np.int64)
    if spec.startswith("@"):
        return np.load(spec[1:]).astype(np.int64)
    if ":" in spec:
        parts = [int(p) if p.strip() else None for p in spec.split(":")]
        return np.array(range(n)[slice(*parts)], dtype=np.int64)
    return np.array([int(x) for x in spec.split(",")], dtype=np.int64)


def compare(got, want, idx):
    """None when equal within tolerance (NaN == NaN), else a readable description."""
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    if got.shape != want.shape:
        return "shape %s, expected %s" % (got.shape, want.shape)
    if got.size == 0:
        return None
    close = np.isclose(got, want, rtol=RTOL, atol=ATOL, equal_nan=True)
    if close.all():
        return None
    with np.errstate(all="ignore"):
        finite = np.isfinite(got) & np.isfinite(want)
        absd = np.where(finite, np.abs(got - want), 0.0)
        reld = np.where(finite, absd / np.maximum(np.abs(want), np.finfo(np.float64).tiny), 0.0)
    nan_mismatch = int((np.isnan(got) != np.isnan(want)).sum())
    bad = np.flatnonzero(~close)
    p = int(bad[0])
    return ("%d of %d values differ; max abs diff %.3g, max rel diff %.3g, NaN mismatches %d; "
            "first at position %d (index %d): got %r, expected %r"
            % (bad.size, got.size, absd.max(), reld.max(), nan_mismatch, p, int(idx[p]),
               float(got[p]), float(want[p])))


# --------------------------------------------------------------------------------------------
# Writing the input files
# --------------------------------------------------------------------------------------------

class DataFile:
    def __init__(self, path, arr, version, note=""):
        self.path = path
        self.arr = arr
        self.version = version
        self.note = note

    @property
    def name(self):
        return os.path.basename(self.path)

    @property
    def order(self):
        return "F" if (self.arr.ndim > 1 and self.arr.flags.f_contiguous
                       and not self.arr.flags.c_contiguous) else "C"

    @property
    def byteorder(self):
        bo = self.arr.dtype.byteorder
        if bo == "=":
            return "<" if sys.byteorder == "little" else ">"
        return bo

    def describe(self):
        return "%s (dtype %s, order %s, v%d.0, shape %s%s)" % (
            self.name, self.arr.dtype.str, self.order, self.version,
            "x".join(map(str, self.arr.shape)) or "()", (", " + self.note) if self.note else "")


def write_npy(path, arr, version):
    if version == 1:
        np.save(path, arr, allow_pickle=False)   # np.save writes format 1.0 for these headers
    else:
        with open(path, "wb") as f:
            np.lib.format.write_array(f, arr, version=(version, 0), allow_pickle=False)
    # Self-check: the file really has the version, order and contents we claim.
    with open(path, "rb") as f:
        major, minor = np.lib.format.read_magic(f)
        if major == 1:
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
        else:
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
    want_fortran = arr.ndim > 1 and arr.flags.f_contiguous and not arr.flags.c_contiguous
    assert (major, minor) == (version, 0), (path, major, minor)
    assert fortran == want_fortran, (path, fortran)
    assert dtype == arr.dtype and tuple(shape) == arr.shape, (path, dtype, shape)
    back = np.load(path)
    assert back.dtype == arr.dtype and np.array_equal(back, arr, equal_nan=(arr.dtype.kind == "f"))


def random_values(rng, dtype_name, shape):
    if dtype_name == "bool":
        return rng.integers(0, 2, size=shape).astype(bool)
    if dtype_name.startswith("int"):
        lim = {"int8": 100, "int16": 1000, "int32": 100000, "int64": 1000000}[dtype_name]
        return rng.integers(-lim, lim + 1, size=shape).astype(dtype_name)
    if dtype_name.startswith("uint"):
        lim = {"uint8": 250, "uint16": 60000, "uint32": 1000000, "uint64": 1000000}[dtype_name]
        return rng.integers(0, lim + 1, size=shape).astype(dtype_name)
    if dtype_name == "float32":
        return (rng.standard_normal(size=shape) * 10).astype(np.float32)
    return rng.standard_normal(size=shape) * 100 + 5


def make_variant(rng, dtype_name, byteorder, order, shape):
    a = random_values(rng, dtype_name, shape)
    if byteorder in "<>" and a.dtype.itemsize > 1:
        a = a.astype(a.dtype.newbyteorder(byteorder))
    if order == "F":
        a = np.asfortranarray(a)
    else:
        a = np.ascontiguousarray(a)
    return a


SINGLE_BYTE = ["bool", "int8", "uint8"]
MULTI_BYTE = ["int16", "int32", "int64", "uint16", "uint32", "uint64", "float32", "float64"]


def build_data(datadir, rng):
    """Returns (matrix files: list of DataFile, nd files, special files dict)."""
    matrix = []
    i = 0
    variants = [(d, "|") for d in SINGLE_BYTE]
    for j, d in enumerate(MULTI_BYTE):
        variants.append((d, "<"))
        variants.append((d, ">"))
    for d, bo in variants:
        # Orders alternate so that every byte order meets both orders; versions cycle 1, 2, 3.
        order = "CF"[(i + (i // 2)) % 2]
        version = i % 3 + 1
        shape = (37, 23) if (i // 3) % 2 == 0 else (23, 37)
        a = make_variant(rng, d, bo, order, shape)
        tag = {"<": "le", ">": "be", "|": "na"}[bo]
        path = os.path.join(datadir, "m_%s_%s_%s_v%d_%dx%d.npy" % (d, tag, order, version, *shape))
        write_npy(path, a, version)
        matrix.append(DataFile(path, a, version))
        i += 1

    nd = []
    specs = [  # dtype, byteorder, order, shape, version
        ("float64", "<", "C", (50,), 1),
        ("int32", ">", "C", (31,), 2),
        ("float32", "<", "F", (11, 4, 5), 3),
        ("uint16", ">", "C", (9, 3, 7), 1),
        ("int16", ">", "F", (3, 2, 1, 2, 3, 1, 2, 2), 2),
        ("int8", "|", "C", (2,) + (1,) * 30 + (3,), 3),      # 32 dimensions, NumPy's limit
    ]
    for d, bo, order, shape, version in specs:
        a = make_variant(rng, d, bo, order, shape)
        tag = {"<": "le", ">": "be", "|": "na"}[bo]
        path = os.path.join(datadir, "nd%d_%s_%s_%s_v%d.npy" % (len(shape), d, tag, order, version))
        write_npy(path, a, version)
        nd.append(DataFile(path, a, version))

    special = {}
    # Empty rows: shape (0, 5); every kernel has an empty index space (a 0-row job).
    a = np.zeros((0, 5), dtype=np.float64)
    path = os.path.join(datadir, "empty_0x5.npy")
    write_npy(path, a, 1)
    special["empty"] = DataFile(path, a, 1, "empty")
    # NaN propagation (NumPy's min/max/sum/... propagate NaN).
    a = np.ascontiguousarray(rng.standard_normal((13, 9)))
    a[3, 3] = np.nan
    a[10, 5] = np.nan
    path = os.path.join(datadir, "nan_13x9.npy")
    write_npy(path, a, 1)
    special["nan"] = DataFile(path, a, 1, "contains NaN")
    # 0-d array (for info).
    a = np.array(3.25)
    path = os.path.join(datadir, "scalar_0d.npy")
    write_npy(path, a, 1)
    special["scalar"] = DataFile(path, a, 1, "0-d")
    # A plain C-order little-endian float64 matrix for the --indices, CSV and usage checks.
    a = make_variant(rng, "float64", "<", "C", (37, 23))
    path = os.path.join(datadir, "base_float64_le_C_v1_37x23.npy")
    write_npy(path, a, 1)
    special["base"] = DataFile(path, a, 1)
    # The tutorial's 6x6 float64 B.
    a = rng.random((6, 6))
    path = os.path.join(datadir, "tutorial_B.npy")
    write_npy(path, a, 1)
    special["tutorial"] = DataFile(path, a, 1, "tutorial")
    # Index files for --indices @FILE.npy.
    special["idx_i8"] = os.path.join(datadir, "idx_int64.npy")
    np.save(special["idx_i8"], np.array([0, 5, 5, 22, 1, 17, 3, 3, 0, 12], dtype=np.int64))
    special["idx_be_i4"] = os.path.join(datadir, "idx_be_int32.npy")
    np.save(special["idx_be_i4"], np.array([20, 2, 2, 9], dtype=">i4"))
    special["idx_float"] = os.path.join(datadir, "idx_float.npy")
    np.save(special["idx_float"], np.array([0.0, 1.0, 2.0]))
    special["idx_2d"] = os.path.join(datadir, "idx_2d.npy")
    np.save(special["idx_2d"], np.array([[0, 1], [2, 3]], dtype=np.int64))
    return matrix, nd, special


class Evil:
    """Unpickling this runs `touch SENTINEL`; the CLI must never execute a pickle."""
    sentinel = None

    def __reduce__(self):
        return (os.system, ("touch '%s'" % Evil.sentinel,))


def write_header_raw(f, header_text, major=1):
    """A hand-made .npy header (for lying/garbage headers NumPy itself would not write)."""
    magic = b"\x93NUMPY" + bytes([major, 0])
    hlen_size = 2 if major == 1 else 4
    body = header_text.encode("latin1")
    total = len(magic) + hlen_size + len(body) + 1
    pad = (64 - total % 64) % 64
    body = body + b" " * pad + b"\n"
    f.write(magic)
    f.write(len(body).to_bytes(hlen_size, "little"))
    f.write(body)


def build_bad_files(datadir):
    bad = {}

    def p(name):
        return os.path.join(datadir, name)

    bad["complex128"] = p("bad_complex128.npy")
    np.save(bad["complex128"], (np.arange(12) * (1 + 2j)).reshape(3, 4))
    bad["unicode <U3"] = p("bad_unicode.npy")
    np.save(bad["unicode <U3"], np.array([["abc", "de"], ["f", "ghi"]], dtype="<U3"))
    Evil.sentinel = p("PICKLE_WAS_EXECUTED")
    if os.path.exists(Evil.sentinel):
        os.remove(Evil.sentinel)
    bad["object (pickle)"] = p("bad_object_pickle.npy")
    np.save(bad["object (pickle)"], np.array([Evil(), 1, 2], dtype=object), allow_pickle=True)
    bad["structured"] = p("bad_structured.npy")
    np.save(bad["structured"], np.zeros((4, 3), dtype=[("a", "<i4"), ("b", "<f8")]))
    bad["float16"] = p("bad_float16.npy")
    np.save(bad["float16"], np.ones((4, 4), dtype=np.float16))
    bad["longdouble"] = p("bad_longdouble.npy")
    np.save(bad["longdouble"], np.ones((4, 4), dtype=np.longdouble))
    bad["datetime64"] = p("bad_datetime64.npy")
    np.save(bad["datetime64"], np.array(["2020-01-01", "2021-01-01"], dtype="datetime64[s]"))

    good = np.arange(37 * 23, dtype=np.float64).reshape(37, 23)
    bad["truncated data"] = p("bad_truncated.npy")
    np.save(bad["truncated data"], good)
    size = os.path.getsize(bad["truncated data"])
    with open(bad["truncated data"], "r+b") as f:
        f.truncate(size - 100)
    bad["truncated header"] = p("bad_truncated_header.npy")
    with open(bad["truncated header"], "wb") as f:
        f.write(b"\x93NUMPY\x01\x00\x76\x00{'descr': '<f8', 'fortr")
    bad["wrong magic"] = p("bad_magic.npy")
    np.save(bad["wrong magic"], good)
    with open(bad["wrong magic"], "r+b") as f:
        f.write(b"\x93NUMPX")
    bad["empty file"] = p("bad_empty_file.npy")
    open(bad["empty file"], "wb").close()
    bad["version 9.0"] = p("bad_version9.npy")
    with open(bad["version 9.0"], "wb") as f:
        write_header_raw(f, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", major=9)
        f.write(np.zeros(4).tobytes())
    bad["garbage header"] = p("bad_garbage_header.npy")
    with open(bad["garbage header"], "wb") as f:
        write_header_raw(f, "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 'x'), }")
        f.write(np.zeros(12).tobytes())
    bad["header lies (shape > data)"] = p("bad_shape_lie.npy")
    with open(bad["header lies (shape > data)"], "wb") as f:
        write_header_raw(f, "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }")
        f.write(np.zeros(64).tobytes())
    bad["shape overflows 64 bits"] = p("bad_shape_overflow.npy")
    with open(bad["shape overflows 64 bits"], "wb") as f:
        write_header_raw(f, "{'descr': '<f8', 'fortran_order': False, 'shape': (%d, %d), }"
                         % (2 ** 33, 2 ** 33))
        f.write(np.zeros(64).tobytes())
    bad["negative dimension"] = p("bad_negative_dim.npy")
    with open(bad["negative dimension"], "wb") as f:
        write_header_raw(f, "{'descr': '<f8', 'fortran_order': False, 'shape': (-4, 2), }")
        f.write(np.zeros(8).tobytes())
    return bad


# --------------------------------------------------------------------------------------------
# Running the CLI
# --------------------------------------------------------------------------------------------

class Ctx:
    def __init__(self, args, outdir):
        self.cli = args.cli
        self.timeout = args.timeout
        self.dry_run = args.dry_run
        self.verbose = args.verbose
        self.outdir = outdir
        self.counter = itertools.count(1)
        self.lock = threading.Lock()
        self.planned = []
        self.timeouts = 0

    def out_path(self, ext):
        return os.path.join(self.outdir, "out_%04d.%s" % (next(self.counter), ext))


class Run:
    def __init__(self, rc, stdout, stderr, elapsed, timed_out, cmd):
        self.rc, self.stdout, self.stderr = rc, stdout, stderr
        self.elapsed, self.timed_out, self.cmd = elapsed, timed_out, cmd

    def stderr_lines(self):
        return [l for l in self.stderr.splitlines() if l.strip()]

    def brief(self):
        err = self.stderr.strip()
        if len(err) > 800:
            err = err[:800] + " ..."
        return "exit %s%s, %.2fs; stderr: %s" % (self.rc, " (TIMEOUT)" if self.timed_out else "",
                                                 self.elapsed, err.replace("\n", "\n      ") or "(empty)")


def quote(a):
    return a if re.fullmatch(r"[\w@%+=:,./-]+", a) else "'" + a.replace("'", "'\\''") + "'"


def cmdline(cmd):
    return " ".join(quote(a) for a in cmd)


class Skipped(Exception):
    pass


MAX_TIMEOUTS = 3


def run_cli(ctx, argv, timeout=None):
    cmd = [ctx.cli] + argv
    if ctx.timeouts >= MAX_TIMEOUTS:
        raise Skipped()
    if ctx.verbose:
        with ctx.lock:
            print("  $ " + cmdline(cmd), flush=True)
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout or ctx.timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        try:
            os.killpg(proc.pid, signal.SIGKILL)   # the CLI and the workers it started
        except ProcessLookupError:
            pass
        out, err = proc.communicate()
        with ctx.lock:
            ctx.timeouts += 1
    return Run(proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
               time.monotonic() - t0, timed_out, cmd)


class Rec:
    """Results of one check task."""

    def __init__(self, title):
        self.title = title
        self.passed = 0
        self.failures = []
        self.planned = []

    def ok(self):
        self.passed += 1

    def fail(self, what, run=None):
        msg = "FAIL %s: %s" % (self.title, what)
        if run is not None:
            msg += "\n    cmd: %s\n    %s" % (cmdline(run.cmd), run.brief())
        self.failures.append(msg)

    def check(self, cond, what, run=None):
        if cond:
            self.ok()
        else:
            self.fail(what, run)
        return cond


def indices_args(spec):
    if spec is None:
        return []
    if spec.startswith("-"):
        return ["--indices=" + spec]      # a separate token starting with '-' would be an option
    return ["--indices", spec]


def load_npy_output(rec, path, run):
    if not os.path.exists(path):
        rec.fail("output file %s was not written" % path, run)
        return None
    try:
        out = np.load(path, allow_pickle=False)
    except Exception as exc:  # noqa: BLE001 - any failure is a test failure
        rec.fail("numpy cannot load the output %s: %s" % (path, exc), run)
        return None
    if out.dtype != np.float64:
        rec.fail("output dtype is %s, expected float64" % out.dtype, run)
        return None
    return out


def check_kernel(ctx, df, kernel, workers, chunk, spec=None, fmt="npy", summary=False,
                 extra=None, title=None):
    """Run one kernel job and compare the output with NumPy."""
    title = title or "[%s] %s workers=%s chunksize=%s indices=%s%s" % (
        kernel, df.describe(), workers, chunk, spec or "all", " (csv)" if fmt == "csv" else "")
    rec = Rec(title)
    n = index_space(df.arr, kernel)
    ref_all = reference(df.arr, kernel)
    assert ref_all.shape == (n,)
    idx = resolve_indices(spec, n)
    want = ref_all[idx] if idx.size else np.zeros(0)
    out = ctx.out_path(fmt)
    argv = ["run", "--input", df.path, "--kernel", kernel, "--workers", str(workers),
            "--chunksize", str(chunk)] + indices_args(spec) + (extra or []) + ["--output", out, "--quiet"]
    sumpath = None
    if summary:
        sumpath = ctx.out_path("json")
        argv += ["--summary", sumpath]
    if ctx.dry_run:
        rec.planned.append(cmdline([ctx.cli] + argv))
        return rec
    run = run_cli(ctx, argv)
    if not rec.check(run.rc == 0 and not run.timed_out, "expected exit 0", run):
        return rec
    rec.check(not re.search(r"it/s|s/it", run.stderr), "--quiet run printed progress", run)
    if fmt == "npy":
        got = load_npy_output(rec, out, run)
        if got is None:
            return rec
        diff = compare(got, want, idx)
        rec.check(diff is None, "result differs from NumPy: %s" % diff, run)
    else:
        check_csv(rec, out, idx, want, run)
    if summary:
        check_summary(rec, sumpath, df, kernel, workers, chunk, len(idx), run)
    return rec


def check_csv(rec, path, idx, want, run):
    if not os.path.exists(path):
        rec.fail("CSV output %s was not written" % path, run)
        return
    with open(path, encoding="utf-8") as f:
        lines = [l.rstrip("\r\n") for l in f]
    while lines and not lines[-1].strip():
        lines.pop()
    if not rec.check(len(lines) >= 1, "CSV is empty (no header)", run):
        return
    header = lines[0]
    header_numeric = True
    try:
        [float(x) for x in header.split(",")]
    except ValueError:
        header_numeric = False
    rec.check(not header_numeric and "," in header,
              "CSV first line should be a header like 'index,value', got %r" % header, run)
    body = lines[1:]
    if not rec.check(len(body) == len(idx), "CSV has %d data lines, expected %d"
                     % (len(body), len(idx)), run):
        return
    got_idx, got_val = [], []
    for k, line in enumerate(body):
        parts = line.split(",")
        try:
            if len(parts) != 2:
                raise ValueError("%d fields" % len(parts))
            got_idx.append(int(parts[0]))
            got_val.append(float(parts[1]))
        except ValueError as exc:
            rec.fail("CSV line %d %r does not parse as index,value (%s)" % (k + 2, line, exc), run)
            return
    rec.check(got_idx == [int(i) for i in idx],
              "CSV index column %s... differs from the indices %s..." % (got_idx[:8], list(idx[:8])), run)
    diff = compare(np.array(got_val), want, idx)
    rec.check(diff is None, "CSV values differ from NumPy: %s" % diff, run)


def check_summary(rec, path, df, kernel, workers, chunk, ntasks, run):
    if not os.path.exists(path):
        rec.fail("summary %s was not written" % path, run)
        return
    try:
        with open(path, encoding="utf-8") as f:
            s = json.load(f)
    except Exception as exc:  # noqa: BLE001
        rec.fail("summary is not JSON: %s" % exc, run)
        return
    if not rec.check(isinstance(s, dict), "summary is not a JSON object", run):
        return
    missing = [k for k in SUMMARY_KEYS if k not in s]
    rec.check(not missing, "summary lacks keys %s" % missing, run)
    inp = s.get("input")
    if rec.check(isinstance(inp, dict), "summary.input is not an object: %r" % (inp,), run):
        missing = [k for k in INPUT_KEYS if k not in inp]
        rec.check(not missing, "summary.input lacks keys %s" % missing, run)
        if "shape" in inp:
            rec.check(list(inp["shape"]) == list(df.arr.shape), "summary.input.shape %r != %r"
                      % (inp["shape"], list(df.arr.shape)), run)
        if "dtype" in inp:
            ok = False
            try:
                ok = np.dtype(str(inp["dtype"])).name == df.arr.dtype.name
            except TypeError:
                ok = df.arr.dtype.name in str(inp["dtype"])
            rec.check(ok, "summary.input.dtype %r does not name %s" % (inp["dtype"], df.arr.dtype.name), run)
        if "bytes" in inp:
            rec.check(inp["bytes"] in (df.arr.nbytes, os.path.getsize(df.path)),
                      "summary.input.bytes %r is neither the data size %d nor the file size %d"
                      % (inp["bytes"], df.arr.nbytes, os.path.getsize(df.path)), run)
        if "path" in inp:
            rec.check(str(inp["path"]).endswith(df.name), "summary.input.path %r is not %s"
                      % (inp["path"], df.path), run)
    if "kernel" in s:
        rec.check(s["kernel"] == kernel, "summary.kernel %r != %r" % (s["kernel"], kernel), run)
    if "tasks" in s:
        rec.check(s["tasks"] == ntasks, "summary.tasks %r != number of indices %d" % (s["tasks"], ntasks), run)
    if "workers" in s:
        rec.check(s["workers"] == workers, "summary.workers %r != %d" % (s["workers"], workers), run)
    if "chunksize" in s:
        c = s["chunksize"]
        if chunk == "auto":
            rec.check(c == "auto" or (isinstance(c, int) and c >= 1),
                      "summary.chunksize %r for auto is neither 'auto' nor an integer >= 1" % (c,), run)
        else:
            rec.check(c == int(chunk), "summary.chunksize %r != %s" % (c, chunk), run)
    for key in ("elapsed_s", "tasks_per_s"):
        if key in s:
            v = s[key]
            rec.check(isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0,
                      "summary.%s %r is not a number >= 0" % (key, v), run)
    if "retried_chunks" in s:
        rec.check(s["retried_chunks"] == 0, "summary.retried_chunks %r != 0" % (s["retried_chunks"],), run)
    if "failed_indices" in s:
        rec.check(s["failed_indices"] == [], "summary.failed_indices %r != []" % (s["failed_indices"],), run)
    if "peak_memory_bytes" in s:
        v = s["peak_memory_bytes"]
        rec.check(isinstance(v, int) and not isinstance(v, bool) and v > 0,
                  "summary.peak_memory_bytes %r is not a positive integer" % (v,), run)
    if "version" in s:
        rec.check(isinstance(s["version"], str) and s["version"], "summary.version %r" % (s["version"],), run)
    if "job" in s:
        rec.check(isinstance(s["job"], dict), "summary.job is not an object (the JobSpec)", run)
    if "started_at" in s:
        rec.check(isinstance(s["started_at"], str) and s["started_at"],
                  "summary.started_at %r is not a timestamp string" % (s["started_at"],), run)


def check_bad(ctx, title, argv, must_not_exist=None):
    rec = Rec("[bad input] " + title)
    if ctx.dry_run:
        rec.planned.append(cmdline([ctx.cli] + argv) + "   # expect exit 2")
        return rec
    run = run_cli(ctx, argv)
    if run.timed_out:
        rec.fail("timed out after %ss (hang)" % ctx.timeout, run)
        return rec
    rec.check(run.rc == 2, "expected exit code 2, got %s" % run.rc, run)
    lines = run.stderr_lines()
    rec.check(len(lines) == 1, "expected exactly one non-empty line on stderr, got %d" % len(lines), run)
    for p in must_not_exist or []:
        rec.check(not os.path.exists(p), "%s exists after a refused run" % p, run)
    return rec


def check_info(ctx, df):
    rec = Rec("[info] " + df.describe())
    argv = ["info", df.path]
    if ctx.dry_run:
        rec.planned.append(cmdline([ctx.cli] + argv))
        return rec
    run = run_cli(ctx, argv)
    if not rec.check(run.rc == 0 and not run.timed_out, "expected exit 0", run):
        return rec
    text = run.stdout + run.stderr
    name = df.arr.dtype.name
    rec.check(re.search(r"(?i)\b%s\b" % name, text) is not None,
              "output does not mention the dtype %r: %r" % (name, text[:300]), run)
    missing = [d for d in set(df.arr.shape) if not re.search(r"(?<!\d)%d(?!\d)" % d, text)]
    rec.check(not missing, "output does not mention the shape numbers %s: %r" % (missing, text[:300]), run)
    if df.order == "F":
        rec.check(re.search(r"(?i)fortran|\bF\b|column", text) is not None,
                  "output does not say the array is in Fortran order: %r" % text[:300], run)
    return rec


def check_kernels_list(ctx):
    rec = Rec("[kernels --json]")
    argv = ["kernels", "--json"]
    if ctx.dry_run:
        rec.planned.append(cmdline([ctx.cli] + argv))
        rec.planned.append(cmdline([ctx.cli, "kernels"]))
        return rec
    run = run_cli(ctx, argv)
    if not rec.check(run.rc == 0 and not run.timed_out, "expected exit 0", run):
        return rec
    try:
        doc = json.loads(run.stdout)
    except ValueError as exc:
        rec.fail("stdout is not JSON (%s): %r" % (exc, run.stdout[:300]), run)
        return rec
    rec.ok()
    names = set()

    def walk(x):
        if isinstance(x, dict):
            for k, v in x.items():
                names.add(k)
                if k in ("name", "id", "kernel") and isinstance(v, str):
                    names.add(v)
                walk(v)
        elif isinstance(x, list):
            for v in x:
                if isinstance(v, str):
                    names.add(v)
                walk(v)
    walk(doc)
    missing = [k for k in KERNELS if k not in names]
    rec.check(not missing, "kernels --json does not list %s" % missing, run)
    run = run_cli(ctx, ["kernels"])
    if rec.check(run.rc == 0 and not run.timed_out, "`kernels` expected exit 0", run):
        missing = [k for k in KERNELS if not re.search(r"\b%s\b" % k, run.stdout + run.stderr)]
        rec.check(not missing, "`kernels` text does not list %s" % missing, run)
    return rec


def check_help(ctx):
    rec = Rec("[COMMAND --help]")
    wants = {"run": ["--indices", "--chunksize", "--workers", "--output", "--summary"],
             "info": [], "kernels": ["--json"], "generate": ["--shape", "--dtype", "--dist"]}
    if ctx.dry_run:
        for c in wants:
            rec.planned.append(cmdline([ctx.cli, c, "--help"]))
        return rec
    for c, opts in wants.items():
        run = run_cli(ctx, [c, "--help"])
        if rec.check(run.rc == 0 and not run.timed_out, "`%s --help` expected exit 0" % c, run):
            text = run.stdout + run.stderr
            missing = [o for o in opts if o not in text]
            rec.check(not missing, "`%s --help` does not document %s" % (c, missing), run)
            # The usage line names the program as typed and the command, whatever path started it.
            rec.check(run.stdout.startswith("Usage: sharedmap-cli %s [options]" % c),
                      "`%s --help` usage line: %r" % (c, run.stdout.split("\n")[0]), run)
    return rec


def check_generate(ctx):
    rec = Rec("[generate]")
    g = ctx.out_path("npy")
    u1, u2, u3, n1 = (ctx.out_path("npy") for _ in range(4))
    cmds = [
        ["generate", "--shape", "20x30", "--dtype", "float32", "--dist", "arange", "--output", g],
        ["generate", "--shape", "40x25", "--dist", "uniform", "--seed", "1", "--output", u1],
        ["generate", "--shape", "40x25", "--dist", "uniform", "--seed", "1", "--output", u2],
        ["generate", "--shape", "40x25", "--dist", "uniform", "--seed", "2", "--output", u3],
        ["generate", "--shape", "16x8", "--dtype", "float64", "--dist", "normal", "--seed", "3",
         "--output", n1],
    ]
    if ctx.dry_run:
        rec.planned.extend(cmdline([ctx.cli] + c) for c in cmds)
        return rec
    runs = [run_cli(ctx, c) for c in cmds]
    for r in runs:
        rec.check(r.rc == 0 and not r.timed_out, "expected exit 0", r)
    if all(r.rc == 0 for r in runs):
        try:
            a = np.load(g)
            rec.check(a.shape == (20, 30) and a.dtype == np.float32,
                      "arange: shape %s dtype %s, expected (20, 30) float32" % (a.shape, a.dtype), runs[0])
            rec.check(a.shape == (20, 30) and np.array_equal(a, np.arange(600).reshape(20, 30)),
                      "arange: values are not np.arange(600).reshape(20, 30)", runs[0])
            b1, b2, b3 = np.load(u1), np.load(u2), np.load(u3)
            rec.check(b1.shape == (40, 25) and b1.dtype == np.float64,
                      "uniform: shape %s dtype %s, expected (40, 25) float64 (the default dtype)"
                      % (b1.shape, b1.dtype), runs[1])
            rec.check(b1.dtype == b2.dtype and np.array_equal(b1, b2),
                      "uniform --seed 1 twice gave different arrays", runs[2])
            with open(u1, "rb") as f1, open(u2, "rb") as f2:
                rec.check(f1.read() == f2.read(), "uniform --seed 1 twice gave different files", runs[2])
            rec.check(not np.array_equal(b1, b3), "uniform --seed 1 and --seed 2 gave the same array", runs[3])
            c = np.load(n1)
            rec.check(c.shape == (16, 8) and c.dtype == np.float64 and np.isfinite(c).all()
                      and c.std() > 0, "normal: shape %s dtype %s not (16, 8) float64 finite non-constant"
                      % (c.shape, c.dtype), runs[4])
        except Exception as exc:  # noqa: BLE001
            rec.fail("numpy cannot load a generated file: %s" % exc)
    return rec


def check_tutorial(ctx, df):
    rec = Rec("[tutorial] diag sleep_ms=100 indices 0:4 workers 2 chunksize 1 on %s" % df.name)
    B = df.arr
    want = np.array([B[0, 0], B[1, 1], B[2, 2], B[3, 3]])
    out1, out2 = ctx.out_path("npy"), ctx.out_path("npy")
    base = ["run", "--input", df.path, "--kernel", "diag", "--param", "sleep_ms=100",
            "--indices", "0:4", "--workers", "2", "--chunksize", "1"]
    if ctx.dry_run:
        rec.planned.append(cmdline([ctx.cli] + base + ["--output", out1, "--quiet"]))
        rec.planned.append(cmdline([ctx.cli] + base + ["--output", out2]) + "   # progress on stderr")
        return rec
    run = run_cli(ctx, base + ["--output", out1, "--quiet"])
    if rec.check(run.rc == 0 and not run.timed_out, "expected exit 0", run):
        got = load_npy_output(rec, out1, run)
        if got is not None:
            rec.check(got.shape == (4,) and np.array_equal(got, want),
                      "got %r, expected %r" % (got.tolist(), want.tolist()), run)
        # 4 tasks of 100 ms on 2 workers cannot finish in less than 200 ms.
        rec.check(run.elapsed >= 0.19, "finished in %.3fs: sleep_ms=100 seems ignored" % run.elapsed, run)
    run = run_cli(ctx, base + ["--output", out2])
    if rec.check(run.rc == 0 and not run.timed_out, "expected exit 0 (without --quiet)", run):
        rec.check("4/4" in run.stderr and "100%" in run.stderr,
                  "no tqdm-shaped progress ('100%|...| 4/4 [...]') on stderr without --quiet", run)
        got = load_npy_output(rec, out2, run)
        if got is not None:
            rec.check(np.array_equal(got, want), "got %r, expected %r" % (got.tolist(), want.tolist()), run)
    return rec


# --------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------

def plan(ctx, matrix, nd, special, bad, full):
    tasks = []
    combos = itertools.cycle([(w, c) for c in CHUNKS for w in WORKERS])  # all 9 combinations

    def add(fn, *a, **kw):
        tasks.append((fn, a, kw))

    # 1. Every kernel on every dtype (2-D files). Default: per kernel all single-byte dtypes plus,
    #    for each multi-byte dtype, one of its two byte orders (alternating between kernels).
    coverage = {k: set() for k in KERNELS}
    for ki, kernel in enumerate(KERNELS):
        for fi, df in enumerate(matrix):
            if not full and df.byteorder in "<>" and df.arr.dtype.itemsize > 1:
                j = MULTI_BYTE.index(df.arr.dtype.name)
                want_bo = "<>"[(j + ki) % 2]
                if df.byteorder != want_bo:
                    continue
            w, c = next(combos)
            add(check_kernel, ctx, df, kernel, w, c)
            coverage[kernel].update({("dtype", df.arr.dtype.name), ("byteorder", df.byteorder),
                                     ("order", df.order), ("version", df.version)})
    # Row kernels on 1-D, 3-D, 8-D and 32-D arrays.
    for df in nd:
        for kernel in ROW_KERNELS:
            w, c = next(combos)
            add(check_kernel, ctx, df, kernel, w, c)
            coverage[kernel].update({("dtype", df.arr.dtype.name), ("byteorder", df.byteorder),
                                     ("order", df.order), ("version", df.version)})
    # Self-check of the plan: every dtype, both byte orders, both orders, all versions per kernel.
    need = ({("dtype", d) for d in SINGLE_BYTE + MULTI_BYTE} | {("byteorder", "<"), ("byteorder", ">")}
            | {("order", "C"), ("order", "F")} | {("version", v) for v in (1, 2, 3)})
    for kernel, have in coverage.items():
        assert need <= have, "plan misses %s for %s" % (sorted(need - have), kernel)

    # 2. Empty arrays / 0-task jobs, and NaN propagation.
    for kernel in KERNELS:
        w, c = next(combos)
        add(check_kernel, ctx, special["empty"], kernel, w, c)
    for kernel in KERNELS:
        w, c = next(combos)
        add(check_kernel, ctx, special["nan"], kernel, w, c)

    # 3. --indices with Python's rules (on a C/LE file and on a Fortran/BE one).
    f64 = special["base"]
    be_f = next(d for d in matrix if d.byteorder == ">" and d.order == "F" and d.arr.shape == (37, 23))
    specs = ["all", "5:", ":10", "::3", "-5:", "10:2:-2", "::-1", "-100:100", "0,1,2,3", "3,3,1",
             "@" + special["idx_i8"], "@" + special["idx_be_i4"], "5:5", "10:2", "1:-1:4"]
    for i, spec in enumerate(specs):
        w, c = WORKERS[i % 3], CHUNKS[(i // 3) % 3]
        add(check_kernel, ctx, f64, "diag", w, c, spec)
        add(check_kernel, ctx, be_f, ["row_sum", "row_std", "row_max"][i % 3], w, c, spec)
    # A vector of indices over the 1-D array too.
    add(check_kernel, ctx, nd[0], "row_mean", 2, "7", "::-1")

    # 4. CSV output and summaries.
    add(check_kernel, ctx, f64, "row_mean", 2, "1", "3,3,1,0,36", fmt="csv")
    add(check_kernel, ctx, be_f, "diag", 4, "auto", "::-2", fmt="csv")
    add(check_kernel, ctx, special["nan"], "row_min", 1, "auto", None, fmt="csv")
    add(check_kernel, ctx, be_f, "row_mean", 2, "7", "::3", summary=True)
    add(check_kernel, ctx, f64, "diag", 4, "auto", None, summary=True)

    # 5. info, kernels, help, generate, tutorial.
    for df in [matrix[0], f64, be_f, nd[2], nd[5], special["empty"], special["scalar"]]:
        add(check_info, ctx, df)
    add(check_kernels_list, ctx)
    add(check_help, ctx)
    add(check_generate, ctx)
    add(check_tutorial, ctx, special["tutorial"])

    # 6. Bad input: exit 2 with one line on stderr.
    out = os.path.join(ctx.outdir, "bad_out.npy")
    for title, path in bad.items():
        add(check_bad, ctx, "input file: " + title,
            ["run", "--input", path, "--kernel", "row_sum", "--output", out, "--quiet"])
    good = f64.path
    base = ["run", "--input", good, "--kernel", "row_sum", "--quiet"]
    txt = os.path.join(ctx.outdir, "bad_out.txt")
    usage = [
        ("missing input file", ["run", "--input", os.path.join(ctx.outdir, "no_such_file.npy"),
                                "--kernel", "row_sum", "--output", out, "--quiet"]),
        ("--kernel nope", ["run", "--input", good, "--kernel", "nope", "--output", out, "--quiet"]),
        ("--workers 0", base + ["--workers", "0", "--output", out]),
        ("--workers 4097", base + ["--workers", "4097", "--output", out]),
        ("--workers abc", base + ["--workers", "abc", "--output", out]),
        ("--chunksize 0", base + ["--chunksize", "0", "--output", out]),
        ("--chunksize abc", base + ["--chunksize", "abc", "--output", out]),
        ("--indices 5:1:0 (step 0)", base + ["--indices", "5:1:0", "--output", out]),
        ("--indices 999999 (out of range)", base + ["--indices", "999999", "--output", out]),
        ("--indices 0,1,37 (out of range)", base + ["--indices", "0,1,37", "--output", out]),
        ("--indices=-3 (negative list entry)", base + ["--indices=-3", "--output", out]),
        ("--indices 1:2:3:4", base + ["--indices", "1:2:3:4", "--output", out]),
        ("--indices x:y", base + ["--indices", "x:y", "--output", out]),
        ("--indices @missing.npy", base + ["--indices", "@" + os.path.join(ctx.outdir, "nope.npy"),
                                           "--output", out]),
        ("--indices @float file", base + ["--indices", "@" + special["idx_float"], "--output", out]),
        ("--indices @2-D file", base + ["--indices", "@" + special["idx_2d"], "--output", out]),
        ("--param nope=1", base + ["--param", "nope=1", "--output", out]),
        ("--param sleep_ms=abc", base + ["--param", "sleep_ms=abc", "--output", out]),
        ("--param sleep_ms=-5", base + ["--param", "sleep_ms=-5", "--output", out]),
        ("--param without =", base + ["--param", "sleep_ms", "--output", out]),
        ("--output .txt", base + ["--output", txt]),
        ("--output in a missing folder", base + ["--output", os.path.join(ctx.outdir, "no_dir", "o.npy")]),
        ("diag on a 1-D array", ["run", "--input", nd[0].path, "--kernel", "diag", "--output", out, "--quiet"]),
        ("run without --input", ["run", "--kernel", "row_sum", "--output", out, "--quiet"]),
        ("unknown option", base + ["--bogus", "--output", out]),
        ("unknown command", ["frobnicate"]),
        ("info on a missing file", ["info", os.path.join(ctx.outdir, "no_such_file.npy")]),
        ("generate --dtype complex128", ["generate", "--shape", "4x4", "--dtype", "complex128",
                                         "--output", os.path.join(ctx.outdir, "gen_bad1.npy")]),
        ("generate --dist nope", ["generate", "--shape", "4x4", "--dist", "nope",
                                  "--output", os.path.join(ctx.outdir, "gen_bad2.npy")]),
        ("generate --shape 4xq", ["generate", "--shape", "4xq",
                                  "--output", os.path.join(ctx.outdir, "gen_bad3.npy")]),
    ]
    for title, argv in usage:
        add(check_bad, ctx, title, argv, must_not_exist=[txt] if title == "--output .txt" else None)
    return tasks


def main():
    ap = argparse.ArgumentParser(description="NumPy interop test for sharedmap-cli")
    ap.add_argument("--cli", required=True, help="path to sharedmap-cli")
    ap.add_argument("--workdir", required=True, help="scratch folder (created; data/ and out/ inside are wiped)")
    ap.add_argument("--dry-run", action="store_true", help="only write the files and print the planned runs")
    ap.add_argument("--full", action="store_true", help="every kernel on every dtype/byte-order variant")
    ap.add_argument("--jobs", type=int, default=2,
                    help="concurrent CLI invocations (default 2; 1 for a strictly sequential run)")
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per invocation (default 20)")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()

    t0 = time.monotonic()
    args.cli = os.path.abspath(args.cli)
    if not args.dry_run and not (os.path.isfile(args.cli) and os.access(args.cli, os.X_OK)):
        print("interop: FAIL: %s is not an executable file (build it first, or use --dry-run)" % args.cli)
        return 1
    workdir = os.path.abspath(args.workdir)
    datadir = os.path.join(workdir, "data")
    outdir = os.path.join(workdir, "out")
    for d in (datadir, outdir):
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)

    rng = np.random.default_rng(args.seed)
    matrix, nd, special = build_data(datadir, rng)
    bad = build_bad_files(datadir)
    ctx = Ctx(args, outdir)
    tasks = plan(ctx, matrix, nd, special, bad, args.full)
    nfiles = len(os.listdir(datadir))
    print("interop: numpy %s, %d input files in %s, %d check groups, cli %s"
          % (np.__version__, nfiles, datadir, len(tasks), args.cli), flush=True)

    def execute(t):
        fn, a, kw = t
        try:
            return fn(*a, **kw)
        except Skipped:
            rec = Rec("skipped")
            rec.skipped = True
            return rec
        except Exception as exc:  # noqa: BLE001 - a bug in a check is reported, not fatal
            rec = Rec("%s%r" % (fn.__name__, tuple(str(x)[:60] for x in a[1:])))
            rec.fail("the check raised %s: %s" % (type(exc).__name__, exc))
            return rec

    if args.jobs > 1 and not args.dry_run:
        with ThreadPoolExecutor(max_workers=args.jobs) as ex:
            recs = list(ex.map(execute, tasks))
    else:
        recs = [execute(t) for t in tasks]

    if args.dry_run:
        planned = [p for r in recs for p in r.planned]
        for p in planned:
            print("  plan: " + p)
        errors = [f for r in recs for f in r.failures]
        for f in errors:
            print(f)
        print("interop: dry run: %d files written, references computed, %d CLI runs planned (%.1fs)"
              % (nfiles, len(planned), time.monotonic() - t0))
        return 1 if errors else 0

    passed = sum(r.passed for r in recs)
    failures = [f for r in recs for f in r.failures]
    skipped = sum(1 for r in recs if getattr(r, "skipped", False))
    if skipped:
        failures.append("FAIL: %d check groups skipped after %d invocations timed out (hangs)"
                        % (skipped, MAX_TIMEOUTS))
    if os.path.exists(Evil.sentinel):
        failures.append("FAIL [bad input] object (pickle): the pickle in %s was EXECUTED (%s exists)"
                        % (bad["object (pickle)"], Evil.sentinel))
    else:
        passed += 1
    for f in failures:
        print(f)
    elapsed = time.monotonic() - t0
    if failures:
        print("interop: %d checks FAILED, %d passed (%.1fs)" % (len(failures), passed, elapsed))
        return 1
    print("interop: %d checks passed (%.1fs)" % (passed, elapsed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
