#!/usr/bin/python3
"""Python kernels (issue 13): the user's own function run by SharedMap, next to its Python peers
measured in the same run.

  dispatch   the tutorial's `test(a, B): return B[a, a]`, 1,000,000 indices (np.arange(T) % 1000 on a
             1000 x 1000 float64 array, through --indices @idx.npy) at chunk size 1 with 2 workers:
             the whole `sharedmap-cli run --python` process (start-up, probe, workers, interpreter
             start included), next to tqdm's process_map over a multiprocessing.Array calling the
             same function (forked workers inherit the array; each task calls test(a, B)), and the
             C++ `diag` kernel. Target: >= 300 x process_map.
  overhead   per-call cost in a worker: `nothing(a, B): return 0.0` and `test` over 10^6 indices with
             1 worker (compute_s / tasks), next to the C++ `diag` kernel's per-task time in the same
             loop; the difference is what calling Python adds per index. Target <= 1 us.
  startup    a worker's interpreter + NumPy start (the probe's interpreter_start_s), the whole probe
             process (spawn to its answer), and `python3 -c "import numpy"` in the same run.
             Target <= 150 ms.
  memory     `row_sum(a, B): return B[a].sum()` over every row of a 10000 x 10000 float64 array
             (800 MB) with 2 and 4 workers: the summary's peak PSS (CLI + workers) against the budget
             1.05 x array + 64 MB + 40 MB per worker, next to a naive pool that passes the array to
             its workers (spawned ProcessPoolExecutor, the array in initargs: a pickled copy each),
             its peak PSS sampled from /proc.

Usage (Debian's interpreter):
  /usr/bin/python3 tests/bench/bench_python.py [--quick] [--only dispatch,overhead,startup,memory]
      [--cli build/bin/sharedmap-cli] [--repeat 3] [--peer-tasks 1000000] [--workdir DIR] [--json out.json]
"""

import argparse
import concurrent.futures
import ctypes
import importlib.util
import json
import multiprocessing
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

FUNCTIONS = '''
def test(a, B):
    return B[a, a]


def nothing(a, B):
    return 0.0


def row_sum(a, B):
    return B[a].sum()
'''


def log(msg):
    print("bench_python: " + msg, file=sys.stderr, flush=True)


def med(values):
    return statistics.median(values)


def cli_run(cli, argv, summary):
    """Runs the CLI; returns its summary with the process's wall time added."""
    t0 = time.perf_counter()
    p = subprocess.run([cli, "run"] + argv + ["--summary", summary, "--quiet"], capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit("bench_python: %s failed (exit %d): %s" % (" ".join(argv), p.returncode, p.stderr[-2000:]))
    with open(summary) as f:
        s = json.load(f)
    s["wall_s"] = wall
    return s


# --- the peers ----------------------------------------------------------------------------------

_peer = {}


def _load_test(path):
    spec = importlib.util.spec_from_file_location("bench_functions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _peer_task(a):
    # The same function as SharedMap's job, over the array every forked worker inherited.
    return _peer["test"](a, _peer["B"])


def peer_process_map(functions, n, tasks, workers, chunksize):
    from tqdm.contrib.concurrent import process_map
    multiprocessing.set_start_method("fork", force=True)
    shared = multiprocessing.Array(ctypes.c_double, n * n)
    B = np.frombuffer(shared.get_obj()).reshape((n, n))
    B[:] = np.random.default_rng(0).random((n, n))
    _peer["B"] = B
    _peer["test"] = _load_test(functions).test
    indices = [a % n for a in range(tasks)]
    t0 = time.perf_counter()
    got = process_map(_peer_task, indices, max_workers=workers, chunksize=chunksize, disable=True)
    elapsed = time.perf_counter() - t0
    if not np.array_equal(np.asarray(got), np.diag(B)[np.asarray(indices)]):
        raise SystemExit("bench_python: process_map returned wrong results")
    return elapsed


def _pss(pid):
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _naive_init(B):
    _peer["B"] = B


def _naive_row_sum(a):
    return _peer["B"][a].sum()


def peer_naive_memory(shape, workers):
    """A pool that passes the array to its workers (each unpickles a copy), running row_sum over
    every row; returns (peak PSS of parent + workers, seconds)."""
    B = np.random.default_rng(0).random(shape)
    ctx = multiprocessing.get_context("spawn")
    peak = [0]
    stop = threading.Event()
    with concurrent.futures.ProcessPoolExecutor(workers, mp_context=ctx, initializer=_naive_init,
                                                initargs=(B,)) as pool:
        def sample():
            while not stop.is_set():
                pids = [os.getpid()] + list(getattr(pool, "_processes", {}) or {})
                peak[0] = max(peak[0], sum(_pss(p) for p in pids))
                time.sleep(0.02)
        sampler = threading.Thread(target=sample)
        sampler.start()
        t0 = time.perf_counter()
        got = list(pool.map(_naive_row_sum, range(shape[0]), chunksize=max(1, shape[0] // (8 * workers))))
        elapsed = time.perf_counter() - t0
        stop.set()
        sampler.join()
    if not np.allclose(got, B.sum(1)):
        raise SystemExit("bench_python: the naive pool returned wrong results")
    return peak[0], elapsed


# --- sections -----------------------------------------------------------------------------------

def bench_dispatch(a, work, functions, results):
    n = 1000
    tasks = 2000 if a.quick else 1000000
    peer_tasks = 2000 if a.quick else a.peer_tasks
    npy = os.path.join(work, "B.npy")
    idx = os.path.join(work, "idx.npy")
    np.save(npy, np.random.default_rng(1).random((n, n)))
    np.save(idx, np.arange(tasks, dtype=np.int64) % n)
    B = np.load(npy)
    out = os.path.join(work, "out.npy")
    summary = os.path.join(work, "s.json")
    common = ["--input", npy, "--indices", "@" + idx, "--workers", str(a.workers), "--chunksize", "1"]
    cli_run(a.cli, common + ["--python", functions + ":test", "--output", out], summary)
    if not np.array_equal(np.load(out), np.diag(B)[np.arange(tasks) % n]):
        raise SystemExit("bench_python: SharedMap's results differ from np.diag")
    python_runs, diag_runs, peer_runs = [], [], []
    for r in range(a.repeat):
        python_runs.append(cli_run(a.cli, common + ["--python", functions + ":test"], summary))
        diag_runs.append(cli_run(a.cli, common + ["--kernel", "diag"], summary))
        if r < a.peer_repeat:
            log("dispatch: process_map over %d tasks at chunk 1 (slow)..." % peer_tasks)
            peer_runs.append(peer_process_map(functions, n, peer_tasks, a.workers, 1))
        log("dispatch: round %d/%d: SharedMap %.3f s, diag %.3f s%s" % (
            r + 1, a.repeat, python_runs[-1]["wall_s"], diag_runs[-1]["wall_s"],
            (", process_map %.1f s" % peer_runs[-1]) if r < a.peer_repeat else ""))
    wall = med([x["wall_s"] for x in python_runs])
    peer_s = med(peer_runs) * tasks / peer_tasks  # scaled when the peer ran fewer tasks (said in the table)
    results["dispatch"] = {"tasks": tasks, "peer_tasks": peer_tasks, "sharedmap": python_runs, "diag": diag_runs,
                           "process_map_s": peer_runs}
    ratio = peer_s / wall
    lines = ["### Python kernel dispatch: the tutorial's `test(a, B)`, %s indices, chunk 1, %d workers "
             "(SharedMap median of %d runs, process_map median of %d; %d cores)"
             % ("{:,}".format(tasks), a.workers, a.repeat, len(peer_runs), os.cpu_count()), "",
             "| | wall s (whole process) | tasks/s | `startup_s` | `compute_s` | x process_map |",
             "|---|---|---|---|---|---|"]
    for name, runs in (("**SharedMap** `--python tut.py:test`", python_runs), ("SharedMap `--kernel diag` (C++)",
                                                                                 diag_runs)):
        w = med([x["wall_s"] for x in runs])
        lines.append("| %s | %.3f | %.0f | %.1f ms | %.3f | **%.0f** |"
                     % (name, w, tasks / w, med([x["startup_s"] for x in runs]) * 1e3,
                        med([x["compute_s"] for x in runs]), peer_s / w))
    lines.append("| process_map + multiprocessing.Array, same function%s | %.1f | %.0f | | | 1 |"
                 % ("" if peer_tasks == tasks else " (%s tasks, scaled)" % "{:,}".format(peer_tasks), peer_s,
                    tasks / peer_s))
    lines += ["", "Target >= 300 x process_map: %s (%.0f x)." % ("met" if ratio >= 300 else "missed", ratio)]
    for f in (npy, idx, out, summary):
        os.remove(f)
    return lines


def bench_overhead(a, work, functions, results):
    n = 1000
    tasks = 20000 if a.quick else 1000000
    npy = os.path.join(work, "B.npy")
    idx = os.path.join(work, "idx.npy")
    np.save(npy, np.random.default_rng(1).random((n, n)))
    np.save(idx, np.arange(tasks, dtype=np.int64) % n)
    summary = os.path.join(work, "s.json")
    common = ["--input", npy, "--indices", "@" + idx, "--workers", "1"]
    runs = {"nothing": [], "test": [], "diag": []}
    for r in range(a.repeat):
        runs["nothing"].append(cli_run(a.cli, common + ["--python", functions + ":nothing"], summary)["compute_s"])
        runs["test"].append(cli_run(a.cli, common + ["--python", functions + ":test"], summary)["compute_s"])
        runs["diag"].append(cli_run(a.cli, common + ["--kernel", "diag"], summary)["compute_s"])
    # The same calls in one Python process, for scale.
    module = _load_test(functions)
    B = np.load(npy)
    loop = []
    for r in range(a.repeat):
        t0 = time.perf_counter()
        for i in range(tasks):
            module.nothing(i % n, B)
        loop.append(time.perf_counter() - t0)
    per = {k: med(v) / tasks * 1e9 for k, v in runs.items()}
    overhead = per["nothing"] - per["diag"]
    results["overhead"] = {"tasks": tasks, "compute_s": runs, "python_loop_s": loop}
    lines = ["### Per-call overhead of a Python function in a worker (1 worker, %s indices, auto chunks; "
             "median of %d)" % ("{:,}".format(tasks), a.repeat), "",
             "| per index | ns |", "|---|---|",
             "| `nothing(a, B): return 0.0` (call, result conversion, the claim loop) | %.0f |" % per["nothing"],
             "| `test(a, B): return B[a, a]` | %.0f |" % per["test"],
             "| C++ `diag` (the same loop, no Python) | %.0f |" % per["diag"],
             "| **what calling Python adds** (nothing - diag) | **%.0f** |" % overhead,
             "| for scale: `for i in range(T): nothing(i %% n, B)` inside one Python process | %.0f |"
             % (med(loop) / tasks * 1e9), "",
             "Target <= 1 us: %s." % ("met" if overhead <= 1000 else "missed")]
    for f in (npy, idx, summary):
        os.remove(f)
    return lines


def bench_startup(a, work, functions, results):
    worker = os.path.join(os.path.dirname(os.path.abspath(a.cli)), "sharedmap-worker")
    interp, process, bare = [], [], []
    for r in range(max(a.repeat, 5)):
        t0 = time.perf_counter()
        p = subprocess.run([worker, "--probe-python", functions], capture_output=True, text=True)
        process.append(time.perf_counter() - t0)
        interp.append(json.loads(p.stdout.strip().splitlines()[-1])["interpreter_start_s"])
        t0 = time.perf_counter()
        subprocess.run(["/usr/bin/python3", "-c", "import numpy"], check=True)
        bare.append(time.perf_counter() - t0)
    results["startup"] = {"interpreter_start_s": interp, "probe_process_s": process, "python3_import_numpy_s": bare}
    m = med(interp)
    return ["### Worker start-up with the embedded interpreter and NumPy (median of %d)" % len(interp), "",
            "| | ms |", "|---|---|",
            "| **interpreter + NumPy + helper in a worker** (`interpreter_start_s`) | **%.1f** |" % (m * 1e3),
            "| the whole probe process: exec, interpreter, NumPy, import the file, answer | %.1f |"
            % (med(process) * 1e3),
            "| `/usr/bin/python3 -c \"import numpy\"` (a whole process, for scale) | %.1f |" % (med(bare) * 1e3), "",
            "Target <= 150 ms: %s." % ("met" if m <= 0.150 else "missed")]


def bench_memory(a, work, functions, results):
    shape = (200, 300) if a.quick else (10000, 10000)
    npy = os.path.join(work, "mem.npy")
    np.save(npy, np.random.default_rng(0).random(shape))
    nbytes = shape[0] * shape[1] * 8
    summary = os.path.join(work, "s.json")
    lines = ["### Memory of a Python kernel: `row_sum(a, B): return B[a].sum()` over a %dx%d float64 array "
             "(%.0f MB; median of %d)" % (shape[0], shape[1], nbytes / 1e6, a.repeat), "",
             "| workers | **SharedMap** peak PSS | x array | budget 1.05 x array + 64 MB + 40 MB/worker | "
             "naive pool passing the array: peak PSS | x array | SharedMap / naive |",
             "|---|---|---|---|---|---|---|"]
    results["memory"] = {"shape": list(shape), "bytes": nbytes}
    for w in a.memory_workers:
        peaks = []
        for r in range(a.repeat):
            s = cli_run(a.cli, ["--input", npy, "--python", functions + ":row_sum", "--workers", str(w)], summary)
            peaks.append(s["peak_memory_bytes"])
        naive_peak, naive_s = peer_naive_memory(shape, w)
        budget = 1.05 * nbytes + 64e6 + 40e6 * w
        peak = med(peaks)
        results["memory"][str(w)] = {"sharedmap_peaks": peaks, "naive_peak": naive_peak, "naive_s": naive_s}
        lines.append("| %d | %.1f MB | %.3f | %.0f MB: %s | %.1f MB | %.2f | %.2f |"
                     % (w, peak / 1e6, peak / nbytes, budget / 1e6, "met" if peak <= budget else "missed",
                        naive_peak / 1e6, naive_peak / nbytes, peak / naive_peak if naive_peak else float("nan")))
        log("memory: %d workers: SharedMap %.1f MB, naive %.1f MB" % (w, peak / 1e6, naive_peak / 1e6))
    for f in (npy, summary):
        os.remove(f)
    return lines


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="tiny sizes, one run each (smoke test)")
    ap.add_argument("--only", default="dispatch,overhead,startup,memory")
    ap.add_argument("--cli", default=os.path.join(ROOT, "build", "bin", "sharedmap-cli"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--memory-workers", default="2,4")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--peer-repeat", type=int, default=1, help="runs of process_map at chunk 1 (minutes each)")
    ap.add_argument("--peer-tasks", type=int, default=1000000,
                    help="process_map's tasks (fewer: its time is scaled up, and the table says so)")
    ap.add_argument("--workdir")
    ap.add_argument("--json")
    a = ap.parse_args(argv)
    if a.quick:
        a.repeat, a.peer_repeat = 1, 1
    a.memory_workers = [int(x) for x in a.memory_workers.split(",")]
    work = a.workdir or tempfile.mkdtemp(prefix="bench_python_")
    os.makedirs(work, exist_ok=True)
    functions = os.path.join(work, "tut.py")
    with open(functions, "w") as f:
        f.write(FUNCTIONS)
    results = {"machine": {"nproc": os.cpu_count(), "python": platform.python_version(), "numpy": np.__version__}}
    sections = {"dispatch": bench_dispatch, "overhead": bench_overhead, "startup": bench_startup,
                "memory": bench_memory}
    out = []
    for name in a.only.split(","):
        log("%s..." % name)
        out += sections[name](a, work, functions, results) + [""]
    print("\n".join(out))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)
    if not a.workdir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
