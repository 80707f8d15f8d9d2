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
# The cases, by name (each one its own ctest entry, hostile_env_NAME)
# --------------------------------------------------------------------------------------------

CASES = {
    "nonregular_outputs": case_nonregular_outputs,
    "output_is_input": case_output_is_input,
    "output_symlink_to_device": case_output_symlink_to_device,
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
