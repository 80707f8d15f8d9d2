#!/usr/bin/python3
"""A hostile environment, not just a hostile file: regression tests for sharedmap-cli.

Run by ctest, one entry per case (`hostile_env_NAME`), as
    /usr/bin/python3 tests/interop/test_hostile_env.py --cli build/bin/sharedmap-cli --workdir DIR --case NAME

Each case reproduces one way the environment can turn against a run: FIFOs and devices where
files are written, an output that is the input, a full disk, partial results of another run, too
few descriptors or processes, a memory cgroup, `ulimit -v`, planted symlinks, job files others may
write, killed workers inside a mutex, a signal during a long load. Every one must end with a
documented exit code (0, 2, 3, 130, 143; never 1, never death by a signal), one readable line, no
result presented as right when it is not, the work done so far kept, and no segment or key file
left behind. docs/RELIABILITY.md lists what the user sees in each case.

Cases that need root (mounting a tmpfs, creating a cgroup, acting as another user) say so and
fail when run without it: CI runs as root. Uses only the standard library and numpy.
"""

import argparse
import ctypes
import ctypes.util
import glob
import json
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

import numpy as np

NOTICE = re.compile(r"^sharedmap-cli: removed sharedmap-[a-z]+-\d+-\d+-[0-9a-f]+ left by a killed run")
DOCUMENTED = {0, 2, 3, 130, 143}


# --------------------------------------------------------------------------------------------
# Running the CLI
# --------------------------------------------------------------------------------------------

class Run:
    def __init__(self, argv, rc, out, err, elapsed, timed_out, pid):
        self.argv, self.rc, self.out, self.err = argv, rc, out, err
        self.elapsed, self.timed_out, self.pid = elapsed, timed_out, pid

    def lines(self):
        """stderr lines other than stale-segment notices (other tests kill CLIs)."""
        return [l for l in self.err.splitlines() if l.strip() and not NOTICE.match(l)]

    def brief(self):
        return "exit %s%s in %.2fs; stderr: %s" % (self.rc, " (TIMEOUT)" if self.timed_out else "", self.elapsed,
                                                   self.err.strip().replace("\n", " | ") or "(empty)")


def clean_env():
    env = dict(os.environ)
    env.pop("SHAREDMAP_TEST_KERNELS", None)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def start_cli(cli, argv, env=None, preexec=None):
    return subprocess.Popen([cli] + argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, env=env or clean_env(), preexec_fn=preexec)


def finish(proc, argv, t0, timeout):
    timed_out = False
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        out, err = proc.communicate()
    return Run(argv, proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"),
               time.monotonic() - t0, timed_out, proc.pid)


def run_cli(cli, argv, timeout=20, env=None, preexec=None):
    t0 = time.monotonic()
    return finish(start_cli(cli, argv, env, preexec), argv, t0, timeout)


def key_files_of(pid):
    return glob.glob("/tmp/qipc_sharedmemory_sharedmap-*-%d-*" % pid)


def segments_of(pid):
    with open("/proc/sysvipc/shm") as f:
        next(f)
        return [line.split() for line in f if line.split()[4] == str(pid)]


class Checks:
    """Collects failed expectations; a case passes when none failed."""

    def __init__(self):
        self.failures = []

    def expect(self, condition, what):
        if not condition:
            self.failures.append(what)
            print("FAIL: " + what)
        return condition

    def refused(self, run, says, title, max_s=10.0):
        """Exit 2 within max_s with exactly one 'sharedmap-cli: error:' line containing every text in `says`."""
        lines = run.lines()
        ok = (not run.timed_out and run.rc == 2 and len(lines) == 1 and lines[0].startswith("sharedmap-cli: error: ")
              and all(s in lines[0] for s in says) and run.elapsed < max_s)
        print("%s %s -> %s" % ("ok  " if ok else "FAIL", title, run.brief()))
        if not ok:
            self.failures.append("%s: expected exit 2 within %.0f s and one error line containing %s" % (title, max_s, says))
        self.nothing_left(run, title)
        return ok

    def nothing_left(self, run, title):
        left = key_files_of(run.pid) + [s[1] for s in segments_of(run.pid)]
        self.expect(not left, "%s: left shared memory behind: %s" % (title, left))
        self.expect(run.rc in DOCUMENTED, "%s: exit code %s is not a documented one" % (title, run.rc))

    def result(self):
        print("%d check(s) failed" % len(self.failures) if self.failures else "all checks passed")
        return 1 if self.failures else 0


def needs_root(what):
    if os.geteuid() != 0:
        print("FAIL: this case needs root (%s); CI runs as root" % what)
        return False
    return True


def drop_to_nobody():
    os.setgid(65534)
    os.setuid(65534)


def ppid_of(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


def children_of(pid):
    return [int(p) for p in os.listdir("/proc") if p.isdigit() and ppid_of(int(p)) == pid]


def wait_for(predicate, timeout, step=0.01):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


class Tmpfs:
    """A small tmpfs mounted for the test (root only), unmounted on exit."""

    def __init__(self, path, size):
        self.path, self.size = path, size

    def __enter__(self):
        os.makedirs(self.path, exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%s,mode=0777" % self.size, "tmpfs", self.path], check=True)
        return self.path

    def __exit__(self, *exc):
        subprocess.run(["umount", "-l", self.path], check=False)


def fill(folder):
    """Fills the filesystem of `folder` until a write fails (ENOSPC); returns the filler's path."""
    path = os.path.join(folder, "filler")
    with open(path, "wb", buffering=0) as f:
        block = b"\0" * 4096
        try:
            while True:
                f.write(block)
        except OSError:
            pass
    return path


def rows_file(d, name="rows.npy", rows=4000, cols=16, seed=1):
    """Dyadic values: every summation order gives the same bits."""
    path = os.path.join(d, name)
    a = np.random.default_rng(seed).integers(-1000, 1000, size=(rows, cols)).astype(np.float64) / 8
    np.save(path, a)
    return path, a


# --------------------------------------------------------------------------------------------
# Case 2: a FIFO (or any non-regular file) where a file is written
# --------------------------------------------------------------------------------------------

def case_nonregular_outputs(cli, d):
    """A FIFO as --output, --summary, --resume or generate --output was opened for writing with
    no reader and blocked for ever; a socket or a device is no better. Refused up front: exit 2,
    one line naming what the path is, the FIFO left as it was."""
    c = Checks()
    rows, _ = rows_file(d)
    fifo = os.path.join(d, "pipe.npy")
    fifo_json = os.path.join(d, "pipe.json")
    os.mkfifo(fifo)
    os.mkfifo(fifo_json)
    base = ["run", "--input", rows, "--kernel", "row_sum", "--quiet"]
    c.refused(run_cli(cli, base + ["--output", fifo], 10), ["FIFO"], "--output FIFO", 5)
    c.refused(run_cli(cli, base + ["--summary", fifo_json], 10), ["FIFO"], "--summary FIFO", 5)
    c.refused(run_cli(cli, base + ["--resume", fifo], 10), ["--resume", "FIFO"], "--resume FIFO", 5)
    c.refused(run_cli(cli, base + ["--resume", rows, "--output", fifo], 10), ["FIFO"], "--resume with --output FIFO", 5)
    c.refused(run_cli(cli, ["generate", "--shape", "4x4", "--output", fifo], 10), ["FIFO"], "generate --output FIFO", 5)
    sock_path = os.path.join(d, "sock.npy")
    import socket
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(sock_path)
    c.refused(run_cli(cli, base + ["--output", sock_path], 10), ["socket"], "--output a socket", 5)
    sock.close()
    for path in (fifo, fifo_json):
        c.expect(stat.S_ISFIFO(os.lstat(path).st_mode), "%s is no longer a FIFO" % path)
    return c.result()


# --------------------------------------------------------------------------------------------
# Case 5: --output is the input
# --------------------------------------------------------------------------------------------

def case_output_is_input(cli, d):
    """`--output` equal to `--input` silently replaced the input with the results. Refused by
    identity (device and inode), whatever the spelling: the same path, another relative spelling,
    a symlink, a hard link; also a summary that is a hard link of the input, --resume of the input
    itself and an output that is the --indices file. The input's bytes stay as they were."""
    c = Checks()
    rows, _ = rows_file(d)
    before = open(rows, "rb").read()
    link = os.path.join(d, "link.npy")
    os.symlink(rows, link)
    hard = os.path.join(d, "hard.npy")
    os.link(rows, hard)
    hard_json = os.path.join(d, "hard.json")
    os.link(rows, hard_json)
    idx = os.path.join(d, "idx.npy")
    np.save(idx, np.arange(10, dtype=np.int64))
    sub = os.path.join(d, "sub")
    os.makedirs(sub, exist_ok=True)
    spelled = os.path.join(sub, "..", os.path.basename(rows))
    base = ["run", "--input", rows, "--kernel", "row_sum", "--quiet"]
    for title, extra in [("the same path", ["--output", rows]),
                         ("another spelling (sub/../rows.npy)", ["--output", spelled]),
                         ("a symlink to the input", ["--output", link]),
                         ("a hard link of the input", ["--output", hard]),
                         ("a summary hard-linked to the input", ["--summary", hard_json])]:
        c.refused(run_cli(cli, base + extra), ["same file"], "--output/--summary as " + title)
    c.refused(run_cli(cli, ["run", "--input", link, "--kernel", "row_sum", "--quiet", "--output", hard]),
              ["same file"], "--input through a symlink, --output a hard link")
    c.refused(run_cli(cli, base + ["--resume", rows]), ["--resume", "input"], "--resume of the input itself")
    c.refused(run_cli(cli, base + ["--indices", "@" + idx, "--output", idx]), ["same file", "index file"],
              "--output is the --indices file")
    c.expect(open(rows, "rb").read() == before, "the input was modified")
    c.expect(os.path.islink(link) and os.stat(hard).st_ino == os.stat(rows).st_ino, "a link was replaced")
    # A different file is fine, and so is an output that does not exist yet.
    out = os.path.join(d, "out.npy")
    run = run_cli(cli, base + ["--output", out])
    c.expect(run.rc == 0 and os.path.isfile(out), "a normal --output failed: " + run.brief())
    return c.result()


# --------------------------------------------------------------------------------------------
# Case 14: --output through a symlink to a device
# --------------------------------------------------------------------------------------------

def case_output_symlink_to_device(cli, d):
    """`--output` through a symlink to a device replaced the device node with a regular file
    (QSaveFile renames over what the link leads to). Only regular files are written: a symlink to
    a device or FIFO is refused, a symlink to a regular file is written through (the link stays a
    link, its target holds the results)."""
    c = Checks()
    rows, a = rows_file(d)
    if not needs_root("a device node of the test's own (mknod)"):
        return 1
    dev = os.path.join(d, "null-device")
    os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # /dev/null's numbers, in the test's folder
    to_dev = os.path.join(d, "to-device.npy")
    os.symlink(dev, to_dev)
    chain = os.path.join(d, "chain.npy")
    os.symlink(to_dev, chain)
    base = ["run", "--input", rows, "--kernel", "row_sum", "--quiet"]
    c.refused(run_cli(cli, base + ["--output", to_dev]), ["character device", "symlink"], "--output -> a device")
    c.refused(run_cli(cli, base + ["--output", chain]), ["character device"], "--output -> -> a device")
    # A device of the test's own with /dev/full's numbers: never a system node (today's main
    # replaces what the link leads to).
    full_dev = os.path.join(d, "full-device")
    os.mknod(full_dev, 0o666 | stat.S_IFCHR, os.makedev(1, 7))
    full = os.path.join(d, "full.npy")
    os.symlink(full_dev, full)
    c.refused(run_cli(cli, base + ["--output", full]), ["character device"], "--output -> a full device")
    c.refused(run_cli(cli, ["generate", "--shape", "4x4", "--output", to_dev]), ["character device"],
              "generate --output -> a device")
    c.expect(stat.S_ISCHR(os.stat(dev).st_mode), "the device node was replaced")
    c.expect(stat.S_ISCHR(os.stat(full_dev).st_mode), "the full device node was replaced")
    # Through a symlink to a regular file: written through, the link kept.
    target = os.path.join(d, "target.npy")
    np.save(target, np.zeros(3))
    to_file = os.path.join(d, "to-file.npy")
    os.symlink(target, to_file)
    run = run_cli(cli, base + ["--output", to_file])
    c.expect(run.rc == 0, "--output through a symlink to a file: " + run.brief())
    c.expect(os.path.islink(to_file), "the symlink was replaced by a file")
    got = np.load(target)
    c.expect(got.shape == (len(a),) and np.array_equal(got, a.sum(1)), "the symlink's target does not hold the results")
    return c.result()


# --------------------------------------------------------------------------------------------
# Cases 9 and 10: a full filesystem
# --------------------------------------------------------------------------------------------

def case_full_disk(cli, d):
    """Output onto a full filesystem: exit 1 after the job, the results lost, the summary said
    done. Now: (a) too little space for an output of known size is refused before any work, with
    the numbers; (b) a disk that fills during the run: exit 2 with one line, the results written
    beside (in /tmp) and named in that line, the summary says "output_written": false and where
    they are; (c) a summary that cannot be written says why (not "Unknown error") and is kept."""
    c = Checks()
    if not needs_root("mounting a small tmpfs"):
        return 1
    rows, a = rows_file(d, rows=20000, cols=4)
    want = a.sum(1)
    mnt = os.path.join(d, "mnt")
    with Tmpfs(mnt, "1m"):
        # (a) 20000 values need 160 KB; fill the tmpfs first so that less is free.
        filler = fill(mnt)
        os.truncate(filler, os.path.getsize(filler) - 64 * 1024)
        out = os.path.join(mnt, "out.npy")
        run = run_cli(cli, ["run", "--input", rows, "--kernel", "row_sum", "--param", "sleep_ms=1", "--workers", "2",
                            "--quiet", "--output", out])
        c.refused(run, ["needs", "160128 bytes", "are free in"], "(a) output bigger than the free space", 3)
        c.expect(not os.path.exists(out), "(a) the refused output exists")
        os.remove(filler)
        # (b) Room at the start; the disk fills while the job runs (about 2 s of work).
        summary = os.path.join(d, "summary.json")
        t0 = time.monotonic()
        proc = start_cli(cli, ["run", "--input", rows, "--kernel", "row_sum", "--param", "sleep_ms=0.2", "--workers",
                               "2", "--chunksize", "50", "--quiet", "--output", out, "--summary", summary])
        wait_for(lambda: len(children_of(proc.pid)) >= 2, 10)
        time.sleep(0.3)
        filler = fill(mnt)
        run = finish(proc, [], t0, 60)
        lines = run.lines()
        print("(b) disk filled during the run -> %s" % run.brief())
        c.expect(run.rc == 2 and len(lines) == 1 and "No space left on device" in lines[0]
                 and "written to" in lines[0], "(b) expected exit 2 and one line saying why and where the results are")
        c.nothing_left(run, "(b)")
        rescued = re.search(r"written to (\S+) instead", lines[0]) if lines else None
        if c.expect(rescued is not None, "(b) the line names the rescued file"):
            path = rescued.group(1)
            got = np.load(path) if os.path.isfile(path) else None
            c.expect(got is not None and np.array_equal(got, want), "(b) the rescued file holds NumPy's a.sum(1)")
            s = json.load(open(summary))
            c.expect(s.get("output_written") is False and s.get("output_rescued") == path and s["done"] == len(want),
                     "(b) summary: output_written false, output_rescued names the file, every index done (%s)"
                     % {k: s.get(k) for k in ("output_written", "output_rescued", "done")})
            for extra in (path, path + ".sharedmap.json"):
                if os.path.exists(extra):
                    os.remove(extra)
        c.expect(sorted(os.listdir(mnt)) == ["filler"], "(b) the full disk holds a leftover: %s" % os.listdir(mnt))
        # (c) The summary on the full disk: the job is done, its summary goes elsewhere, the line
        # says what failed.
        run = run_cli(cli, ["run", "--input", rows, "--kernel", "row_sum", "--quiet", "--summary",
                            os.path.join(mnt, "s.json")])
        lines = run.lines()
        print("(c) summary onto the full disk -> %s" % run.brief())
        c.expect(run.rc == 2 and len(lines) == 1 and "No space left on device" in lines[0]
                 and "Unknown error" not in lines[0] and "summary was written to" in lines[0],
                 "(c) expected exit 2, one line with the reason and where the summary went")
        moved = re.search(r"summary was written to (\S+) instead", lines[0]) if lines else None
        if moved and os.path.isfile(moved.group(1)):
            c.expect(json.load(open(moved.group(1)))["done"] == len(want), "(c) the kept summary is complete")
            os.remove(moved.group(1))
        c.nothing_left(run, "(c)")
    return c.result()


def case_generate_full_disk(cli, d):
    """`generate` onto a full filesystem said "cannot write ...: Unknown error". Now the size
    is checked first (exit 2 with both numbers), also against `ulimit -f`, whose SIGXFSZ no
    longer kills the CLI; and nothing is left on the disk."""
    c = Checks()
    if not needs_root("mounting a small tmpfs"):
        return 1
    mnt = os.path.join(d, "mnt")
    with Tmpfs(mnt, "256k"):
        out = os.path.join(mnt, "g.npy")
        run = run_cli(cli, ["generate", "--shape", "1000x1000", "--output", out])
        c.refused(run, ["needs", "8000128 bytes", "free in"], "generate 8 MB onto a 256 KiB tmpfs", 5)
        c.expect("Unknown error" not in run.err, "generate says Unknown error")
        fill(mnt)
        run = run_cli(cli, ["generate", "--shape", "4x4", "--output", out])
        c.refused(run, ["needs", "only 0 B"], "generate onto a full tmpfs", 5)
        c.expect(sorted(os.listdir(mnt)) == ["filler"], "leftovers on the full disk: %s" % os.listdir(mnt))
    out = os.path.join(d, "g.npy")
    limit = lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
    run = run_cli(cli, ["generate", "--shape", "1000x1000", "--output", out], preexec=limit)
    c.refused(run, ["ulimit -f", "65536 bytes"], "generate under ulimit -f 64", 5)
    c.expect(not os.path.exists(out), "a refused generate left its file")
    return c.result()


# --------------------------------------------------------------------------------------------
# Case 4: --resume must belong to the run it completes
# --------------------------------------------------------------------------------------------

def case_resume_records(cli, d):
    """`--resume` accepted another kernel's partial results of the same length (exit 0), and an
    all-zeros partial counted as done. Every .npy output now has a record beside it
    (OUT.npy.sharedmap.json: kernel, the parameters that change values, indices, input
    identity); a resume that does not match it, or a partial with no record, is refused (exit 2,
    the file untouched). A real cancelled run still resumes, also with another sleep_ms."""
    c = Checks()
    rows, a = rows_file(d)
    want = a.sum(1)
    partial = os.path.join(d, "partial.npy")
    proc = start_cli(cli, ["run", "--input", rows, "--kernel", "row_sum", "--param", "sleep_ms=2", "--workers", "2",
                           "--chunksize", "4", "--quiet", "--output", partial])
    wait_for(lambda: len(children_of(proc.pid)) >= 2, 10)
    time.sleep(0.5)
    os.kill(proc.pid, signal.SIGINT)
    run = finish(proc, [], time.monotonic(), 20)
    c.expect(run.rc == 130 and os.path.isfile(partial) and os.path.isfile(partial + ".sharedmap.json"),
             "the cancelled run: exit 130, partial and its record written (%s)" % run.brief())
    before = open(partial, "rb").read()
    base = ["run", "--input", rows, "--workers", "2", "--quiet", "--resume", partial]
    c.refused(run_cli(cli, base + ["--kernel", "row_mean"]), ["by kernel row_sum, not row_mean"],
              "resume with another kernel")
    c.refused(run_cli(cli, base + ["--kernel", "formula", "--param", "expr=x"]), ["by kernel row_sum"],
              "resume with the formula kernel")
    other = os.path.join(d, "other.npy")
    np.save(other, a[::-1].copy())
    c.refused(run_cli(cli, ["run", "--input", other, "--kernel", "row_sum", "--quiet", "--resume", partial]),
              ["another input"], "resume on another input of the same shape")
    half = os.path.join(d, "half.npy")
    run = run_cli(cli, ["run", "--input", rows, "--kernel", "row_sum", "--quiet", "--indices", "0:2000", "--output", half])
    c.expect(run.rc == 0, "the half run: " + run.brief())
    c.refused(run_cli(cli, ["run", "--input", rows, "--kernel", "row_sum", "--quiet", "--indices", "2000:4000",
                            "--resume", half]), ["other indices"], "resume with other indices of the same count")
    # Formula with another expression: a parameter that changes values.
    f1 = os.path.join(d, "f1.npy")
    run_cli(cli, ["run", "--input", rows, "--kernel", "formula", "--param", "expr=x*2", "--quiet", "--output", f1])
    c.refused(run_cli(cli, ["run", "--input", rows, "--kernel", "formula", "--param", "expr=x*3", "--quiet",
                            "--resume", f1]), ["parameter expr = x*2, not x*3"], "resume with another expression")
    # Partials no run wrote: all zeros, all inf, and a real partial whose record was lost.
    for name, values in (("zeros.npy", np.zeros(len(a))), ("inf.npy", np.full(len(a), np.inf))):
        path = os.path.join(d, name)
        np.save(path, values)
        c.refused(run_cli(cli, ["run", "--input", rows, "--kernel", "row_sum", "--quiet", "--resume", path]),
                  ["no record", "older version"], "resume of %s (no record)" % name)
        c.expect(np.array_equal(np.load(path), values), "the refused partial %s was modified" % name)
    c.expect(open(partial, "rb").read() == before, "a refused resume modified the partial file")
    # The input rewritten in place (same path, same shape, new values): another input.
    copy = os.path.join(d, "copy.npy")
    shutil.copy(rows, copy)
    p2 = os.path.join(d, "p2.npy")
    run_cli(cli, ["run", "--input", copy, "--kernel", "row_sum", "--quiet", "--output", p2, "--indices", "0:4000"])
    time.sleep(0.01)
    np.save(copy, a * 2)
    c.refused(run_cli(cli, ["run", "--input", copy, "--kernel", "row_sum", "--quiet", "--resume", p2]),
              ["another input, or the input changed"], "resume after the input was rewritten")
    # The real resume: the same job (sleep_ms differs: it does not change values) completes it.
    summary = os.path.join(d, "resumed.json")
    run = run_cli(cli, base + ["--kernel", "row_sum", "--param", "sleep_ms=0", "--summary", summary])
    s = json.load(open(summary)) if os.path.isfile(summary) else {}
    c.expect(run.rc == 0 and s.get("done") == len(a) and s.get("resumed_positions", 0) > 0,
             "the real resume: exit 0, every position done (%s)" % run.brief())
    c.expect(np.array_equal(np.load(partial), want), "the resumed file equals NumPy's a.sum(1)")
    return c.result()


# --------------------------------------------------------------------------------------------
# Case 1: descriptors and processes
# --------------------------------------------------------------------------------------------

def limit_files(soft, hard):
    return lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def case_fd_budget(cli, d):
    """Too few file descriptors: `ulimit -n 24 --workers 8` printed "Too many open files" and
    slept in poll for ever, deaf to SIGINT and SIGTERM; `ulimit -n 1024 --workers 400` exited 1
    with 252 lines. The descriptors are counted up front (4 per worker, measured) and the run is
    refused with the numbers and how many workers fit; a soft limit below the hard one is raised
    instead (the run goes on)."""
    c = Checks()
    rows, a = rows_file(d)
    base = ["run", "--input", rows, "--kernel", "row_sum", "--quiet"]
    c.refused(run_cli(cli, base + ["--workers", "8"], 15, preexec=limit_files(24, 24)),
              ["file descriptors", "limit is 24", "ulimit -n"], "ulimit -n 24, --workers 8", 5)
    c.refused(run_cli(cli, base + ["--workers", "400"], 30, preexec=limit_files(1024, 1024)),
              ["400 workers need about", "limit is 1024", "use --workers"], "ulimit -n 1024, --workers 400", 5)
    out = os.path.join(d, "out.npy")
    run = run_cli(cli, base + ["--workers", "100", "--output", out], 60, preexec=limit_files(256, 4096))
    c.expect(run.rc == 0 and np.array_equal(np.load(out), a.sum(1)),
             "soft limit 256, hard 4096, --workers 100: the soft limit is raised and the job runs (%s)" % run.brief())
    c.nothing_left(run, "raised soft limit")
    return c.result()


def case_nproc_budget(cli, d):
    """RLIMIT_NPROC: workers that cannot be forked failed the job with exit 1 and a line per
    worker ("QProcess: Destroyed while process ... is still running"). The processes left for the
    user are counted up front: exit 2 with the numbers. Runs the CLI as nobody (root is exempt
    from the limit)."""
    c = Checks()
    if not needs_root("acting as nobody, as root is not subject to RLIMIT_NPROC"):
        return 1
    rows, _ = rows_file(d)
    os.chmod(rows, 0o644)

    def limited():
        resource.setrlimit(resource.RLIMIT_NPROC, (8, 8))
        drop_to_nobody()

    run = run_cli(cli, ["run", "--input", rows, "--kernel", "row_sum", "--workers", "8", "--quiet"], 20, preexec=limited)
    c.refused(run, ["processes and threads", "ulimit -u 8"], "ulimit -u 8 as nobody, --workers 8", 5)
    return c.result()


def case_start_failure(cli, d):
    """A worker that cannot be started (here: none installed beside the CLI) ended the run with
    exit 1; a failure during start must end it with exit 2 and one line."""
    c = Checks()
    rows, _ = rows_file(d)
    lone = os.path.join(d, "lone")
    os.makedirs(lone, exist_ok=True)
    shutil.copy(cli, os.path.join(lone, "sharedmap-cli"))
    run = run_cli(os.path.join(lone, "sharedmap-cli"), ["run", "--input", rows, "--kernel", "row_sum", "--quiet"], 20)
    c.refused(run, ["cannot start worker"], "no worker program beside the CLI", 10)
    return c.result()


# --------------------------------------------------------------------------------------------
# Cases 11 and 12: memory limits
# --------------------------------------------------------------------------------------------

def make_memory_cgroup(limit_bytes):
    """A memory cgroup of the test's own (v2 if its memory controller is enabled, else v1);
    returns (folder, the file to write a pid into), or None."""
    name = "sharedmap-test-%d" % os.getpid()
    v2 = "/sys/fs/cgroup"
    for root in (v2, "/sys/fs/cgroup/unified"):
        controllers = os.path.join(root, "cgroup.controllers")
        subtree = os.path.join(root, "cgroup.subtree_control")
        if os.path.isfile(controllers) and "memory" in open(controllers).read().split():
            try:
                if "memory" not in open(subtree).read().split():
                    open(subtree, "w").write("+memory")
                folder = os.path.join(root, name)
                os.mkdir(folder)
                open(os.path.join(folder, "memory.max"), "w").write(str(limit_bytes))
                return folder
            except OSError:
                pass
    v1 = "/sys/fs/cgroup/memory"
    if os.path.isfile(os.path.join(v1, "memory.limit_in_bytes")):
        folder = os.path.join(v1, name)
        os.mkdir(folder)
        open(os.path.join(folder, "memory.limit_in_bytes"), "w").write(str(limit_bytes))
        return folder
    return None


def case_cgroup_memory(cli, d):
    """A memory limit set by a cgroup was not seen: the up-front check read MemAvailable, the
    CLI was OOM-killed (exit -9) with no message. The cgroup's memory.max (v2) or
    memory.limit_in_bytes (v1), and what it uses, now bound every memory check: exit 2 with the
    numbers and the cgroup named."""
    c = Checks()
    if not needs_root("creating a memory cgroup"):
        return 1
    big = os.path.join(d, "big.npy")
    np.save(big, np.ones((25000, 1000)))  # 200 MB
    folder = make_memory_cgroup(120 << 20)
    if not c.expect(folder is not None, "no memory cgroup could be created (neither v2 nor v1)"):
        return c.result()
    try:
        join = lambda: open(os.path.join(folder, "cgroup.procs"), "w").write(str(os.getpid()))
        for load in ("copy", "map"):
            argv = ["run", "--input", big, "--load", load, "--kernel", "row_sum", "--workers", "2", "--quiet"]
            if load == "copy":
                c.refused(run_cli(cli, argv, 60, preexec=join), ["needs 190 MiB", "memory cgroup", folder],
                          "a 200 MB copy in a 120 MiB cgroup", 10)
            else:
                # A mapped file is page cache the kernel can drop: it fits, and the job runs.
                run = run_cli(cli, argv, 60, preexec=join)
                c.expect(run.rc == 0, "a 200 MB mapped input in a 120 MiB cgroup runs: " + run.brief())
                c.nothing_left(run, "mapped in a cgroup")
        run = run_cli(cli, ["run", "--input", big, "--mode", "copy", "--kernel", "row_sum", "--workers", "2", "--quiet"],
                      60, preexec=join)
        # Copy mode loads a copy first (case 8), so the load is what the cgroup refuses.
        c.refused(run, ["needs 190 MiB", "memory cgroup"], "copy mode in a 120 MiB cgroup", 10)
    finally:
        time.sleep(0.3)
        try:
            os.rmdir(folder)
        except OSError as e:
            print("note: cannot remove %s: %s" % (folder, e))
        run_cli(cli, ["cleanup"], 10)
    return c.result()


def case_ulimit_v(cli, d):
    """`ulimit -v` too small: exit 2, but a 320 MB segment and its key file were leaked (and the
    failed mmap quietly fell back to a copy). Every error path now removes what it created, a
    mapping the system refused is an error (not a copy), and the line names the limit."""
    c = Checks()
    big = os.path.join(d, "big.npy")
    np.save(big, np.ones((40000, 1000)))  # 320 MB
    limit = lambda mib: lambda: resource.setrlimit(resource.RLIMIT_AS, (mib << 20, mib << 20))
    for load in ("map", "copy", None):
        argv = ["run", "--input", big, "--kernel", "row_sum", "--workers", "2", "--quiet"]
        if load:
            argv[3:3] = ["--load", load]
        run = run_cli(cli, argv, 60, preexec=limit(300))
        c.refused(run, ["Cannot allocate memory", "ulimit -v"], "ulimit -v 300 MiB, --load %s" % (load or "default"), 10)
    # Just enough for the copy, not for the threads the run starts later (8 MiB of stack each):
    # the run must still end (it hung in Pool's destructor, waiting for a thread that never was).
    run = run_cli(cli, ["run", "--input", big, "--load", "copy", "--kernel", "row_sum", "--workers", "2", "--quiet"],
                  30, preexec=limit(400))
    print("ulimit -v 400 MiB, --load copy -> %s" % run.brief())
    c.expect(not run.timed_out and run.rc in (0, 2), "ulimit -v 400 MiB, --load copy: expected the run to end with 0 or 2")
    c.nothing_left(run, "ulimit -v 400 MiB, --load copy")
    return c.result()


# --------------------------------------------------------------------------------------------
# Case 13: clean-up must not follow planted symlinks
# --------------------------------------------------------------------------------------------

LIBC = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
LIBC.shmat.restype = ctypes.c_void_p
LIBC.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
IPC_CREAT, IPC_EXCL, IPC_RMID = 0o1000, 0o2000, 0


def shm_row(shmid):
    with open("/proc/sysvipc/shm") as f:
        header = next(f).split()
        for line in f:
            fields = dict(zip(header, line.split()))
            if int(fields["shmid"]) == shmid:
                return fields
    return None


def case_cleanup_symlink(cli, d):
    """Clean-up followed symlinks: a symlink planted as /tmp/qipc_sharedmemory_sharedmap-array-…
    leading to another file made `cleanup` (and every `run`) remove the segment that file's key
    names — here a live segment of another program, still attached, whose creator has exited.
    Key files are now looked at with lstat/O_PATH|O_NOFOLLOW (a symlink is never followed), must
    belong to the caller, and a segment still attached or created by someone else is never
    removed."""
    c = Checks()
    key_file = os.path.join(d, "victim.key")
    open(key_file, "w").close()
    key = LIBC.ftok(key_file.encode(), ord("Q"))
    # The victim: a segment made by a process that then exits (so the pid in a planted name is
    # dead), kept attached by another one.
    r, w = os.pipe()
    creator = os.fork()
    if creator == 0:
        shmid = LIBC.shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0o600)
        os.write(w, str(shmid).encode())
        os._exit(0)
    os.waitpid(creator, 0)
    shmid = int(os.read(r, 64))
    if not c.expect(shmid >= 0, "could not create the victim segment"):
        return c.result()
    holder = subprocess.Popen([sys.executable, "-c", "import ctypes, ctypes.util, sys, time\n"
                               "libc = ctypes.CDLL(ctypes.util.find_library('c'))\n"
                               "libc.shmat.restype = ctypes.c_void_p\n"
                               "libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]\n"
                               "assert libc.shmat(%d, None, 0) not in (None, ctypes.c_void_p(-1).value)\n"
                               "print('attached', flush=True)\n"
                               "time.sleep(60)\n" % shmid], stdout=subprocess.PIPE)
    planted = []
    try:
        holder.stdout.readline()
        c.expect(int(shm_row(shmid)["nattch"]) == 1, "the victim is not attached")
        for kind in ("array", "job"):
            name = "/tmp/qipc_sharedmemory_sharedmap-%s-%d-1-%016x" % (kind, creator, 0xdead0000 + len(planted))
            os.symlink(key_file, name)
            planted.append(name)
        run = run_cli(cli, ["cleanup"], 20)
        print("cleanup with planted symlinks -> %s; stdout %r" % (run.brief(), run.out.strip()))
        row = shm_row(shmid)
        c.expect(row is not None and int(row["key"]) != 0,
                 "the victim segment was removed (IPC_RMID) by cleanup: %s" % row)
        c.expect(all(os.path.islink(p) for p in planted) and os.path.isfile(key_file),
                 "cleanup removed or followed a planted symlink")
        run = run_cli(cli, ["run", "--input", rows_file(d)[0], "--kernel", "row_sum", "--quiet"], 20)
        row = shm_row(shmid)
        c.expect(run.rc == 0 and row is not None and int(row["key"]) != 0,
                 "a run's start-up clean-up removed the victim: %s, %s" % (run.brief(), row))
    finally:
        for p in planted:
            if os.path.lexists(p):
                os.remove(p)
        holder.kill()
        holder.wait()
        LIBC.shmctl(shmid, IPC_RMID, None)
    return c.result()


# --------------------------------------------------------------------------------------------
# Case 15: job files are trusted like code
# --------------------------------------------------------------------------------------------

def case_job_file_trust(cli, d):
    """A job file names plugins and files to load: it is trusted like code. One that users other
    than the caller (and root) may write is refused (exit 2): world-writable, group-writable by a
    group that is not the caller's, owned by another user, or in a folder others may write
    without the sticky bit. A job file of the caller's own, mode 0644 or 0600, runs."""
    c = Checks()
    rows, _ = rows_file(d)
    out = os.path.join(d, "out.npy")
    text = json.dumps({"input": rows, "kernel": "row_sum", "output": out})

    def job(name, mode, folder=d):
        path = os.path.join(folder, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    run = run_cli(cli, ["run", "--job", job("ok.json", 0o644), "--quiet"])
    c.expect(run.rc == 0 and os.path.isfile(out), "a 0644 job file of the caller's: " + run.brief())
    c.refused(run_cli(cli, ["run", "--job", job("world.json", 0o666), "--quiet"]), ["writable by every user", "0666"],
              "a world-writable job file")
    grouped = job("group.json", 0o664)
    os.chown(grouped, -1, 65534 if os.getegid() != 65534 else 0)
    c.refused(run_cli(cli, ["run", "--job", grouped, "--quiet"]), ["writable by the group"],
              "a job file writable by another group")
    if needs_root("a job file owned by another user"):
        theirs = job("theirs.json", 0o644)
        os.chown(theirs, 65534, 65534)
        c.refused(run_cli(cli, ["run", "--job", theirs, "--quiet"]), ["belongs to another user"],
                  "a job file owned by nobody")
    else:
        c.failures.append("not run as root")
    open_folder = os.path.join(d, "open")
    os.makedirs(open_folder, exist_ok=True)
    os.chmod(open_folder, 0o777)
    c.refused(run_cli(cli, ["run", "--job", job("in-open.json", 0o644, open_folder), "--quiet"]),
              ["which other users may write"], "a job file in a world-writable folder")
    sticky = os.path.join(d, "sticky")
    os.makedirs(sticky, exist_ok=True)
    os.chmod(sticky, 0o1777)
    os.remove(out)
    run = run_cli(cli, ["run", "--job", job("in-sticky.json", 0o600, sticky), "--quiet"])
    c.expect(run.rc == 0 and os.path.isfile(out), "a 0600 job file in a sticky folder (like /tmp) runs: " + run.brief())
    return c.result()


# --------------------------------------------------------------------------------------------
# Case 6: the race demo with killed workers
# --------------------------------------------------------------------------------------------

def case_race_mutex_killed(cli, d):
    """race_increment lock=mutex with a worker SIGKILLed mid-task (its position failed, no
    retries) reported "N updates lost" under the mutex: the failed task was counted whole in
    expected_counter. Expected is now what the tasks really tried to add, counted inside the
    lock: no update lost, counter == expected_counter."""
    c = Checks()
    summary = os.path.join(d, "race.json")
    proc = start_cli(cli, ["run", "--kernel", "race_increment", "--param", "lock=mutex", "--param",
                           "iterations=3000000", "--param", "tasks=4", "--param", "duration_ms=600", "--workers", "2",
                           "--chunksize", "1", "--max-retries", "0", "--summary", summary, "--quiet"])
    t0 = time.monotonic()
    wait_for(lambda: len(children_of(proc.pid)) >= 2, 10)
    time.sleep(0.3)
    victims = children_of(proc.pid)[:1]
    for v in victims:
        os.kill(v, signal.SIGKILL)
    run = finish(proc, [], t0, 60)
    s = json.load(open(summary)) if os.path.isfile(summary) else {}
    print("race, lock=mutex, a worker killed -> %s; %s" % (run.brief(), {k: s.get(k) for k in (
        "counter", "expected_counter", "lost_updates", "failed_indices")}))
    c.expect(len(victims) == 1 and run.rc == 3 and len(s.get("failed_indices", [])) == 1,
             "expected exit 3 with the killed task's index failed")
    c.expect(s.get("lost_updates") == 0 and s.get("counter") == s.get("expected_counter") and "no update lost" in run.err
             and "updates lost" not in run.err, "expected no update lost under the mutex")
    c.expect(0 < s.get("counter", 0) < 4 * 3000000, "the counter holds the tasks' increments")
    c.nothing_left(run, "race")
    return c.result()


# --------------------------------------------------------------------------------------------
# Also: a signal during a long load
# --------------------------------------------------------------------------------------------

def case_signal_during_load(cli, d):
    """SIGINT/SIGTERM during a long CSV load was seen only after the load, and then an all-NaN
    "partial" was written. The load now stops within a few milliseconds of the signal (the
    handler sets the loader's cancel flag), the CLI exits 130/143, and no partial is written
    when nothing was computed."""
    c = Checks()
    csv = os.path.join(d, "big.csv")
    line = (",".join("%.3f" % (k * 1.25) for k in range(12)) + "\n").encode()
    with open(csv, "wb") as f:
        block = line * 100000
        for _ in range(40):  # 4 M lines, ~300 MB: a load of several seconds
            f.write(block)
    for sig, code in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
        out = os.path.join(d, "partial.npy")
        summary = os.path.join(d, "s.json")
        proc = start_cli(cli, ["run", "--input", csv, "--kernel", "row_sum", "--quiet", "--output", out, "--summary",
                               summary])
        time.sleep(0.6)
        sent = time.monotonic()
        os.kill(proc.pid, sig)
        run = finish(proc, [], sent, 60)
        print("%s 0.6 s into the load -> %s" % (sig.name, run.brief()))
        c.expect(run.rc == code, "%s during the load: exit %s, expected %d" % (sig.name, run.rc, code))
        c.expect(run.elapsed < 1.0, "%s during the load: the CLI took %.2f s to stop" % (sig.name, run.elapsed))
        c.expect(not os.path.exists(out), "%s during the load: a partial was written" % sig.name)
        c.nothing_left(run, sig.name)
    return c.result()

# --------------------------------------------------------------------------------------------
# Cases 3, 7 and 8: the input changes under a running job
# --------------------------------------------------------------------------------------------

def index_rows(d, name, rows=3000, cols=64, scale=1.0):
    """Row r holds r * scale everywhere: row_sum is r * scale * cols, exactly."""
    path = os.path.join(d, name)
    a = np.repeat(np.arange(rows, dtype=np.float64)[:, None] * scale, cols, axis=1)
    np.save(path, a)
    return path, a


def start_and_kill_a_worker(cli, argv, then, settle=0.4):
    """Starts a run, waits until its workers compute, calls then(), SIGKILLs one busy worker (its
    replacement must attach again), and returns the finished Run."""
    t0 = time.monotonic()
    proc = start_cli(cli, argv)
    wait_for(lambda: len(children_of(proc.pid)) >= 2, 10)
    time.sleep(settle)
    then()
    time.sleep(0.1)
    victims = children_of(proc.pid)[:1]
    for v in victims:
        os.kill(v, signal.SIGKILL)
    return finish(proc, argv, t0, 90)


def case_input_replaced(cli, d):
    """The input replaced while the job runs (`mv other.npy T.npy`), then a worker dies: its
    replacement re-opened the path and the job exited 0 with half the rows from the other file.
    A mapped input is now reached by workers through the loader's own open file
    (/proc/PID/fd/N), checked by device, inode, size and modification time: the replacement maps
    the very file that was loaded, and every value is the original input's."""
    c = Checks()
    rows, a = index_rows(d, "T.npy")
    other, _ = index_rows(d, "other.npy", scale=-1.0)
    out = os.path.join(d, "out.npy")
    run = start_and_kill_a_worker(cli, ["run", "--input", rows, "--kernel", "row_sum", "--param", "sleep_ms=1",
                                        "--workers", "2", "--chunksize", "8", "--quiet", "--output", out],
                                  lambda: os.replace(other, rows))
    print("mv other.npy T.npy, then a worker killed -> %s" % run.brief())
    got = np.load(out) if os.path.isfile(out) else None
    mixed = int((got < 0).sum()) if got is not None else -1
    c.expect(run.rc == 0 and got is not None and np.array_equal(got, a.sum(1)),
             "expected exit 0 with every value from the file that was loaded (%d values from the other file)" % mixed)
    c.nothing_left(run, "input replaced")
    return c.result()


def case_input_rewritten(cli, d):
    """A mapped input rewritten in place by np.save (same inode, truncated, written again) during
    a run, then a worker must re-attach: the whole job failed with exit 1, no output, no summary,
    "QProcess: Destroyed while process ... still running". The replacement now sees that the file
    is no longer the one loaded and refuses it; the positions left fail with that reason (exit 3),
    every result already computed is written, and the workers stop cleanly. (The same values are
    written again here: workers that are still running read the rewritten pages in place, which
    is why the window and `--mode copy` load copies; see the notes below the table.)"""
    c = Checks()
    rows, a = index_rows(d, "T.npy")
    out = os.path.join(d, "out.npy")
    summary = os.path.join(d, "s.json")
    run = start_and_kill_a_worker(cli, ["run", "--input", rows, "--kernel", "row_sum", "--param", "sleep_ms=1",
                                        "--workers", "2", "--chunksize", "8", "--quiet", "--output", out, "--summary",
                                        summary], lambda: np.save(rows, a))
    lines = run.lines()
    print("np.save(T.npy) in place, then a worker killed -> %s" % run.brief())
    s = json.load(open(summary)) if os.path.isfile(summary) else {}
    got = np.load(out) if os.path.isfile(out) else None
    c.expect(run.rc == 3 and any("changed since it was loaded" in l for l in lines),
             "expected exit 3 naming the changed input")
    c.expect(not any("Destroyed while process" in l for l in lines), "QProcess warnings on stderr")
    if c.expect(got is not None and s, "no output or no summary written"):
        failed = s.get("failed_indices", [])
        done = ~np.isnan(got)
        c.expect(0 < done.sum() and done.sum() + len(failed) == len(a) and s.get("done") == int(done.sum()),
                 "done %d + failed %d != %d" % (done.sum(), len(failed), len(a)))
        c.expect(np.array_equal(got[done], a.sum(1)[done]), "a value written is not the input's")
        c.expect(all("changed since it was loaded" in f["reason"] for f in s.get("failures", [])),
                 "a failure reason does not say why")
    c.nothing_left(run, "input rewritten")
    return c.result()


def case_shm_unlinked(cli, d):
    """A Python `shm:` block unlinked while the job runs, then a worker must re-attach: the job
    failed with exit 1. The replacement maps the block through the loader's open descriptor, so
    the job completes with every value right."""
    c = Checks()
    from multiprocessing import shared_memory
    a = np.repeat(np.arange(3000, dtype=np.float64)[:, None], 64, axis=1)
    block = shared_memory.SharedMemory(create=True, size=a.nbytes)
    np.ndarray(a.shape, a.dtype, buffer=block.buf)[:] = a
    out = os.path.join(d, "out.npy")
    try:
        run = start_and_kill_a_worker(cli, ["run", "--input", "shm:" + block.name, "--dtype", "float64", "--shape",
                                            "3000x64", "--kernel", "row_sum", "--param", "sleep_ms=1", "--workers", "2",
                                            "--chunksize", "8", "--quiet", "--output", out], block.unlink)
    finally:
        block.close()
        try:
            block.unlink()
        except FileNotFoundError:
            pass
    print("shm block unlinked, then a worker killed -> %s" % run.brief())
    got = np.load(out) if os.path.isfile(out) else None
    c.expect(run.rc == 0 and got is not None and np.array_equal(got, a.sum(1)), "expected exit 0 with every value right")
    c.nothing_left(run, "shm unlinked")
    return c.result()


def case_copy_mode_shrinking(cli, d):
    """`--mode copy` while the input shrinks: the CLI streamed the workers' copies from a mapping
    of the file and died of SIGBUS (exit 135), three segments left. Copy mode now loads the input
    as a copy (and refuses `--load map`), so a file that shrinks afterwards changes nothing."""
    c = Checks()
    rows, a = index_rows(d, "T.npy", rows=20000, cols=1000)  # 160 MB, streamed to each worker
    shrink = lambda: os.truncate(rows, 4096)
    run = start_and_kill_a_worker(cli, ["run", "--input", rows, "--mode", "copy", "--kernel", "row_sum", "--workers",
                                        "2", "--quiet", "--output", os.path.join(d, "out.npy")], shrink, settle=0.0)
    print("--mode copy, the input truncated -> %s" % run.brief())
    c.expect(run.rc in (0, 2, 3) and len(run.lines()) <= 2, "expected a documented end, not death by a signal")
    if run.rc == 0:
        c.expect(np.array_equal(np.load(os.path.join(d, "out.npy")), a.sum(1)), "the values are not the input's")
    c.nothing_left(run, "copy mode, input truncated")
    np.save(rows, a[:10])
    c.refused(run_cli(cli, ["run", "--input", rows, "--mode", "copy", "--load", "map", "--kernel", "row_sum",
                            "--quiet"]), ["--mode copy", "--load copy"], "--mode copy with --load map")
    return c.result()

# --------------------------------------------------------------------------------------------
# Chaos: several of the above at once, at random
# --------------------------------------------------------------------------------------------

def case_chaos(cli, d):
    """Random SIGKILL and SIGSTOP/SIGCONT of workers, the input replaced, the output's disk
    filled, SIGINT: every round ends with a documented exit code, no segment, key file or worker
    left, and no value written that is not the loaded input's (NaN where not computed). The seed
    is printed (SHAREDMAP_CHAOS_SEED repeats a run)."""
    c = Checks()
    seed = int(os.environ.get("SHAREDMAP_CHAOS_SEED", str(int(time.time()) % 100000)))
    rng = np.random.default_rng(seed)
    print("chaos seed %d" % seed)
    root = os.geteuid() == 0
    mnt = os.path.join(d, "mnt")
    rounds = 10
    with (Tmpfs(mnt, "1m") if root else tempfile.TemporaryDirectory()) as disk:
        for r in range(rounds):
            rows, a = index_rows(d, "T.npy")
            want = a.sum(1)
            other, _ = index_rows(d, "other.npy", scale=-1.0)
            events = [e for e in ("kill", "stop", "replace", "fill", "sigint") if rng.random() < 0.5] or ["kill"]
            if not root and "fill" in events:
                events.remove("fill")
            out = os.path.join(disk, "out.npy")
            summary = os.path.join(d, "s.json")
            for stale in (out, summary, out + ".sharedmap.json"):
                if os.path.exists(stale):
                    os.remove(stale)
            t0 = time.monotonic()
            proc = start_cli(cli, ["run", "--input", rows, "--kernel", "row_sum", "--param", "sleep_ms=0.5",
                                   "--workers", "2", "--chunksize", "8", "--quiet", "--output", out, "--summary",
                                   summary])
            wait_for(lambda: len(children_of(proc.pid)) >= 2, 10)
            filler = None
            for event in rng.permutation(events):
                time.sleep(rng.uniform(0.05, 0.3))
                workers = children_of(proc.pid)
                if event == "kill" and workers:
                    os.kill(int(rng.choice(workers)), signal.SIGKILL)
                elif event == "stop" and workers:
                    victim = int(rng.choice(workers))
                    os.kill(victim, signal.SIGSTOP)
                    time.sleep(0.3)
                    try:
                        os.kill(victim, signal.SIGCONT)
                    except ProcessLookupError:
                        pass
                elif event == "replace":
                    os.replace(other, rows)
                elif event == "fill":
                    filler = fill(disk)
                elif event == "sigint":
                    os.kill(proc.pid, signal.SIGINT)
            run = finish(proc, [], t0, 90)
            time.sleep(0.1)
            left = children_of(proc.pid)
            title = "round %d %s" % (r, "+".join(events))
            print("%s -> %s" % (title, run.brief()))
            c.expect(run.rc in DOCUMENTED and not run.timed_out, "%s: exit %s" % (title, run.rc))
            c.nothing_left(run, title)
            c.expect(not left, "%s: workers left: %s" % (title, left))
            # Wherever the values went (the output, or the rescued file the line names), every
            # value is NaN or the loaded input's.
            rescued = re.search(r"written to (\S+) instead", run.err)
            path = rescued.group(1) if rescued else out
            if os.path.isfile(path):
                got = np.load(path)
                done = ~np.isnan(got)
                c.expect(got.shape == want.shape and np.array_equal(got[done], want[done]),
                         "%s: a value is not the loaded input's (%d negative)" % (title, int((got[done] < 0).sum())))
                if run.rc == 0:
                    c.expect(done.all(), "%s: exit 0 with NaN in the output" % title)
                if rescued:
                    os.remove(path)
                    if os.path.exists(path + ".sharedmap.json"):
                        os.remove(path + ".sharedmap.json")
            elif run.rc == 0:
                c.expect(False, "%s: exit 0 without an output" % title)
            if filler:
                os.remove(filler)
    return c.result()

# --------------------------------------------------------------------------------------------
# The cases, by name (each one its own ctest entry, hostile_env_NAME)
# --------------------------------------------------------------------------------------------

CASES = {
    "nonregular_outputs": case_nonregular_outputs,
    "output_is_input": case_output_is_input,
    "output_symlink_to_device": case_output_symlink_to_device,
    "full_disk": case_full_disk,
    "generate_full_disk": case_generate_full_disk,
    "resume_records": case_resume_records,
    "fd_budget": case_fd_budget,
    "nproc_budget": case_nproc_budget,
    "start_failure": case_start_failure,
    "cgroup_memory": case_cgroup_memory,
    "ulimit_v": case_ulimit_v,
    "cleanup_symlink": case_cleanup_symlink,
    "job_file_trust": case_job_file_trust,
    "race_mutex_killed": case_race_mutex_killed,
    "signal_during_load": case_signal_during_load,
    "input_replaced": case_input_replaced,
    "input_rewritten": case_input_rewritten,
    "shm_unlinked": case_shm_unlinked,
    "copy_mode_shrinking": case_copy_mode_shrinking,
    "chaos": case_chaos,
}


def main():
    ap = argparse.ArgumentParser(description="hostile-environment regression tests for sharedmap-cli")
    ap.add_argument("--cli", required=True)
    ap.add_argument("--workdir", required=True, help="scratch folder (wiped)")
    ap.add_argument("--case", choices=sorted(CASES), action="append", help="the case(s) to run (default: all)")
    ap.add_argument("--list", action="store_true")
    args = ap.parse_args()
    if args.list:
        for name, fn in sorted(CASES.items()):
            print("%-28s %s" % (name, (fn.__doc__ or "").strip().splitlines()[0]))
        return 0
    cli = os.path.abspath(args.cli)
    failed = 0
    for name in args.case or sorted(CASES):
        d = os.path.join(os.path.abspath(args.workdir), name)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        os.chmod(d, 0o755)
        print("=== %s" % name)
        rc = CASES[name](cli, d)
        failed += rc != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
