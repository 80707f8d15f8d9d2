#!/usr/bin/python3
"""sharedmap-mpi next to sharedmap-cli on the same job, in the same run (docs/PERFORMANCE.md,
"On several nodes").

    /usr/bin/python3 tests/bench/bench_mpi.py --mpi build/bin/sharedmap-mpi --cli build/bin/sharedmap-cli \
        --workdir DIR [--quick] [--repeat N]

On this one machine, `mpirun -n 2 ... --mpi-node-split rank` makes two "nodes" of one worker each;
sharedmap-cli runs the same job with 2 workers. Runs alternate (CLI, MPI, CLI, MPI, ...) so both
see the same machine; each figure is the median of --repeat runs. Prints Markdown tables:
  1. the same job at chunk 1 and auto: wall time of the command, the job's own elapsed_s (from
     the summaries: start of the job to its end, without process and MPI start-up), the ratios,
     and whether the results are identical;
  2. overhead per chunk: a job of tiny tasks at chunk 1, (MPI job time - CLI job time) / chunks,
     with the messages rank 0 handled, its time per message and each node's round trip;
  3. memory per node with --load copy: each node's peak memory (PSS of its leader and workers,
     shared memory counted once) against the input's size, and the CLI's.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np


def run(argv, env=None):
    t0 = time.monotonic()
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=1800)
    wall = time.monotonic() - t0
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(argv)}\n{proc.stderr}")
    return wall


class Bench:
    def __init__(self, args):
        self.mpi, self.cli, self.dir = args.mpi, args.cli, args.workdir
        self.repeat = args.repeat
        os.makedirs(self.dir, exist_ok=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def cli_job(self, job, tag, extra=()):
        out, summary = self.path(f"cli-{tag}.npy"), self.path(f"cli-{tag}.json")
        wall = run([self.cli, "run", *job, "--workers", "2", "--output", out, "--summary", summary, "--quiet", *extra])
        with open(summary) as f:
            return wall, json.load(f), out

    def mpi_job(self, job, tag, extra=()):
        out, summary = self.path(f"mpi-{tag}.npy"), self.path(f"mpi-{tag}.json")
        wall = run(["mpirun", "--allow-run-as-root", "--oversubscribe", "-n", "2", self.mpi, "run", *job,
                    "--workers", "1", "--mpi-node-split", "rank", "--output", out, "--summary", summary, "--quiet",
                    *extra])
        with open(summary) as f:
            return wall, json.load(f), out

    def pair(self, job, tag, extra=()):
        """Alternating runs; medians of wall and job time, the last runs' summaries and outputs."""
        walls = {"cli": [], "mpi": []}
        jobs = {"cli": [], "mpi": []}
        last = {}
        for _ in range(self.repeat):
            for kind, fn in (("cli", self.cli_job), ("mpi", self.mpi_job)):
                wall, summary, out = fn(job, tag, extra)
                walls[kind].append(wall)
                jobs[kind].append(summary["elapsed_s"])
                last[kind] = (summary, out)
        med = {k: (statistics.median(walls[k]), statistics.median(jobs[k])) for k in walls}
        return med, last


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mpi", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one run each (the smoke test)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.quick:
        args.repeat = 1
    bench = Bench(args)
    rows, cols = (400, 500) if args.quick else (4000, 10000)
    tiny = 2000 if args.quick else 100000
    rng = np.random.default_rng(11)
    big = bench.path("big.npy")
    np.save(big, rng.random((rows, cols)))
    small = bench.path("tiny.npy")
    np.save(small, rng.random((tiny, 4)))
    input_bytes = rows * cols * 8

    print(f"### sharedmap-mpi vs sharedmap-cli, same job, same run\n")
    print(f"`row_sum` over {rows} × {cols} float64 ({input_bytes / 2**20:.0f} MiB, mapped), 2 workers: "
          f"sharedmap-cli `--workers 2`, and `mpirun -n 2 --mpi-node-split rank --workers 1` (two nodes "
          f"of one worker). Median of {args.repeat} alternating runs.\n")
    print("| chunk | CLI wall s | MPI wall s | wall ratio | CLI job s | MPI job s | job ratio | identical |")
    print("|---|---|---|---|---|---|---|---|")
    for chunk in ("1", "auto"):
        med, last = bench.pair(["--input", big, "--kernel", "row_sum", "--chunksize", chunk], f"big-{chunk}")
        same = np.array_equal(np.load(last["cli"][1]), np.load(last["mpi"][1]))
        (cw, cj), (mw, mj) = med["cli"], med["mpi"]
        print(f"| {chunk} | {cw:.3f} | {mw:.3f} | {mw / cw:.2f} | {cj:.4f} | {mj:.4f} | {mj / cj:.2f} | "
              f"{'yes' if same else '**no**'} |")

    print(f"\n### Overhead per chunk\n")
    print(f"`row_sum` over {tiny} rows of 4 float64 at chunk 1: {tiny} chunks of almost no work, so the job "
          f"time is the scheduling. Overhead per chunk = (MPI job s - CLI job s) / chunks.\n")
    med, last = bench.pair(["--input", small, "--kernel", "row_sum", "--chunksize", "1"], "tiny")
    same = np.array_equal(np.load(last["cli"][1]), np.load(last["mpi"][1]))
    (cw, cj), (mw, mj) = med["cli"], med["mpi"]
    mpi = last["mpi"][0]["mpi"]
    messages = mpi["rank0_messages"]
    rtts = ", ".join(f"{n['round_trip_ms']:.2f}" for n in mpi["node_list"])
    print("| CLI job s | MPI job s | overhead per chunk µs | rank-0 messages | messages per chunk | "
          "rank-0 µs per message | rank-0 µs per chunk | round trip per node ms | identical |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(f"| {cj:.4f} | {mj:.4f} | {(mj - cj) / tiny * 1e6:.2f} | {messages} | {messages / tiny:.4f} | "
          f"{mpi['rank0_busy_s'] / max(1, messages) * 1e6:.1f} | {mpi['rank0_busy_s'] / tiny * 1e6:.3f} | {rtts} | "
          f"{'yes' if same else '**no**'} |")
    # The same with a little work per task, so that the nodes' pipelines are what is measured.
    med, last = bench.pair(["--input", small, "--kernel", "row_sum", "--chunksize", "1", "--indices", f"0:{tiny // 10}",
                            "--param", "sleep_ms=0.05"], "sleepy")
    (cw, cj), (mw, mj) = med["cli"], med["mpi"]
    mpi = last["mpi"][0]["mpi"]
    print(f"\nThe same at chunk 1 over {tiny // 10} tasks of 50 µs (`sleep_ms=0.05`): CLI job {cj:.4f} s, MPI job "
          f"{mj:.4f} s, ratio {mj / cj:.3f}; rank 0 handled {mpi['rank0_messages']} messages; "
          f"tasks per node {[n['tasks_done'] for n in mpi['node_list']]}.")

    print(f"\n### Memory per node\n")
    print(f"The same `row_sum` job with `--load copy` (each node copies the input into its own shared "
          f"memory; a mapped .npy would share this host's page cache): peak memory per node (PSS of its "
          f"leader and workers, shared memory counted once) against the input, {input_bytes / 2**20:.0f} MiB.\n")
    _, cli_summary, _ = bench.cli_job(["--input", big, "--kernel", "row_sum", "--load", "copy"], "mem")
    _, mpi_summary, _ = bench.mpi_job(["--input", big, "--kernel", "row_sum", "--load", "copy"], "mem")
    print("| run | node | peak memory MiB | × input |")
    print("|---|---|---|---|")
    peak = cli_summary["peak_memory_bytes"]
    print(f"| sharedmap-cli | (one) | {peak / 2**20:.0f} | {peak / input_bytes:.3f} |")
    for node in mpi_summary["mpi"]["node_list"]:
        peak = node["peak_memory_bytes"]
        print(f"| sharedmap-mpi | {node['node']} | {peak / 2**20:.0f} | {peak / input_bytes:.3f} |")
    total = mpi_summary["peak_memory_bytes"]
    print(f"| sharedmap-mpi | all | {total / 2**20:.0f} | {total / input_bytes:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
