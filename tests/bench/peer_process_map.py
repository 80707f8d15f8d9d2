#!/usr/bin/python3
"""Python peer benchmark: the tutorial's process_map over a shared array (README.md, "The tutorial's job from the command line").

This is the baseline SharedMap is compared with. An N x N float64 array lives once in a
multiprocessing.Array(ctypes.c_double, N*N); forked workers inherit it as a global and the task
function returns arr[a % N, a % N] (the tutorial's kernel without its sleep). Two peers are timed:

  process_map  tqdm.contrib.concurrent.process_map(test, indices, max_workers=W, chunksize=C)
  joblib       joblib.Parallel(n_jobs=W, batch_size=C, backend='multiprocessing')(...)

Each measurement is the wall time of the whole call, pool start-up and shut-down included.

Usage (Debian's interpreter, which has numpy, tqdm and joblib):
  /usr/bin/python3 tests/bench/peer_process_map.py --tasks 100000 --workers 2 --chunksize 1 \
      [--n 1000] [--repeat 5] [--json]
"""

import argparse
import ctypes
import json
import multiprocessing
import platform
import statistics
import sys
import time

import numpy as np

try:
    import tqdm
    from tqdm.contrib.concurrent import process_map
except ImportError as exc:  # pragma: no cover - depends on the machine
    sys.exit("peer_process_map: tqdm is missing (%s); use /usr/bin/python3 with python3-tqdm" % exc)
try:
    import joblib
    from joblib import Parallel, delayed
except ImportError as exc:  # pragma: no cover
    sys.exit("peer_process_map: joblib is missing (%s); use /usr/bin/python3 with python3-joblib" % exc)

# Globals inherited by forked workers, exactly as in the tutorial.
N = 1000
B_shared = None


def test(a):
    arr = np.frombuffer(B_shared.get_obj()).reshape((N, N))
    return arr[a % N, a % N]


def run_process_map(indices, workers, chunksize):
    return process_map(test, indices, max_workers=workers, chunksize=chunksize, disable=True)


def run_joblib(indices, workers, chunksize):
    return Parallel(n_jobs=workers, batch_size=chunksize, backend="multiprocessing")(
        delayed(test)(a) for a in indices)


def run_serial(indices, workers, chunksize):
    return [test(a) for a in indices]


def measure(fn, indices, workers, chunksize, repeat, expected, name):
    runs = []
    for r in range(repeat):
        t0 = time.perf_counter()
        result = fn(indices, workers, chunksize)
        runs.append(time.perf_counter() - t0)
        if r == 0:  # verify correctness once
            got = np.asarray(result, dtype=np.float64)
            if got.shape != expected.shape or not np.array_equal(got, expected):
                bad = int(np.flatnonzero(got != expected)[0]) if got.shape == expected.shape else -1
                raise SystemExit("peer_process_map: %s returned wrong results (shape %s vs %s, first bad "
                                 "position %d)" % (name, got.shape, expected.shape, bad))
    med = statistics.median(runs)
    return {"median_s": med, "tasks_per_s": (len(indices) / med) if med > 0 else float("inf"),
            "runs": runs}


def main(argv=None):
    global N, B_shared
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tasks", type=int, default=100000, help="number of tasks (indices 0..tasks-1)")
    ap.add_argument("--workers", type=int, default=2, help="worker processes")
    ap.add_argument("--chunksize", type=int, default=1, help="tasks per chunk (process_map chunksize, "
                    "joblib batch_size)")
    ap.add_argument("--n", type=int, default=1000, help="array side N (N x N float64)")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per peer; the median is reported")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip-joblib", action="store_true", help="time process_map only")
    ap.add_argument("--serial", action="store_true", help="also time a plain in-process loop")
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    args = ap.parse_args(argv)
    if args.tasks < 0 or args.workers < 1 or args.chunksize < 1 or args.n < 1 or args.repeat < 1:
        ap.error("--tasks >= 0, --workers/--chunksize/--n/--repeat >= 1")

    # The global array must be inherited by the workers: force fork (the default on Linux up to
    # Python 3.13; 3.14 switches to forkserver, which would not see the global).
    multiprocessing.set_start_method("fork", force=True)

    N = args.n
    B_shared = multiprocessing.Array(ctypes.c_double, N * N)
    B = np.frombuffer(B_shared.get_obj()).reshape((N, N))
    B[:] = np.random.default_rng(args.seed).random((N, N))

    indices = list(range(args.tasks))
    expected = np.diag(B)[np.arange(args.tasks) % N].astype(np.float64)

    out = {}
    out["process_map"] = measure(run_process_map, indices, args.workers, args.chunksize, args.repeat,
                                 expected, "process_map")
    if not args.skip_joblib:
        out["joblib"] = measure(run_joblib, indices, args.workers, args.chunksize, args.repeat,
                                expected, "joblib")
    if args.serial:
        out["serial"] = measure(run_serial, indices, args.workers, args.chunksize, args.repeat,
                                expected, "serial")
    out.update({"tasks": args.tasks, "workers": args.workers, "chunksize": args.chunksize,
                "n": N, "repeat": args.repeat, "start_method": "fork",
                "versions": {"python": platform.python_version(), "numpy": np.__version__,
                             "tqdm": tqdm.__version__, "joblib": joblib.__version__}})

    if args.json:
        print(json.dumps(out))
    else:
        print("peer benchmark: %d tasks, %d workers, chunksize %d, N=%d, %d runs each (median)"
              % (args.tasks, args.workers, args.chunksize, N, args.repeat))
        for name in ("process_map", "joblib", "serial"):
            if name in out:
                m = out[name]
                print("  %-12s %9.3f s  %12.0f tasks/s   runs: %s"
                      % (name, m["median_s"], m["tasks_per_s"],
                         " ".join("%.3f" % t for t in m["runs"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
