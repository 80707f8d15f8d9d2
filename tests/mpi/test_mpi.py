#!/usr/bin/python3
"""sharedmap-mpi under a real mpirun (Open MPI), against sharedmap-cli and NumPy.

Run by ctest as
    /usr/bin/python3 tests/mpi/test_mpi.py --mpi build/bin/sharedmap-mpi --cli build/bin/sharedmap-cli \
        --workdir DIR [--only NAME]

Every job runs on 3 ranks with --mpi-node-split rank (three "nodes" on this machine, each with its
own copy of the input and its own workers), except where a check says otherwise. Checked: results
identical to sharedmap-cli's and equal to NumPy's (row kernels, diag, list indices, CSV, a
row-valued kernel, the formula kernel, a Python kernel when the build has them); a worker SIGKILLed
on one node is retried there; a crashing index fails alone (exit 3); a rank SIGKILLed under
mpirun's default stops the run with the results so far on disk, which --resume completes
exactly; with --enable-recovery the run finishes on the other nodes with exact results; mpirun
interrupted leaves the results so far and a summary; bad command lines give exit 2 and one
line; no shared-memory segment of any rank is left after any check.

Uses only the standard library and numpy. Exits 0 only when every check passes.
"""

import argparse
import glob
import json
import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np

RANKS = 3
TIMEOUT = 120


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


# --------------------------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------------------------

def children(pid):
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(x) for x in f.read().split()]
    except (FileNotFoundError, ProcessLookupError):
        pass
    return found


def descendants(pid):
    result = []
    for child in children(pid):
        result.append(child)
        result += descendants(child)
    return result


def command_of(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().split(b"\0")[0].decode("utf-8", "replace")
    except (FileNotFoundError, ProcessLookupError):
        return ""


def parent_of(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return -1


class Launch:
    """An mpirun of sharedmap-mpi (or a sharedmap-cli run) in its own session, whose ranks and
    workers are sampled while it runs so that their segments can be looked for afterwards."""

    def __init__(self, argv, env=None):
        self.argv = argv
        self.pids = set()
        self.ranks = []  # sharedmap-mpi pids in the order they were first seen
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     start_new_session=True, env=env)
        self.pids.add(self.proc.pid)
        self.out = self.err = ""
        self._stop = False
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self):
        while not self._stop:
            for pid in descendants(self.proc.pid):
                if pid not in self.pids:
                    self.pids.add(pid)
                    if command_of(pid).endswith("sharedmap-mpi"):
                        self.ranks.append(pid)
            time.sleep(0.02)

    def rank_pids(self):
        """Live sharedmap-mpi processes, by MPI rank (from their environment)."""
        ranks = {}
        for pid in descendants(self.proc.pid):
            if not command_of(pid).endswith("sharedmap-mpi"):
                continue
            try:
                with open(f"/proc/{pid}/environ", "rb") as f:
                    env = dict(v.split(b"=", 1) for v in f.read().split(b"\0") if b"=" in v)
                ranks[int(env[b"OMPI_COMM_WORLD_RANK"])] = pid
            except (FileNotFoundError, KeyError, ValueError, ProcessLookupError):
                pass
        return ranks

    def workers_of(self, rank_pid):
        return [p for p in descendants(self.proc.pid)
                if parent_of(p) == rank_pid and command_of(p).endswith("sharedmap-worker")]

    def wait(self, timeout=TIMEOUT):
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            for pid in [self.proc.pid, *descendants(self.proc.pid)]:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            out, err = self.proc.communicate()
            self._stop = True
            tail = "\n".join(err.decode("utf-8", "replace").splitlines()[-40:])
            raise Failure(f"timed out after {timeout} s: {' '.join(self.argv)}\n{tail}")
        self._stop = True
        self._sampler.join()
        self.out = out.decode("utf-8", "replace")
        self.err = err.decode("utf-8", "replace")
        return self.proc.returncode


def leftovers(pids):
    """Shared-memory segments (and Qt's key files) created by any of `pids`."""
    found = []
    with open("/proc/sysvipc/shm") as f:
        next(f)
        for line in f:
            fields = line.split()
            if int(fields[4]) in pids:
                found.append(f"segment shmid {fields[1]} of pid {fields[4]}")
    for pid in pids:
        found += glob.glob("/tmp/qipc_sharedmemory_sharedmap-*-%d-*" % pid)
    return found


def our_lines(stderr):
    """The lines sharedmap-mpi printed (mpirun's own banners left out)."""
    return [line for line in stderr.splitlines() if line.startswith("sharedmap-mpi:")]


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise Failure(f"timed out waiting for {what}")


def partial_count(path):
    """Positions with a value in a partial output on disk (0 while it is not there)."""
    try:
        values = np.load(path)
    except (FileNotFoundError, ValueError, EOFError, OSError):
        return 0
    return int((~np.isnan(values.reshape(len(values), -1))).all(axis=1).sum())


# --------------------------------------------------------------------------------------------
# The checks
# --------------------------------------------------------------------------------------------

class Suite:
    def __init__(self, args):
        self.mpi = os.path.abspath(args.mpi)
        self.cli = os.path.abspath(args.cli)
        self.dir = os.path.abspath(args.workdir)
        os.makedirs(self.dir, exist_ok=True)
        self.env = dict(os.environ, SHAREDMAP_TEST_KERNELS="1")
        self.failures = []
        self.runs = 0
        rng = np.random.default_rng(15)
        self.a = os.path.join(self.dir, "a.npy")
        np.save(self.a, rng.standard_normal((240, 33)))
        self.b = os.path.join(self.dir, "b.npy")
        np.save(self.b, rng.random((300, 64), dtype=np.float32))
        self.f = os.path.join(self.dir, "f.npy")
        np.save(self.f, np.asfortranarray(rng.integers(-1000, 1000, (97, 41), dtype=np.int16)))

    def path(self, name):
        return os.path.join(self.dir, name)

    def mpirun(self, args, extra=(), ranks=RANKS, split=True):
        if "--output" in args:  # a file of an earlier run must not be taken for this run's
            try:
                os.remove(args[args.index("--output") + 1])
            except FileNotFoundError:
                pass
        argv = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-n", str(ranks), *extra, self.mpi, "run", *args]
        if split:
            argv += ["--mpi-node-split", "rank"]
        self.runs += 1
        return Launch(argv, self.env)

    def cli_run(self, args, output):
        argv = [self.cli, "run", *args, "--output", output, "--quiet"]
        proc = subprocess.run(argv, capture_output=True, timeout=TIMEOUT, env=self.env)
        check(proc.returncode == 0, f"sharedmap-cli exit {proc.returncode}: {proc.stderr.decode()}")

    def finish(self, launch, expect=0):
        code = launch.wait()
        check(code == expect, f"exit {code}, expected {expect}; stderr:\n{launch.err}")
        left = leftovers(launch.pids)
        check(not left, f"left behind: {left}")
        return code

    def same_as_cli(self, name, args, reference=None, extra=(), split=True, ranks=RANKS):
        """Runs `args` under mpirun and with sharedmap-cli; the outputs must be identical."""
        ext = os.path.splitext(name)[1] or ".npy"
        out, cli = self.path("mpi-" + name), self.path("cli-" + name)
        summary = self.path("mpi-" + name + ".json")
        launch = self.mpirun([*args, "--output", out, "--summary", summary, "--quiet"], extra, ranks=ranks,
                             split=split)
        self.finish(launch)
        self.cli_run(args, cli)
        if ext == ".csv":
            with open(out, "rb") as f, open(cli, "rb") as g:
                check(f.read() == g.read(), f"{name}: CSV differs from sharedmap-cli's")
        else:
            mine, theirs = np.load(out), np.load(cli)
            check(mine.shape == theirs.shape, f"{name}: shape {mine.shape}, sharedmap-cli {theirs.shape}")
            check(np.array_equal(mine, theirs, equal_nan=True), f"{name}: values differ from sharedmap-cli's")
            if reference is not None:
                check(np.allclose(mine, reference, rtol=1e-9, atol=1e-9), f"{name}: values differ from NumPy's")
        with open(summary) as f:
            s = json.load(f)
        check(s["mpi"]["ranks"] == ranks, f"summary mpi.ranks = {s['mpi']['ranks']}, expected {ranks}")
        nodes = ranks if split else 1
        check(s["mpi"]["nodes"] == nodes, f"summary mpi.nodes = {s['mpi']['nodes']}, expected {nodes}")
        check(len(s["worker_stats"]) == s["workers"] and all("node" in w for w in s["worker_stats"]),
              "summary: a node for every worker")
        check(sum(n["tasks_done"] for n in s["mpi"]["node_list"]) == s["done"], "summary: nodes' tasks add up")
        return s

    # ---- results ----------------------------------------------------------------------------

    def test_row_kernels(self):
        a = np.load(self.a)
        refs = {"row_sum": a.sum(1), "row_std": a.std(1), "row_max": a.max(1), "row_norm": np.linalg.norm(a, axis=1),
                "diag": np.diag(a)}
        for kernel, chunk in [("row_sum", "1"), ("row_sum", "7"), ("row_sum", "auto"), ("row_std", "auto"),
                              ("row_max", "5"), ("row_norm", "auto"), ("diag", "3")]:
            self.same_as_cli(f"{kernel}-{chunk}.npy", ["--input", self.a, "--kernel", kernel, "--chunksize", chunk],
                             refs[kernel])
        # Every node is busy: with small chunks each node computes some positions.
        s = self.same_as_cli("row_mean-1.npy", ["--input", self.a, "--kernel", "row_mean", "--chunksize", "1",
                                                "--param", "sleep_ms=2"], a.mean(1))
        check(all(n["tasks_done"] > 0 for n in s["mpi"]["node_list"]), f"a node computed nothing: {s['mpi']}")

    def test_dtypes_and_indices(self):
        b = np.load(self.b).astype(np.float64)
        f = np.load(self.f).astype(np.float64)
        idx = np.array([5, 5, 0, 299, 17, 5, 120], dtype=np.int64)
        np.save(self.path("idx.npy"), idx)
        self.same_as_cli("float32-slice.npy", ["--input", self.b, "--kernel", "row_sum", "--indices", "250:10:-3"],
                         b.sum(1)[250:10:-3])
        self.same_as_cli("list.npy", ["--input", self.b, "--kernel", "row_min", "--indices", "@" + self.path("idx.npy"),
                                      "--chunksize", "2"], b.min(1)[idx])
        self.same_as_cli("fortran.npy", ["--input", self.f, "--kernel", "row_mean"], f.mean(1))
        self.same_as_cli("rows.csv", ["--input", self.f, "--kernel", "row_max", "--chunksize", "4"])
        # One node per host (the default split): the three ranks share one node.
        self.same_as_cli("host.npy", ["--input", self.a, "--kernel", "row_sum"], np.load(self.a).sum(1), split=False)

    def test_row_valued(self):
        a = np.load(self.a)
        s = self.same_as_cli("cumsum.npy", ["--input", self.a, "--kernel", "row_cumsum", "--chunksize", "3"],
                             np.cumsum(a, axis=1))
        check(s["result_shape"] == [33], f"result_shape {s['result_shape']}")
        norms = np.linalg.norm(a, axis=1, keepdims=True)
        self.same_as_cli("normalize.npy", ["--input", self.a, "--kernel", "row_normalize"], a / norms)

    def test_formula(self):
        f = np.load(self.f).astype(np.float64)
        self.same_as_cli("formula.npy", ["--input", self.f, "--kernel", "formula", "--param", "expr=x*x+i",
                                         "--param", "reduce=sum", "--chunksize", "auto"],
                         (f * f).sum(1) + np.arange(len(f)) * f.shape[1])

    def test_python_kernel(self):
        # The user's Python function runs unchanged: each node leader probes it on its node
        # (the first positions computed there), then the node's workers embed CPython.
        script = self.path("kernel.py")
        with open(script, "w") as f:
            f.write("import numpy as np\n"
                    "def test(a, B, scale=1.0):\n    return float(B[a].sum() * scale + a)\n"
                    "def rows(a, B):\n    return np.cumsum(B[a])\n")
        a = np.load(self.a)
        self.same_as_cli("python.npy", ["--input", self.a, "--python", script + ":test", "--param", "scale=2"],
                         a.sum(1) * 2 + np.arange(len(a)))
        # Row-valued: the probe's shape is every result's shape, on every node.
        self.same_as_cli("python-rows.npy", ["--input", self.a, "--python", script + ":rows", "--chunksize", "3"],
                         np.cumsum(a, axis=1))
        # As a Python user starts it: mpirun -n 2, nothing else changed.
        self.same_as_cli("python-2.npy", ["--input", self.a, "--python", script + ":test"],
                         a.sum(1) + np.arange(len(a)), ranks=2)
        # A file that does not import is refused before any work, with one line (exit 2).
        bad = self.path("bad.py")
        with open(bad, "w") as f:
            f.write("def test(a, B):\n    return (\n")
        launch = self.mpirun(["--input", self.a, "--python", bad + ":test", "--quiet"])
        self.finish(launch, expect=2)
        lines = our_lines(launch.err)
        check(len(lines) == 1 and "bad.py" in lines[0] and "error" in lines[0],
              f"a broken file: one error line naming it, got {lines}")
        # A function that raises on every probed position stops the run at start-up: exit 3, one line.
        raising = self.path("raising.py")
        with open(raising, "w") as f:
            f.write("def test(a, B):\n    raise ValueError('no rows here')\n")
        out = self.path("raising.npy")
        launch = self.mpirun(["--input", self.a, "--python", raising + ":test", "--output", out, "--quiet"])
        self.finish(launch, expect=3)
        lines = our_lines(launch.err)
        check(len(lines) == 1 and "no rows here" in lines[0], f"a raising function: one line with why, got {lines}")
        check(not os.path.exists(out), "a raising function: no output written")

    # ---- faults -----------------------------------------------------------------------------

    def test_worker_killed(self):
        out, summary = self.path("wk.npy"), self.path("wk.json")
        args = ["--input", self.a, "--kernel", "row_sum", "--chunksize", "1", "--param", "sleep_ms=20"]
        launch = self.mpirun([*args, "--output", out, "--summary", summary, "--quiet"])
        victim = []

        def node1_worker():
            rank1 = launch.rank_pids().get(1)
            workers = launch.workers_of(rank1) if rank1 else []
            if workers and partial_count(out) > 0:
                victim.append(workers[0])
                return True
            return False

        wait_for(node1_worker, 60, "a worker on node 1 and the first results")
        os.kill(victim[0], signal.SIGKILL)
        self.finish(launch)
        self.cli_run(["--input", self.a, "--kernel", "row_sum"], self.path("wk-cli.npy"))
        check(np.array_equal(np.load(out), np.load(self.path("wk-cli.npy"))), "results differ after a worker crash")
        with open(summary) as f:
            s = json.load(f)
        check(s["retried_chunks"] >= 1, f"retried_chunks {s['retried_chunks']}")
        restarts = [w["restarts"] for w in s["worker_stats"] if w["node"] == 1]
        check(restarts and max(restarts) >= 1, f"node 1's workers were not restarted: {s['worker_stats']}")
        check(all(w["restarts"] == 0 for w in s["worker_stats"] if w["node"] != 1), "other nodes restarted")

    def test_crashing_index(self):
        out, summary = self.path("crash.npy"), self.path("crash.json")
        launch = self.mpirun(["--input", self.a, "--kernel", "test_fault", "--param", "crash_at=77", "--chunksize", "4",
                              "--output", out, "--summary", summary, "--quiet"])
        self.finish(launch, expect=3)
        values = np.load(out)
        expected = np.arange(240, dtype=np.float64)
        expected[77] = np.nan
        check(np.array_equal(values, expected, equal_nan=True), "values around a crashing index are wrong")
        with open(summary) as f:
            s = json.load(f)
        check(s["failed_indices"] == [77], f"failed_indices {s['failed_indices']}")
        check(s["retried_chunks"] >= 3 and "crashed" in s["failures"][0]["reason"], f"failures {s['failures']}")
        lines = our_lines(launch.err)
        check(len(lines) == 1 and "index 77" in lines[0], f"stderr lines: {lines}")

    def kill_rank_midway(self, extra, out, summary, partial_wanted=True):
        """Starts a slow job, SIGKILLs rank 2 once results are on disk; returns the launch."""
        args = ["--input", self.a, "--kernel", "row_sum", "--chunksize", "2", "--param", "sleep_ms=25"]
        launch = self.mpirun([*args, "--output", out, "--summary", summary, "--quiet"], extra)
        wait_for(lambda: 2 in launch.rank_pids() and partial_count(out) > 0, 60, "rank 2 and the first results")
        os.kill(launch.rank_pids()[2], signal.SIGKILL)
        return launch, args

    def test_rank_killed_default(self):
        out, summary = self.path("lost.npy"), self.path("lost.json")
        launch, args = self.kill_rank_midway([], out, summary)
        code = launch.wait()
        check(code != 0, f"mpirun exit {code} after a rank was killed (Open MPI aborts such a run)")
        values = np.load(out)
        done = ~np.isnan(values)
        self.cli_run(["--input", self.a, "--kernel", "row_sum"], self.path("lost-cli.npy"))
        reference = np.load(self.path("lost-cli.npy"))
        check(0 < done.sum() < len(values), f"{done.sum()} of {len(values)} results on disk")
        check(np.array_equal(values[done], reference[done]), "the partial results on disk are wrong")
        first_pids = launch.pids
        # The same options with --resume: only the NaN positions are computed, exactly.
        resume = self.mpirun([*args, "--resume", out, "--summary", summary, "--quiet"])
        self.finish(resume)
        check(np.array_equal(np.load(out), reference), "resumed results differ from sharedmap-cli's")
        with open(summary) as f:
            s = json.load(f)
        check(s["resumed_positions"] == int(done.sum()), f"resumed_positions {s['resumed_positions']}")
        left = leftovers(first_pids)
        check(not left, f"the killed run's segments are still there after the next start: {left}")

    def test_rank_killed_recovery(self):
        out, summary = self.path("recover.npy"), self.path("recover.json")
        launch, args = self.kill_rank_midway(["--enable-recovery"], out, summary)
        self.finish(launch)  # exit 0, and no segment of any rank left: the lost one's included
        self.cli_run(["--input", self.a, "--kernel", "row_sum"], self.path("recover-cli.npy"))
        check(np.array_equal(np.load(out), np.load(self.path("recover-cli.npy"))),
              "results differ after a rank was lost")
        with open(summary) as f:
            s = json.load(f)
        check(s["mpi"]["lost_ranks"] == [2], f"lost_ranks {s['mpi']['lost_ranks']}")
        check(s["done"] == 240 and not s["failed_indices"], f"done {s['done']}")
        lines = our_lines(launch.err)
        check(any("rank 2" in line and "lost" in line for line in lines), f"no line about the lost rank: {lines}")

    def test_interrupted(self):
        out, summary = self.path("term.npy"), self.path("term.json")
        args = ["--input", self.a, "--kernel", "row_sum", "--chunksize", "1", "--param", "sleep_ms=25"]
        launch = self.mpirun([*args, "--output", out, "--summary", summary, "--quiet"])
        wait_for(lambda: partial_count(out) > 0, 60, "the first results")
        os.kill(launch.proc.pid, signal.SIGTERM)  # mpirun: SIGCONT, then SIGTERM to every rank
        launch.wait()
        check(not leftovers(launch.pids), f"left behind: {leftovers(launch.pids)}")
        values = np.load(out)
        done = ~np.isnan(values)
        with open(summary) as f:
            s = json.load(f)
        check(s["cancelled"] and s["done"] == int(done.sum()) and s["done"] < 240, f"summary after SIGTERM: {s['done']}")
        resume = self.mpirun([*args, "--resume", out, "--quiet"])
        self.finish(resume)
        self.cli_run(["--input", self.a, "--kernel", "row_sum"], self.path("term-cli.npy"))
        check(np.array_equal(np.load(out), np.load(self.path("term-cli.npy"))), "resumed results differ")

    def test_output_as_it_goes(self):
        # Rank 0 writes --output while results arrive, at least every 2 s, always a whole file.
        out = self.path("growing.npy")
        launch = self.mpirun(["--input", self.a, "--kernel", "row_sum", "--chunksize", "1", "--param", "sleep_ms=60",
                              "--output", out, "--quiet"])
        seen = []  # (time, positions with a value) each time the file on disk changed
        while launch.proc.poll() is None:
            count = partial_count(out)
            if not seen or count != seen[-1][1]:
                seen.append((time.monotonic(), count))
            time.sleep(0.05)
        self.finish(launch)
        growing = [t for t, n in seen if 0 < n < 240]
        check(len(growing) >= 3, f"the output changed {len(growing)} times while the run went on: {seen}")
        gaps = [b - a for a, b in zip(growing, growing[1:])]
        check(max(gaps) <= 2.5, f"{max(gaps):.1f} s between two writes while results arrived")
        check([n for _, n in seen] == sorted(n for _, n in seen), "the output lost results between two writes")
        check(partial_count(out) == 240, "the final output is incomplete")

    def test_rank_lost_at_startup(self):
        # Under --enable-recovery, a rank lost before the job starts must not leave the others
        # waiting for it for ever: they give up (SHAREDMAP_MPI_TIMEOUT) and say so.
        out = self.path("startup.npy")
        env = dict(self.env, SHAREDMAP_MPI_TIMEOUT="5")
        argv = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-n", str(RANKS), "--enable-recovery", self.mpi,
                "run", "--input", self.a, "--kernel", "row_sum", "--output", out, "--mpi-node-split", "rank"]
        if os.path.exists(out):
            os.remove(out)
        launch = Launch(argv, env)
        self.runs += 1
        wait_for(lambda: 2 in launch.rank_pids(), 30, "rank 2")
        victim = launch.rank_pids()[2]
        os.kill(victim, signal.SIGKILL)
        launch.wait(timeout=90)
        lines = our_lines(launch.err)
        check(any("error" in line for line in lines), f"no error line: {launch.err}")
        check(not os.path.exists(out), "an output was written by a run that never started")
        survivors = launch.pids - {victim}
        check(not leftovers(survivors), f"the other ranks left: {leftovers(survivors)}")
        self.cleanup()  # what the next start does
        check(not leftovers(launch.pids), f"left behind after the next start: {leftovers(launch.pids)}")

    def cleanup(self):
        """Runs `sharedmap-cli cleanup`, as the next start of a run does."""
        subprocess.run([self.cli, "cleanup"], capture_output=True, timeout=60)

    # ---- command lines ----------------------------------------------------------------------

    def test_usage(self):
        cases = [
            (["--input", self.a, "--kernel", "row_sum", "--mpi-node-split", "socket"], "--mpi-node-split"),
            (["--input", self.path("missing.npy"), "--kernel", "row_sum"], "missing.npy"),
            (["--input", self.a, "--kernel", "no_such_kernel"], "no_such_kernel"),
            (["--input", self.a, "--kernel", "histogram"], "sharedmap-cli"),
            (["--input", self.a, "--kernel", "row_sum", "--chunksize", "0"], "--chunksize"),
            (["--input", self.a, "--kernel", "row_sum", "--resume", self.b], "partial results"),
        ]
        for args, word in cases:
            launch = self.mpirun(args, split=False)
            self.finish(launch, expect=2)
            lines = our_lines(launch.err)
            check(len(lines) == 1 and word in lines[0] and "error" in lines[0], f"{args}: stderr lines {lines}")
        launch = self.mpirun(["--help"], split=False)
        self.finish(launch)
        check(launch.out.count("--mpi-node-split") == 1 and "--chunksize" in launch.out, "run --help")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mpi", required=True)
    parser.add_argument("--cli", required=True)
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--only", help="run only the checks whose name contains one of these (comma-separated)")
    args = parser.parse_args()
    suite = Suite(args)
    wanted = args.only.split(",") if args.only else [""]
    names = [n for n in dir(suite) if n.startswith("test_") and any(w in n for w in wanted)]
    started = time.monotonic()
    for name in names:
        t0 = time.monotonic()
        try:
            getattr(suite, name)()
            print(f"PASS {name} ({time.monotonic() - t0:.1f} s)", flush=True)
        except Failure as failure:
            suite.failures.append(name)
            print(f"FAIL {name}: {failure}", flush=True)
    print(f"{len(names) - len(suite.failures)} of {len(names)} checks passed, {suite.runs} mpirun runs, "
          f"{time.monotonic() - started:.0f} s")
    return 1 if suite.failures else 0


if __name__ == "__main__":
    sys.exit(main())
