#!/usr/bin/python3
"""Copy vs shared (docs/PERFORMANCE.md §7): the same row_sum job with --mode shared and --mode copy, for 1, 2 and
4 workers, interleaved so machine noise hits both alike. Prints a markdown table of medians:
peak memory of the CLI and its workers (summary peak_memory_bytes) as a multiple of the array,
start-up (run to first task: for copy mode this includes sending every worker its copy), elapsed,
and the copy/shared ratios.

Usage: /usr/bin/python3 tests/bench/bench_modes.py [--cli build/bin/sharedmap-cli] [--mb 800]
           [--repeat 5] [--workers 1,2,4] [--quick] [--workdir DIR]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

import numpy as np


def run(cli, array, mode, workers, workdir):
    summary = os.path.join(workdir, "summary.json")
    subprocess.run([cli, "run", "--quiet", "--input", array, "--kernel", "row_sum", "--mode", mode,
                    "--workers", str(workers), "--summary", summary], check=True, timeout=600)
    with open(summary) as f:
        return json.load(f)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", default=os.path.join(here, "..", "..", "build", "bin", "sharedmap-cli"))
    parser.add_argument("--mb", type=int, default=800)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repetition (smoke test)")
    parser.add_argument("--workdir")
    args = parser.parse_args()
    if args.quick:
        args.mb, args.repeat = 16, 1
    workdir = args.workdir or tempfile.mkdtemp(prefix="bench_modes_")
    os.makedirs(workdir, exist_ok=True)
    columns = 10000
    rows = max(1, args.mb * 1000 * 1000 // (8 * columns))
    array = os.path.join(workdir, "B.npy")
    np.save(array, np.random.default_rng(1).random((rows, columns)))
    nbytes = rows * columns * 8
    workers_list = [int(w) for w in args.workers.split(",")]
    figures = {(w, m): [] for w in workers_list for m in ("shared", "copy")}
    for _ in range(args.repeat):
        for w in workers_list:
            for mode in ("shared", "copy"):
                figures[(w, mode)].append(run(args.cli, array, mode, w, workdir))
    print("### Copy vs shared: row_sum over a %d x %d float64 array (%.0f MB), medians of %d runs\n"
          % (rows, columns, nbytes / 1e6, args.repeat))
    print("| workers | mode | peak memory (× array) | start-up (s) | elapsed (s) | copy / shared: memory | start-up | elapsed |")
    print("|---|---|---|---|---|---|---|---|")
    for w in workers_list:
        med = {}
        for mode in ("shared", "copy"):
            runs = figures[(w, mode)]
            med[mode] = (statistics.median(r["peak_memory_bytes"] / nbytes for r in runs),
                         statistics.median(r["startup_s"] for r in runs),
                         statistics.median(r["elapsed_s"] for r in runs))
        for mode in ("shared", "copy"):
            m, s, e = med[mode]
            ratios = "| | | |"
            if mode == "copy":
                ratios = "| %.2f | %.1f | %.1f |" % (m / med["shared"][0], s / max(med["shared"][1], 1e-9),
                                                   e / max(med["shared"][2], 1e-9))
            print("| %d | %s | %.2f | %.4f | %.4f %s" % (w, mode, m, s, e, ratios))
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
