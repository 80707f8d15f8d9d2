#!/usr/bin/python3
"""SharedMap benchmarks: every figure next to a baseline measured in the same run.

Runs the real CLI (build/bin/sharedmap-cli), the Python peers (peer_process_map.py: process_map
and joblib over a multiprocessing.Array) and bench_engine (the Pool facade next to C++ loops and
NumPy over the same shared memory), interleaving repetitions so that machine noise hits every
variant alike, and prints markdown tables of medians and ratios:

  memory     row_sum over a 10000 x 10000 float64 array (800 MB): peak PSS of the CLI and its
             workers (summary peak_memory_bytes) / array bytes, next to the naive process_map
             pattern (a copy per worker plus the parent's: bytes x (workers + 1)). Target <= 1.10.
  dispatch   1,000,000 diag tasks (indices np.arange(10**6) % 1000 via --indices @idx.npy on a
             1000 x 1000 array) at chunk size 1, 100 and auto: tasks/s from the whole CLI process
             wall time and from the summary's elapsed_s, next to process_map and joblib.
  bandwidth  bench_engine: row_sum GB/s (array bytes / compute_s) for float64, float32, int16; with
             memory, also the CLI's mapped-input runs as GB/s beside bench_engine's loops.
  load       bench_load: an 800 MB .npy from a warm page cache into shared memory (loadNpy) next to
             a plain read() into a buffer and an mmap of the file, in the same run. Target >= 0.80.
  scaling    bench_scaling: row_std speed-up with 1, 2, 4 ... workers up to the cores (and on to
             twice that, oversubscribed), next to a std::thread loop.

Usage (Debian's interpreter, which has numpy, tqdm and joblib):
  /usr/bin/python3 tests/bench/run_benchmarks.py [--quick] [--only memory,dispatch,bandwidth,load,scaling]
      [--cli build/bin/sharedmap-cli] [--engine build/tests/bin/bench_engine] [--repeat 5]
      [--peer-repeat 3] [--workdir DIR] [--keep] [--json results.json]
"""

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def log(msg):
    print("run_benchmarks: " + msg, file=sys.stderr, flush=True)


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def spread(values):
    values = [v for v in values if v is not None]
    return (min(values), max(values)) if values else (None, None)


def fmt_rate(x):
    if x is None:
        return "n/a"
    if x >= 1e6:
        return "%.2f M/s" % (x / 1e6)
    if x >= 1e3:
        return "%.1f k/s" % (x / 1e3)
    return "%.0f /s" % x


def fmt_ratio(a, b, digits=1):
    if a is None or b is None or b == 0:
        return "n/a"
    return "%.*f x" % (digits, a / b)


def run(cmd, **kw):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


# --- machine -----------------------------------------------------------------------------------

def machine_info():
    info = {"nproc": os.cpu_count(), "kernel": platform.release(), "python": platform.python_version(),
            "numpy": np.__version__}
    try:
        info["nproc"] = int(run(["nproc"]).stdout.strip())
    except (OSError, ValueError):
        pass
    try:
        with open("/proc/cpuinfo") as f:
            text = f.read()
        m = re.search(r"^model name\s*:\s*(.*)$", text, re.M)
        info["cpu"] = m.group(1).strip() if m else "unknown"
        m = re.search(r"^flags\s*:\s*(.*)$", text, re.M)
        flags = m.group(1).split() if m else []
        info["simd"] = " ".join(f for f in ("sse4_2", "avx", "avx2", "avx512f") if f in flags)
        m = re.search(r"^cache size\s*:\s*(.*)$", text, re.M)
        info["cache"] = m.group(1).strip() if m else "unknown"
    except OSError:
        info["cpu"] = "unknown"
    try:
        with open("/proc/meminfo") as f:
            m = re.search(r"MemTotal:\s*(\d+) kB", f.read())
        info["ram_gib"] = int(m.group(1)) / 1024 / 1024 if m else None
    except OSError:
        info["ram_gib"] = None
    if shutil.which("lscpu"):
        text = run(["lscpu"], env=dict(os.environ, LC_ALL="C")).stdout
        for key, name in (("hypervisor", r"Hypervisor vendor"), ("l3", r"L3 cache")):
            m = re.search(r"^%s:\s*(.*)$" % name, text, re.M)
            if m:
                info[key] = m.group(1).strip()
    qt = run(["dpkg-query", "-W", "-f=${Version}", "libqt6core6"]) if shutil.which("dpkg-query") else None
    info["qt"] = qt.stdout.strip() if qt is not None and qt.returncode == 0 and qt.stdout.strip() else "unknown"
    info["loadavg_start"] = os.getloadavg()
    return info


# --- memory ------------------------------------------------------------------------------------

def cli_run(cli, npy, kernel, workers, chunk, summary, indices=None, output=None):
    cmd = [cli, "run", "--input", npy, "--kernel", kernel, "--workers", str(workers), "--chunksize", str(chunk),
           "--summary", summary, "--quiet"]
    if indices:
        cmd += ["--indices", indices]
    if output:
        cmd += ["--output", output]
    t0 = time.perf_counter()
    p = run(cmd)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit("run_benchmarks: %s failed (exit %d): %s" % (" ".join(cmd), p.returncode, p.stderr.strip()))
    with open(summary) as f:
        s = json.load(f)
    s["wall_s"] = wall
    return s


def bench_memory(a, work, results):
    shape = "200x300" if a.quick else "10000x10000"
    npy = os.path.join(work, "mem_f64.npy")
    log("memory: generating %s float64..." % shape)
    g = run([a.cli, "generate", "--shape", shape, "--dtype", "float64", "--output", npy])
    if g.returncode != 0:
        raise SystemExit("run_benchmarks: generate failed: " + g.stderr)
    nbytes = None
    runs = {w: [] for w in a.memory_workers}
    for r in range(a.repeat):
        for w in a.memory_workers:
            s = cli_run(a.cli, npy, "row_sum", w, "auto", os.path.join(work, "mem.json"))
            nbytes = s["input"]["bytes"]
            runs[w].append({"peak": s["peak_memory_bytes"], "ratio": s["peak_memory_bytes"] / nbytes,
                            "wall_s": s["wall_s"], "load_s": s.get("load_s"), "compute_s": s.get("compute_s")})
            log("memory: run %d/%d, %d workers: peak %.1f MB = %.3f x array"
                % (r + 1, a.repeat, w, s["peak_memory_bytes"] / 1e6, s["peak_memory_bytes"] / nbytes))
    os.remove(npy)
    os.remove(os.path.join(work, "mem.json"))
    results["memory"] = {"shape": shape, "bytes": nbytes, "runs": {str(w): v for w, v in runs.items()}}

    lines = ["### Memory: peak PSS of CLI + workers / array bytes (`row_sum`, %s float64, %.0f MB; median of %d "
             "runs; %d cores)" % (shape, nbytes / 1e6, a.repeat, results["machine"]["nproc"]), "",
             "| workers | naive process_map: bytes x (workers + 1) | **SharedMap** peak PSS (median) | "
             "SharedMap ratio (min-max) | SharedMap / naive | target <= 1.10 |",
             "|---|---|---|---|---|---|"]
    for w in a.memory_workers:
        peaks = [x["peak"] for x in runs[w]]
        ratios = [x["ratio"] for x in runs[w]]
        lo, hi = spread(ratios)
        naive = nbytes * (w + 1)
        m = med(ratios)
        lines.append("| %d | %.0f MB (%.2f x) | %.1f MB | **%.3f** (%.3f-%.3f) | %.2f | %s |"
                     % (w, naive / 1e6, w + 1.0, med(peaks) / 1e6, m, lo, hi, med(peaks) / naive,
                        "met" if m <= 1.10 else "missed by %.3f" % (m - 1.10)))
    return lines


# --- dispatch ----------------------------------------------------------------------------------

def peer(a, tasks, chunk, repeat):
    cmd = [a.python, a.peer, "--tasks", str(tasks), "--workers", str(a.workers), "--chunksize", str(chunk),
           "--repeat", str(repeat), "--json"]
    p = run(cmd)
    if p.returncode != 0:
        raise SystemExit("run_benchmarks: peer failed: %s\n%s" % (" ".join(cmd), p.stderr))
    return json.loads(p.stdout.strip().splitlines()[-1])


def bench_dispatch(a, work, results):
    big = 2000 if a.quick else 1000000
    small = 500 if a.quick else 100000
    n = 1000
    npy = os.path.join(work, "dispatch_f64.npy")
    g = run([a.cli, "generate", "--shape", "%dx%d" % (n, n), "--output", npy])
    if g.returncode != 0:
        raise SystemExit("run_benchmarks: generate failed: " + g.stderr)
    idx = {}
    for tasks in (big, small):
        idx[tasks] = os.path.join(work, "idx_%d.npy" % tasks)
        np.save(idx[tasks], np.arange(tasks, dtype=np.int64) % n)
    B = np.load(npy)
    # SharedMap configurations: (tasks, chunk); the peers: (tasks, chunk) -> runs.
    configs = [(big, "1"), (big, "100"), (big, "auto"), (small, "1")]
    peer_configs = [(small, 1, a.peer_repeat), (big, 100, a.repeat)]

    # Correctness once per configuration (untimed): results equal np.diag(B)[idx].
    for tasks, chunk in configs:
        out = os.path.join(work, "dispatch_out.npy")
        cli_run(a.cli, npy, "diag", a.workers, chunk, os.path.join(work, "d.json"), "@" + idx[tasks], out)
        got = np.load(out)
        want = np.diag(B)[np.arange(tasks) % n]
        if got.shape != want.shape or not np.array_equal(got, want):
            raise SystemExit("run_benchmarks: diag results differ from NumPy (tasks %d, chunk %s)" % (tasks, chunk))
        os.remove(out)

    sm = {c: [] for c in configs}
    peers = {(t, c): [] for t, c, _ in peer_configs}
    rounds = max(a.repeat, max(r for _, _, r in peer_configs))
    for r in range(rounds):
        if r < a.repeat:
            for tasks, chunk in configs:
                s = cli_run(a.cli, npy, "diag", a.workers, chunk, os.path.join(work, "d.json"), "@" + idx[tasks])
                sm[(tasks, chunk)].append({"wall_s": s["wall_s"], "elapsed_s": s["elapsed_s"],
                                           "startup_s": s["startup_s"], "compute_s": s["compute_s"],
                                           "load_s": s.get("load_s")})
        for tasks, chunk, repeat in peer_configs:
            if r < repeat:
                p = peer(a, tasks, chunk, 1)
                peers[(tasks, chunk)].append({k: p[k]["runs"][0] for k in ("process_map", "joblib")})
                peers[(tasks, chunk)][-1]["versions"] = p["versions"]
        log("dispatch: round %d/%d done" % (r + 1, rounds))
    for f in ("d.json",):
        os.remove(os.path.join(work, f))
    results["dispatch"] = {"n": n, "sharedmap": {"%d/%s" % k: v for k, v in sm.items()},
                           "peers": {"%d/%d" % k: v for k, v in peers.items()}}

    def peer_rate(tasks, chunk, name):
        return tasks / med([x[name] for x in peers[(tasks, chunk)]])

    lines = ["### Dispatch: `diag` tasks per second, %d workers (indices `np.arange(tasks) %% %d` on a %dx%d "
             "float64 array; SharedMap median of %d runs, peers median of %d (chunk 1) and %d (chunk 100); %d cores)"
             % (a.workers, n, n, n, a.repeat, a.peer_repeat, a.repeat, results["machine"]["nproc"]), "",
             "| tasks | chunk | **SharedMap** tasks/s, whole CLI process (wall) | SharedMap tasks/s from `elapsed_s` "
             "| `startup_s` | compared with | process_map tasks/s | joblib tasks/s | SharedMap wall / process_map "
             "| SharedMap wall / joblib |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for tasks, chunk in configs:
        runs = sm[(tasks, chunk)]
        wall_rate = tasks / med([x["wall_s"] for x in runs])
        el_rate = tasks / med([x["elapsed_s"] for x in runs])
        startup = med([x["startup_s"] for x in runs])
        ref = (small, 1) if chunk == "1" else (big, 100)
        pm, jl = peer_rate(ref[0], ref[1], "process_map"), peer_rate(ref[0], ref[1], "joblib")
        if (tasks, chunk) == (ref[0], str(ref[1])):
            note = "same tasks and chunk"
        elif chunk == "auto":
            note = "peers at chunk %d (they have no auto)" % ref[1]
        else:
            note = "peers at %s tasks (%s at chunk 1 takes minutes)" % ("{:,}".format(ref[0]), "{:,}".format(tasks))
        lines.append("| %s | %s | %s | %s | %.1f ms | %s | %s | %s | **%s** | **%s** |"
                     % ("{:,}".format(tasks), chunk, fmt_rate(wall_rate), fmt_rate(el_rate), startup * 1e3, note,
                        fmt_rate(pm), fmt_rate(jl), fmt_ratio(wall_rate, pm), fmt_ratio(wall_rate, jl)))
    lines += ["", "Raw medians (seconds):", "",
              "| tasks | chunk | CLI wall | `elapsed_s` | `startup_s` | `compute_s` | `load_s` |",
              "|---|---|---|---|---|---|---|"]
    for tasks, chunk in configs:
        runs = sm[(tasks, chunk)]
        lines.append("| %s | %s | %.4f | %.4f | %.4f | %.4f | %.4f |"
                     % ("{:,}".format(tasks), chunk, *(med([x[k] for x in runs]) for k in
                                                       ("wall_s", "elapsed_s", "startup_s", "compute_s", "load_s"))))
    for (tasks, chunk), runs in peers.items():
        for name in ("process_map", "joblib"):
            lines.append("| %s | %d | %s %.3f (runs: %s) | | | | |"
                         % ("{:,}".format(tasks), chunk, name, med([x[name] for x in runs]),
                            " ".join("%.3f" % x[name] for x in runs)))
    for f in [npy] + list(idx.values()):
        os.remove(f)
    return lines


# --- bandwidth ---------------------------------------------------------------------------------

def bench_bandwidth(a, work, results):
    out = os.path.join(work, "engine.json")
    cmd = [a.engine, "--repeat", str(1 if a.quick else a.repeat), "--workers", str(a.workers), "--json", out]
    if a.quick:
        cmd.append("--quick")
    log("bandwidth: " + " ".join(cmd))
    p = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)  # its progress goes to our stderr
    if p.returncode != 0:
        raise SystemExit("run_benchmarks: bench_engine failed (exit %d)" % p.returncode)
    with open(out) as f:
        results["bandwidth"] = json.load(f)
    os.remove(out)
    return p.stdout.rstrip("\n").split("\n")


def mapped_bandwidth(results):
    """The memory section's CLI runs map the .npy in place and start fresh workers: their
    compute_s gives the bandwidth of that path, set beside bench_engine's loops of the same run."""
    mem = results["memory"]
    f64 = next((d for d in results["bandwidth"].get("dtypes", []) if d.get("dtype") == "float64"), None)
    loop_s = (f64 or {}).get("median", {}).get("base2_warm_s")
    lines = ["### Row-sum bandwidth of a mapped `.npy` with fresh workers (the CLI's default; memory runs above, "
             "%s float64)" % mem["shape"], "",
             "| workers | `compute_s` (median) | GB/s | x C++ 2-thread warm loop (bench_engine, this run) |",
             "|---|---|---|---|"]
    for w, runs in mem["runs"].items():
        compute = med([r["compute_s"] for r in runs if r.get("compute_s")])
        gbs = mem["bytes"] / compute / 1e9 if compute else float("nan")
        ratio = "%.2f" % (loop_s / compute) if loop_s and compute else "-"
        lines.append("| %s | %.4f s | %.1f | %s |" % (w, compute or float("nan"), gbs, ratio))
    return lines


def bench_program(a, work, results, name, program, extra):
    """Runs bench_load or bench_scaling (their progress goes to our stderr) and returns their tables."""
    out = os.path.join(work, name + ".json")
    cmd = [program, "--repeat", str(1 if a.quick else a.repeat), "--dir", work, "--json", out] + extra
    if a.quick:
        cmd.append("--quick")
    log("%s: %s" % (name, " ".join(cmd)))
    p = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise SystemExit("run_benchmarks: %s failed (exit %d)" % (os.path.basename(program), p.returncode))
    with open(out) as f:
        results[name] = json.load(f)
    os.remove(out)
    return p.stdout.rstrip("\n").split("\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="tiny sizes, one run each (smoke test)")
    ap.add_argument("--only", default="memory,dispatch,bandwidth,load,scaling", help="comma list of figures to run")
    ap.add_argument("--cli", default=os.path.join(ROOT, "build", "bin", "sharedmap-cli"))
    ap.add_argument("--engine", help="bench_engine (default: BUILD/tests/bin/bench_engine for --cli BUILD/bin/...)")
    ap.add_argument("--load-bench", help="bench_load (default: beside bench_engine)")
    ap.add_argument("--scaling-bench", help="bench_scaling (default: beside bench_engine)")
    ap.add_argument("--peer", default=os.path.join(HERE, "peer_process_map.py"))
    ap.add_argument("--python", default="/usr/bin/python3", help="interpreter for the peers")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--memory-workers", default="2,4", help="worker counts for the memory figure")
    ap.add_argument("--repeat", type=int, default=5, help="runs per SharedMap figure (median)")
    ap.add_argument("--peer-repeat", type=int, default=3, help="runs of the slow chunk-1 peers (median)")
    ap.add_argument("--workdir", help="folder for the generated files (default: a new one in /tmp)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument("--json", help="write every measurement to this file")
    a = ap.parse_args(argv)
    if not a.engine:  # build/tests/bin/bench_engine (test programs stay out of build/bin), else beside the CLI
        build = os.path.dirname(os.path.dirname(os.path.abspath(a.cli)))
        candidates = [os.path.join(build, "tests", "bin", "bench_engine"),
                      os.path.join(os.path.dirname(a.cli), "bench_engine")]
        a.engine = next((c for c in candidates if os.access(c, os.X_OK)), candidates[0])
    a.load_bench = a.load_bench or os.path.join(os.path.dirname(a.engine), "bench_load")
    a.scaling_bench = a.scaling_bench or os.path.join(os.path.dirname(a.engine), "bench_scaling")
    a.memory_workers = [int(w) for w in a.memory_workers.split(",") if w]
    if a.quick:
        a.repeat, a.peer_repeat, a.memory_workers = 1, 1, [a.workers]
    only = set(a.only.split(","))
    for path in ([a.cli] + ([a.engine] if "bandwidth" in only else []) + ([a.load_bench] if "load" in only else [])
                 + ([a.scaling_bench] if "scaling" in only else [])):
        if not os.access(path, os.X_OK):
            raise SystemExit("run_benchmarks: %s is not an executable (build first, or pass --cli/--engine)" % path)

    made = a.workdir is None
    work = a.workdir or tempfile.mkdtemp(prefix="sharedmap-bench-", dir="/tmp")
    os.makedirs(work, exist_ok=True)
    results = {"machine": machine_info(), "argv": sys.argv, "started": time.strftime("%Y-%m-%d %H:%M:%S")}
    m = results["machine"]
    sections = [["## SharedMap benchmarks%s" % (" (--quick: tiny sizes, figures meaningless)" if a.quick else ""), "",
                 "Machine: %d cores (nproc), %s (%s; L2 %s per core, L3 %s)%s, %.1f GiB RAM, Linux %s, Qt %s, "
                 "Python %s, NumPy %s. Load average at start: %.2f %.2f %.2f."
                 % (m["nproc"], m.get("cpu", "?"), m.get("simd", ""), m.get("cache", "?"), m.get("l3", "?"),
                    ", %s guest" % m["hypervisor"] if m.get("hypervisor") else "", m.get("ram_gib") or 0,
                    m["kernel"], m["qt"], m["python"], m["numpy"], *m["loadavg_start"])]]
    try:
        if "memory" in only:
            sections.append(bench_memory(a, work, results))
        if "dispatch" in only:
            sections.append(bench_dispatch(a, work, results))
        if "bandwidth" in only:
            sections.append(bench_bandwidth(a, work, results))
            if "memory" in results:
                sections.append(mapped_bandwidth(results))
        if "load" in only:
            sections.append(bench_program(a, work, results, "load", a.load_bench, []))
        if "scaling" in only:
            sections.append(bench_program(a, work, results, "scaling", a.scaling_bench, []))
    finally:
        if made and not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    results["machine"]["loadavg_end"] = os.getloadavg()
    sections.append(["Load average at end: %.2f %.2f %.2f." % results["machine"]["loadavg_end"]])
    print("\n\n".join("\n".join(s) for s in sections))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
