#!/usr/bin/python3
"""Hostile input corpus for sharedmap-cli (docs/RELIABILITY.md, "Hostile input"): bad command lines and .npy files.

Run by ctest as
    /usr/bin/python3 tests/interop/test_hostile_input.py --cli build/bin/sharedmap-cli --workdir DIR

Every case is a malformed .npy file or a bad command line. Each must end, within --timeout
seconds, with exit code 2 and exactly one non-empty line on stderr ("sharedmap-cli: error: ...");
a refused run must leave no shared-memory segment or key file behind and must not create its
output. Pickles and Python expressions in headers must never be executed (sentinel files).
test_numpy_interop.py holds a further 16 malformed files and 30 bad command lines; the cases
here do not repeat those.

Stale-segment notices ("sharedmap-cli: removed sharedmap-... left by a killed run") are not
counted as the error line: every `run` removes what killed runs left, and other tests on the
machine kill CLIs. They are reported, never silently required.

  --known-bugs NAME   instead of the corpus, run one regression test for an engine bug found
                      and fixed (see KNOWN_BUGS; each is its own ctest entry labelled regression)
  --list              print the cases and exit
Uses only the standard library and numpy. Exits 0 only when every check passes.
"""

import argparse
import glob
import json
import os
import pickle
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

import numpy as np

NOTICE = re.compile(r"^sharedmap-cli: removed sharedmap-[a-z]+-\d+-\d+-[0-9a-f]+ left by a killed run")


# --------------------------------------------------------------------------------------------
# Building the files
# --------------------------------------------------------------------------------------------

def npy_bytes(header, major=1, length=None, pad=True):
    """A hand-made .npy preamble + header (bytes or str); `length` overrides the length field."""
    body = header.encode("latin1") if isinstance(header, str) else header
    size = 2 if major == 1 else 4
    if pad:
        total = 8 + size + len(body) + 1
        body = body + b" " * ((64 - total % 64) % 64) + b"\n"
    n = len(body) if length is None else length
    return b"\x93NUMPY" + bytes([major, 0]) + n.to_bytes(size, "little") + body


def dict_text(descr="'<f8'", order="False", shape="(2,)", extra=""):
    return "{'descr': %s, 'fortran_order': %s, 'shape': %s, %s}" % (descr, order, shape, extra)


class Evil:
    """Unpickling this creates SENTINEL; nothing in SharedMap may ever unpickle."""
    sentinel = None

    def __reduce__(self):
        return (os.system, ("touch '%s'" % Evil.sentinel,))


def build_files(d):
    """name -> (path, what the file is). Every one must be refused."""
    files = {}

    def put(name, data, what):
        path = os.path.join(d, name)
        with open(path, "wb") as f:
            f.write(data)
        files[name] = (path, what)
        return path

    eight = np.arange(2, dtype="<f8").tobytes()
    # Header bytes that are not plain ASCII.
    hdr = npy_bytes(dict_text())
    put("nul_in_header.npy", hdr[:40] + b"\x00" + hdr[41:] + eight, "NUL byte in the header padding")
    put("nul_in_descr.npy", npy_bytes(dict_text(descr="'<f\x008'")) + eight, "NUL byte inside the descr string")
    put("non_ascii_header.npy", hdr[:40] + b"\xe9" + hdr[41:] + eight, "non-ASCII byte (0xE9) in the header")
    put("non_ascii_v3_key.npy", npy_bytes(dict_text(extra="'\u00e9': 1, ").encode("utf-8"), major=3) + eight,
        "v3 (UTF-8) header with a non-ASCII key")
    # Lengths.
    put("header_len_past_eof.npy", npy_bytes(dict_text(), length=0xFFFF) + eight, "v1 header length 65535, file of 144 bytes")
    put("v2_header_len_4gb.npy", npy_bytes(dict_text(), major=2, length=0xFFFFFFFF) + eight, "v2 header length field 4 GiB - 1")
    put("v3_header_len_2gb.npy", npy_bytes(dict_text(), major=3, length=0x80000000) + eight, "v3 header length field 2 GiB")
    put("header_len_zero.npy", npy_bytes(b"", length=0, pad=False) + eight, "header length 0")
    put("magic_only.npy", b"\x93NUMPY\x01\x00", "magic and version only")
    put("all_nul.npy", b"\x00" * 128, "128 NUL bytes")
    put("version_1_1.npy", npy_bytes(dict_text())[:7] + b"\x01" + npy_bytes(dict_text())[8:] + eight, "format version 1.1")
    put("version_0_0.npy", b"\x93NUMPY\x00\x00" + npy_bytes(dict_text())[8:] + eight, "format version 0.0")
    # Shapes.
    put("ndim_33.npy", npy_bytes(dict_text(shape="(" + "1, " * 33 + ")")) + eight[:8], "33 dimensions (NumPy allows 32)")
    put("ndim_5000.npy", npy_bytes(dict_text(shape="(" + "1, " * 5000 + ")"), major=2) + eight[:8], "5000 dimensions")
    put("dim_over_int64.npy", npy_bytes(dict_text(shape="(99999999999999999999,)")) + eight, "a dimension of 1e20")
    put("dim_2pow63.npy", npy_bytes(dict_text(shape="(%d,)" % 2 ** 63)) + eight, "a dimension of 2**63 (INT64_MAX + 1)")
    put("elements_overflow.npy", npy_bytes(dict_text(shape="(%d, %d, %d)" % (2 ** 22, 2 ** 22, 2 ** 22))) + eight,
        "2**66 elements")
    put("bytes_overflow.npy", npy_bytes(dict_text(shape="(%d,)" % 2 ** 61)) + eight,
        "2**61 float64 elements: the element count fits, the byte size (2**64) does not")
    put("bytes_int64_max.npy", npy_bytes(dict_text(shape="(%d,)" % 2 ** 60)) + eight,
        "2**60 float64 elements = 2**63 bytes, one past INT64_MAX")
    put("shape_8tb.npy", npy_bytes(dict_text(shape="(%d,)" % 2 ** 40)) + eight, "8 TiB claimed, 16 bytes held")
    put("shape_lie_fortran.npy", npy_bytes(dict_text(order="True", shape="(40, 40)")) + eight,
        "Fortran order, 40x40 claimed, 2 values held")
    put("shape_not_tuple.npy", npy_bytes(dict_text(shape="(2)")) + eight, "shape '(2)' (an int, not a tuple)")
    put("shape_list.npy", npy_bytes(dict_text(shape="[2]")) + eight, "shape as a list")
    put("shape_float.npy", npy_bytes(dict_text(shape="(2.0,)")) + eight, "a float dimension")
    put("shape_negative_middle.npy", npy_bytes(dict_text(shape="(2, -1, 1)")) + eight, "a negative dimension in the middle")
    # Data sizes.
    good = np.arange(37 * 23, dtype="<f8").reshape(37, 23)
    whole = npy_bytes(dict_text(shape="(37, 23)")) + good.tobytes()
    put("truncated_by_one.npy", whole[:-1], "data one byte short")
    put("trailing_byte.npy", whole + b"\x00", "one byte after the data")
    put("header_only.npy", npy_bytes(dict_text(shape="(37, 23)")), "header, no data at all")
    # Dtypes.
    Evil.sentinel = os.path.join(d, "PICKLE_WAS_EXECUTED")
    payload = pickle.dumps(np.array([Evil(), 1], dtype=object), protocol=2)
    put("object_pickle_handmade.npy", npy_bytes(dict_text(descr="'|O'", shape="(2,)")) + payload,
        "descr '|O' followed by a pickle that would create a file")
    put("structured_handmade.npy", npy_bytes(dict_text(descr="[('a', '<f8'), ('b', '<i4')]")) + b"\x00" * 24,
        "structured descr (a list)")
    put("void.npy", npy_bytes(dict_text(descr="'|V8'")) + eight, "void '|V8'")
    put("complex64.npy", npy_bytes(dict_text(descr="'<c8'")) + eight, "complex64 '<c8'")
    put("bytes_S8.npy", npy_bytes(dict_text(descr="'|S8'")) + eight, "bytes '|S8'")
    put("unicode_U2.npy", npy_bytes(dict_text(descr="'<U2'")) + eight, "unicode '<U2'")
    put("timedelta.npy", npy_bytes(dict_text(descr="'<m8[s]'")) + eight, "timedelta '<m8[s]'")
    put("datetime_ns.npy", npy_bytes(dict_text(descr="'<M8[ns]'")) + eight, "datetime '<M8[ns]'")
    put("float16_be.npy", npy_bytes(dict_text(descr="'>f2'", shape="(8,)")) + eight, "float16 big-endian '>f2'")
    put("int3.npy", npy_bytes(dict_text(descr="'<i3'", shape="(4,)")) + b"\x00" * 12, "int of 3 bytes '<i3'")
    put("int16bytes.npy", npy_bytes(dict_text(descr="'<i16'", shape="(1,)")) + b"\x00" * 16, "int of 16 bytes '<i16'")
    put("f8_no_order_mark.npy", npy_bytes(dict_text(descr="'|f8'")) + eight, "'|f8': a multi-byte type without byte order")
    put("descr_empty.npy", npy_bytes(dict_text(descr="''")) + eight, "empty descr")
    put("descr_number.npy", npy_bytes(dict_text(descr="8")) + eight, "descr is a number")
    put("descr_escape.npy", npy_bytes(dict_text(descr="'<f\\x38'")) + eight, "descr with a backslash escape")
    # Dict structure.
    put("missing_shape.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, }") + eight, "no 'shape' key")
    put("missing_descr.npy", npy_bytes("{'fortran_order': False, 'shape': (2,), }") + eight, "no 'descr' key")
    put("extra_key.npy", npy_bytes(dict_text(extra="'foo': 1, ")) + eight, "an extra key 'foo'")
    put("repeated_shape.npy", npy_bytes(dict_text(extra="'shape': (1,), ")) + eight, "'shape' twice")
    put("order_int.npy", npy_bytes(dict_text(order="0")) + eight, "fortran_order: 0")
    put("not_a_dict.npy", npy_bytes("[1, 2, 3]") + eight, "a list instead of a dict")
    put("unterminated_string.npy", npy_bytes("{'descr: '<f8', 'fortran_order': False, 'shape': (2,), }") + eight,
        "an unterminated string")
    put("text_after_dict.npy", npy_bytes(dict_text() + " junk") + eight, "text after the dict")
    Evil.expr_sentinel = os.path.join(d, "EXPRESSION_WAS_EVALUATED")
    put("python_expression.npy",
        npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (__import__('os').system('touch %s'),), }"
                  % Evil.expr_sentinel) + eight,
        "a Python expression in the shape")
    return files


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------

class Run:
    def __init__(self, argv, rc, out, err, elapsed, timed_out, pid):
        self.argv, self.rc, self.out, self.err = argv, rc, out, err
        self.elapsed, self.timed_out, self.pid = elapsed, timed_out, pid

    def error_lines(self):
        return [l for l in self.err.splitlines() if l.strip() and not NOTICE.match(l)]

    def notices(self):
        return [l for l in self.err.splitlines() if NOTICE.match(l)]

    def brief(self):
        return "exit %s%s in %.2fs; stderr: %s" % (self.rc, " (TIMEOUT)" if self.timed_out else "", self.elapsed,
                                                   self.err.strip().replace("\n", " | ") or "(empty)")


def clean_env():
    env = dict(os.environ)
    env.pop("SHAREDMAP_TEST_KERNELS", None)  # the test kernel must not exist for users
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def run_cli(cli, argv, timeout, env=None, preexec=None):
    t0 = time.monotonic()
    proc = subprocess.Popen([cli] + argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, env=env or clean_env(), preexec_fn=preexec)
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


def key_files_of(pid):
    return glob.glob("/tmp/qipc_sharedmemory_sharedmap-*-%d-*" % pid)


def segments_of(pid):
    with open("/proc/sysvipc/shm") as f:
        next(f)
        return [line.split() for line in f if line.split()[4] == str(pid)]


def drop_to_nobody():
    os.setgid(65534)
    os.setuid(65534)


# --------------------------------------------------------------------------------------------
# The corpus
# --------------------------------------------------------------------------------------------

def plan(d, files):
    """(title, argv, options) for every case; options: must_not_exist, preexec."""
    cases = []
    out = os.path.join(d, "out", "never.npy")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    good = os.path.join(d, "good.npy")
    np.save(good, np.arange(37 * 23, dtype=np.float64).reshape(37, 23))
    base = ["run", "--input", good, "--kernel", "row_sum", "--quiet", "--output", out]

    def add(title, argv, must_not_exist=(), preexec=None):
        cases.append((title, argv, {"must_not_exist": list(must_not_exist) + [out], "preexec": preexec}))

    for name, (path, what) in sorted(files.items()):
        add("file %s: %s" % (name, what), ["run", "--input", path, "--kernel", "row_sum", "--quiet", "--output", out])
    # `info` reads the same header: a few of the worst through it too.
    for name in ("v2_header_len_4gb.npy", "ndim_5000.npy", "bytes_overflow.npy", "object_pickle_handmade.npy",
                 "python_expression.npy", "non_ascii_header.npy"):
        add("info on %s" % name, ["info", files[name][0]])

    # Inputs that are not regular files.
    folder = os.path.join(d, "a_folder.npy")
    os.makedirs(folder, exist_ok=True)
    fifo = os.path.join(d, "fifo.npy")
    if not os.path.exists(fifo):
        os.mkfifo(fifo)
    loop = os.path.join(d, "loop.npy")
    if not os.path.lexists(loop):
        os.symlink(loop, loop)
    add("a directory as --input", ["run", "--input", folder, "--kernel", "row_sum", "--output", out])
    add("a FIFO as --input (must not block)", ["run", "--input", fifo, "--kernel", "row_sum", "--output", out])
    add("/dev/zero as --input (must not read forever)", ["run", "--input", "/dev/zero", "--kernel", "row_sum", "--output", out])
    add("a symlink loop as --input", ["run", "--input", loop, "--kernel", "row_sum", "--output", out])
    add("--input ''", ["run", "--input", "", "--kernel", "row_sum", "--output", out])
    add("info on a directory", ["info", folder])
    add("info on a FIFO", ["info", fifo])
    add("info with two files", ["info", good, good])
    unreadable = os.path.join(d, "unreadable.npy")
    shutil.copy(good, unreadable)
    os.chmod(unreadable, 0)
    # Root reads a chmod 000 file anyway: then the CLI runs as nobody for this case.
    preexec = drop_to_nobody if os.geteuid() == 0 else None
    add("an unreadable file (chmod 000%s)" % (", CLI run as nobody" if preexec else ""),
        ["run", "--input", unreadable, "--kernel", "row_sum", "--quiet"], preexec=preexec)

    # Options of run.
    for title, extra in [
        ("--workers 5000", ["--workers", "5000"]),
        ("--workers -1", ["--workers", "-1"]),
        ("--workers 1e3", ["--workers", "1e3"]),
        ("--workers with no value", ["--workers"]),
        ("--chunksize -3", ["--chunksize", "-3"]),
        ("--chunksize 1.5", ["--chunksize", "1.5"]),
        ("--chunksize 1e20", ["--chunksize", "100000000000000000000"]),
        ("--task-timeout -1", ["--task-timeout", "-1"]),
        ("--task-timeout 0", ["--task-timeout", "0"]),
        ("--task-timeout nan", ["--task-timeout", "nan"]),
        ("--task-timeout inf", ["--task-timeout", "inf"]),
        ("--task-timeout abc", ["--task-timeout", "abc"]),
        ("--max-retries 99999", ["--max-retries", "99999"]),
        ("--max-retries -1", ["--max-retries", "-1"]),
        ("--max-retries 2.5", ["--max-retries", "2.5"]),
        ("--param =5 (empty key)", ["--param", "=5"]),
        ("--param sleep_ms (no '=')", ["--param", "sleep_ms"]),
        ("--param sleep_ms=nan", ["--param", "sleep_ms=nan"]),
        ("--param sleep_ms=1e309", ["--param", "sleep_ms=1e309"]),
        ("--param sleep_ms= (empty value)", ["--param", "sleep_ms="]),
        ("--indices @ (no file name)", ["--indices", "@"]),
        ("--indices 1,,2", ["--indices", "1,,2"]),
        ("--indices 1:2:3:4", ["--indices", "1:2:3:4"]),
        ("--indices 0:1e30", ["--indices", "0:1000000000000000000000000000000"]),
        ("--indices 1e3", ["--indices", "1e3"]),
        ("--indices @missing.npy", ["--indices", "@" + os.path.join(d, "missing.npy")]),
        ("--indices @a folder", ["--indices", "@" + folder]),
        ("--indices @a malformed .npy", ["--indices", "@" + files["v2_header_len_4gb.npy"][0]]),
        ("--indices @a pickle .npy", ["--indices", "@" + files["object_pickle_handmade.npy"][0]]),
        ("-x (unknown short option)", ["-x"]),
        ("an extra positional argument", ["extra.npy"]),
    ]:
        add(title, base + extra)
    add("--kernel test_fault without SHAREDMAP_TEST_KERNELS",
        ["run", "--input", good, "--kernel", "test_fault", "--output", out])
    add("--kernel ''", ["run", "--input", good, "--kernel", "", "--output", out])
    add("--output in /proc/sys (not writable)", base[:-2] + ["--output", "/proc/sys/never.npy"])
    out_folder = os.path.join(d, "out", "is_a_folder.npy")
    os.makedirs(out_folder, exist_ok=True)
    add("--output names a folder", base[:-2] + ["--output", out_folder])
    add("--summary s.txt", base + ["--summary", os.path.join(d, "out", "s.txt")],
        must_not_exist=[os.path.join(d, "out", "s.txt")])
    add("--summary in a missing folder", base + ["--summary", os.path.join(d, "nope", "s.json")])
    add("--resume missing file", base + ["--resume", os.path.join(d, "missing.npy")])
    add("--resume a folder", base + ["--resume", folder])
    add("--resume a malformed file", base + ["--resume", files["trailing_byte.npy"][0]])

    # Job files.
    def job(name, text):
        path = os.path.join(d, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    good_job = {"input": good, "kernel": "row_sum", "output": out}
    for title, text in [
        ("malformed JSON", '{"input": "%s", "kernel": "row_sum",' % good),
        ("a JSON array", "[1, 2, 3]"),
        ("an unknown key", json.dumps(dict(good_job, colour="blue"))),
        ("workers as a string", json.dumps(dict(good_job, workers="2"))),
        ("workers 5000", json.dumps(dict(good_job, workers=5000))),
        ("chunksize 0", json.dumps(dict(good_job, chunksize=0))),
        ("params not an object", json.dumps(dict(good_job, params=[1, 2]))),
        ("task_timeout_s -1", json.dumps(dict(good_job, task_timeout_s=-1))),
        ("max_retries 99999", json.dumps(dict(good_job, max_retries=99999))),
        ("an empty file", ""),
    ]:
        add("--job with %s" % title, ["run", "--job", job("job_%d.json" % len(cases), text), "--quiet"])
    add("--job missing file", ["run", "--job", os.path.join(d, "missing.json")])
    add("--job a folder", ["run", "--job", folder])

    # Other commands.
    gen = os.path.join(d, "out", "gen.npy")
    for title, argv in [
        ("unknown command", ["frobnicate"]),
        ("empty command", [""]),
        ("generate --shape 0x-1", ["generate", "--shape", "0x-1", "--output", gen]),
        ("generate --shape 1000000x1000000x1000000", ["generate", "--shape", "1000000x1000000x1000000", "--output", gen]),
        ("generate --shape ''", ["generate", "--shape", "", "--output", gen]),
        ("generate --seed -1", ["generate", "--shape", "4x4", "--seed", "-1", "--output", gen]),
        ("generate --dtype float16", ["generate", "--shape", "4x4", "--dtype", "float16", "--output", gen]),
        ("generate --output in /proc/sys", ["generate", "--shape", "4x4", "--output", "/proc/sys/gen.npy"]),
        ("generate --output .csv", ["generate", "--shape", "4x4", "--output", os.path.join(d, "out", "gen.csv")]),
        ("kernels --bogus", ["kernels", "--bogus"]),
        ("kernels extra", ["kernels", "extra"]),
        ("cleanup extra", ["cleanup", "extra"]),
        ("cleanup --force (unknown option)", ["cleanup", "--force"]),
    ]:
        add(title, argv, must_not_exist=[gen])
    return cases


def run_corpus(args):
    d = os.path.abspath(args.workdir)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    os.chmod(d, 0o755)  # nobody must reach the unreadable file to be refused for the right reason
    files = build_files(d)
    cases = plan(d, files)
    if args.list:
        for title, argv, _ in cases:
            print("%-70s %s" % (title, " ".join(argv)))
        print("%d cases" % len(cases))
        return 0
    t0 = time.monotonic()
    failures, notices, slowest = [], [], (0.0, "")
    for title, argv, opts in cases:
        run = run_cli(args.cli, argv, args.timeout, preexec=opts["preexec"])
        problems = []
        if run.timed_out:
            problems.append("did not finish within %ss" % args.timeout)
        if run.rc != 2:
            problems.append("exit code %s, expected 2" % run.rc)
        lines = run.error_lines()
        if len(lines) != 1:
            problems.append("%d error lines on stderr, expected exactly 1" % len(lines))
        elif not lines[0].startswith("sharedmap-cli: error: ") or len(lines[0]) < 30:
            problems.append("the line is not a readable 'sharedmap-cli: error: ...' message")
        for path in opts["must_not_exist"]:
            if os.path.exists(path):
                problems.append("%s exists after a refused run" % path)
                if os.path.isfile(path):
                    os.remove(path)
        if key_files_of(run.pid) or segments_of(run.pid):
            problems.append("left shared memory behind: %s" % key_files_of(run.pid))
        notices += run.notices()
        if run.elapsed > slowest[0]:
            slowest = (run.elapsed, title)
        if problems:
            failures.append("FAIL %s: %s\n    cmd: %s\n    %s" % (title, "; ".join(problems), " ".join(argv), run.brief()))
        elif args.verbose:
            print("ok   %-60s %s" % (title, lines[0][len("sharedmap-cli: error: "):][:100]))
    for sentinel in (Evil.sentinel, Evil.expr_sentinel):
        if os.path.exists(sentinel):
            failures.append("FAIL: %s exists: a header or pickle was EXECUTED" % sentinel)
    for n in notices:
        print("note: stale-segment notice seen (another test killed a CLI): " + n)
    for f in failures:
        print(f)
    nfiles = sum(1 for t, _, _ in cases if t.startswith("file "))
    print("hostile input: %d cases (%d malformed files, %d other bad inputs and command lines), %d failed; "
          "slowest %.2fs (%s); total %.1fs"
          % (len(cases), nfiles, len(cases) - nfiles, len(failures), slowest[0], slowest[1], time.monotonic() - t0))
    return 1 if failures else 0


# --------------------------------------------------------------------------------------------
# Known engine bugs: reproductions that fail until the engine is fixed
# --------------------------------------------------------------------------------------------

def kill_cli_mid_run(cli, d, env=None):
    """Starts a long run, SIGKILLs the CLI once its three segments (input, job, output) exist; returns
    (pid, segment names)."""
    arr = os.path.join(d, "rows.npy")
    if not os.path.exists(arr):
        np.save(arr, np.ones((400, 8)))
    proc = subprocess.Popen([cli, "run", "--input", arr, "--kernel", "row_sum", "--param", "sleep_ms=20", "--workers", "1",
                             "--chunksize", "1", "--quiet"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=env or clean_env())
    deadline = time.monotonic() + 5
    while len(key_files_of(proc.pid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)
    names = sorted(os.path.basename(p)[len("qipc_sharedmemory_"):] for p in key_files_of(proc.pid))
    proc.kill()
    proc.wait()
    time.sleep(0.2)  # its worker dies with it (PR_SET_PDEATHSIG)
    return proc.pid, names


def bug_cleanup_ignores_tmp_when_tmpdir_set(cli, d):
    """SharedSegment::create puts key files in /tmp (hard-coded); removeStaleSegments() looks in
    QDir::tempPath(), i.e. $TMPDIR. With TMPDIR set, `cleanup` and the start of `run` never see
    the segments of killed runs."""
    other = os.path.join(d, "tmpdir")
    os.makedirs(other, exist_ok=True)
    pid, names = kill_cli_mid_run(cli, d)
    if len(names) != 3:
        print("setup failed: the killed CLI left %s" % names)
        return 1
    env = clean_env()
    env["TMPDIR"] = other
    run = run_cli(cli, ["cleanup"], 10, env=env)
    left = key_files_of(pid)
    run_cli(cli, ["cleanup"], 10)  # the real clean-up, so nothing leaks from this test
    listed = [n for n in names if n in run.out]
    print("TMPDIR=%s sharedmap-cli cleanup -> exit %s, stdout %r; key files still there: %d"
          % (other, run.rc, run.out.strip(), len(left)))
    if listed == names and not left:
        return 0
    print("FAIL: with TMPDIR set, cleanup did not remove %s (left by a SIGKILLed run in /tmp)" % names)
    return 1


def bug_cleanup_reports_what_it_could_not_remove(cli, d):
    """removeStaleSegments() skips a segment it cannot stat or does not own, yet still removes
    (or tries to remove) the key file and reports the segment as removed. Another user's
    `cleanup` claims "removed" for root's stale segments (0 B) while they stay; where the key file
    is deletable, the segment would lose its key file and become unreachable for `cleanup`."""
    if os.geteuid() != 0:
        print("needs root to act as a second user (nobody); as a non-root user this check cannot run")
        return 1
    pid, names = kill_cli_mid_run(cli, d)
    if len(names) != 3:
        print("setup failed: the killed CLI left %s" % names)
        return 1
    run = run_cli(cli, ["cleanup"], 10, preexec=drop_to_nobody)
    still = len(segments_of(pid)), len(key_files_of(pid))
    run_cli(cli, ["cleanup"], 10)
    claimed = [n for n in names if ("removed " + n) in run.out]
    print("cleanup as nobody -> exit %s, stdout %r; afterwards %d segments and %d key files of pid %d remain"
          % (run.rc, run.out.strip(), still[0], still[1], pid))
    if claimed and (still[0] or still[1]):
        print("FAIL: cleanup (as another user) reported %s as removed, but they are still there" % claimed)
        return 1
    return 0


def bug_output_unwritable_found_after_the_run(cli, d):
    """checkOutputPath() asks access(2) whether the folder is writable; for root /proc and /sys
    say yes, so `run --output /proc/x.npy` computes the whole job and then fails with exit 1
    ("cannot write"), instead of exit 2 up front (an output that cannot be written is bad usage,
    found before any work)."""
    arr = os.path.join(d, "rows.npy")
    np.save(arr, np.ones((400, 8)))
    run = run_cli(cli, ["run", "--input", arr, "--kernel", "row_sum", "--param", "sleep_ms=5", "--workers", "2",
                        "--chunksize", "1", "--quiet", "--output", "/proc/sharedmap-out.npy"], 30)
    print("run --output /proc/sharedmap-out.npy -> %s" % run.brief())
    if run.rc == 2 and len(run.error_lines()) == 1 and run.elapsed < 0.5:
        return 0
    print("FAIL: expected exit 2 with one line before any work (the job takes ~1 s), got the above")
    return 1


def bug_gui_start_leaves_stale_segments(cli, d):
    """docs/RELIABILITY.md: "the next start of SharedMap removes segments ... left by runs whose owner is
    dead". The CLI does (run, cleanup); the GUI (`sharedmap`) never calls removeStaleSegments()."""
    gui = os.path.join(os.path.dirname(cli), "sharedmap")
    pid, names = kill_cli_mid_run(cli, d)
    if len(names) != 3:
        print("setup failed: the killed CLI left %s" % names)
        return 1
    env = clean_env()
    env["HOME"] = os.path.join(d, "home")  # the GUI's settings go there, not to the user's
    env.pop("XDG_CONFIG_HOME", None)
    os.makedirs(env["HOME"], exist_ok=True)
    proc = subprocess.Popen([gui], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=env, start_new_session=True)
    deadline = time.monotonic() + 3
    while key_files_of(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = key_files_of(pid)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    run_cli(cli, ["cleanup"], 10)  # removes what the killed run and the killed GUI left
    print("3 s after the GUI started, %d of the killed run's key files remain" % len(left))
    if left:
        print("FAIL: starting the GUI did not remove the segments of a killed run")
        return 1
    return 0


def bug_gui_sigterm_leaves_segments(cli, d):
    """A window ended by SIGTERM (a logout, `kill`) died with its segments in place until the next
    start cleaned them; it must close as Quit does: workers stopped, segments removed."""
    gui = os.path.join(os.path.dirname(cli), "sharedmap")
    env = clean_env()
    env["HOME"] = os.path.join(d, "home")
    env.pop("XDG_CONFIG_HOME", None)
    env["QT_QPA_PLATFORM"] = "offscreen"
    os.makedirs(env["HOME"], exist_ok=True)
    proc = subprocess.Popen([gui, "--kernel", "row_sum", "--param", "sleep_ms=20", "--workers", "2", "--chunksize", "1",
                             "--run"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=env, start_new_session=True)
    deadline = time.monotonic() + 15
    while len(key_files_of(proc.pid)) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    names = key_files_of(proc.pid)
    workers = [int(p) for p in os.listdir("/proc") if p.isdigit() and ppid_of(int(p)) == proc.pid]
    os.kill(proc.pid, signal.SIGTERM)
    try:
        rc = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        run_cli(cli, ["cleanup"], 10)
        print("FAIL: the window did not end within 10 s of SIGTERM")
        return 1
    time.sleep(0.2)
    left, segments = key_files_of(proc.pid), segments_of(proc.pid)
    alive = [w for w in workers if os.path.exists("/proc/%d" % w) and ppid_of(w) == proc.pid]
    run_cli(cli, ["cleanup"], 10)
    print("before SIGTERM: %d key files, %d workers; after: exit %d, %d key files, %d segments, %d workers"
          % (len(names), len(workers), rc, len(left), len(segments), len(alive)))
    if len(names) < 3 or len(workers) < 2:
        print("setup failed: the window's job was not running")
        return 1
    if rc != 128 + signal.SIGTERM or left or segments or alive:
        print("FAIL: expected exit 143 with no key file, segment or worker left")
        return 1
    return 0


def ppid_of(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


def bug_nul_in_job_path_prints_two_lines(cli, d):
    """A job file whose "input" holds a NUL character: the refusal is right (exit 2), but Qt's
    own warning "Broken filename passed to function" is printed first, so stderr has two lines
    instead of one (an error is always exactly one line)."""
    path = os.path.join(d, "nul.json")
    with open(path, "w") as f:
        f.write('{"input": "a\\u0000b.npy", "kernel": "row_sum"}')
    run = run_cli(cli, ["run", "--job", path, "--quiet"], 10)
    print("run --job nul.json -> %s" % run.brief())
    if run.rc == 2 and len(run.error_lines()) == 1:
        return 0
    print("FAIL: expected exit 2 with exactly one line on stderr")
    return 1


KNOWN_BUGS = {
    "nul_in_job_path_prints_two_lines": bug_nul_in_job_path_prints_two_lines,
    "cleanup_ignores_tmp_when_TMPDIR_set": bug_cleanup_ignores_tmp_when_tmpdir_set,
    "cleanup_reports_segments_it_could_not_remove": bug_cleanup_reports_what_it_could_not_remove,
    "output_unwritable_found_after_the_run": bug_output_unwritable_found_after_the_run,
    "gui_start_leaves_stale_segments": bug_gui_start_leaves_stale_segments,
    "gui_sigterm_leaves_segments": bug_gui_sigterm_leaves_segments,
}


def main():
    ap = argparse.ArgumentParser(description="hostile input corpus for sharedmap-cli")
    ap.add_argument("--cli", required=True)
    ap.add_argument("--workdir", required=True, help="scratch folder (wiped)")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per invocation (a hang is a failure)")
    ap.add_argument("--known-bugs", choices=sorted(KNOWN_BUGS), help="run one known-bug reproduction instead")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    args.cli = os.path.abspath(args.cli)
    if not os.access(args.cli, os.X_OK):
        print("FAIL: %s is not executable" % args.cli)
        return 1
    if args.known_bugs:
        d = os.path.abspath(args.workdir)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        return KNOWN_BUGS[args.known_bugs](args.cli, d)
    return run_corpus(args)


if __name__ == "__main__":
    sys.exit(main())
