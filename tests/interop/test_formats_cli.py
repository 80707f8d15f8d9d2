#!/usr/bin/python3
"""Input and output formats (README.md, "Formats") through the real CLI and workers.

Run by ctest as
    /usr/bin/python3 tests/interop/test_formats_cli.py --cli build/bin/sharedmap-cli --workdir DIR

NumPy and h5py write CSV/TSV/text tables, .npz archives (stored and deflated), HDF5 files, raw
binary and a Python `multiprocessing.shared_memory` block; `sharedmap-cli run` reads each with
two workers and its results are compared with NumPy's; Python's csv module writes quoted tables
(RFC 4180: delimiters and `""` inside quotes). Also: `info --json` (every extra typed: numbers,
lists, objects) and `info --list`,
`--load map`, results written to HDF5 and read back by h5py, a job file with `input_options`,
and bad inputs (exit 2, one readable line on stderr).

Exits 0 only when every check passes; prints 'N passed, N failed'.
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import time
from multiprocessing import shared_memory

import h5py
import numpy as np

failures = []
passed = 0


def check(condition, what):
    global passed
    if condition:
        passed += 1
    else:
        failures.append(what)
        print("FAIL:", what, flush=True)


def run(cli, args, timeout=60):
    return subprocess.run([cli] + args, capture_output=True, text=True, timeout=timeout)


def row_reference(array, kernel):
    m = np.asarray(array, dtype=np.float64).reshape(array.shape[0], -1)
    return {"row_sum": m.sum(1), "row_mean": m.mean(1), "row_max": m.max(1)}[kernel]


def check_run(cli, work, tag, input_args, array, kernel="row_sum", extra=()):
    out = os.path.join(work, "out.npy")
    if os.path.exists(out):
        os.remove(out)
    r = run(cli, ["run"] + input_args + ["--kernel", kernel, "--workers", "2", "--quiet", "--output", out] + list(extra))
    check(r.returncode == 0, "%s: exit %d: %s" % (tag, r.returncode, r.stderr.strip()))
    if r.returncode != 0:
        return
    got = np.load(out)
    want = row_reference(array, kernel)
    check(got.shape == want.shape and np.allclose(got, want, rtol=1e-12, atol=1e-9, equal_nan=True),
          "%s: results differ from NumPy" % tag)


def check_info(cli, tag, input_args, array):
    r = run(cli, ["info", "--json"] + input_args)
    check(r.returncode == 0, "%s: info exit %d: %s" % (tag, r.returncode, r.stderr.strip()))
    if r.returncode != 0:
        return
    info = json.loads(r.stdout)
    check(info["shape"] == list(array.shape), "%s: info shape %s, NumPy %s" % (tag, info["shape"], array.shape))
    check(info["dtype"] == np.dtype(array.dtype).newbyteorder("=").name,
          "%s: info dtype %s, NumPy %s" % (tag, info["dtype"], array.dtype))


def check_info_extras(cli, tag, input_args, want_json, want_lines):
    """`info --json` gives each per-format extra with its JSON type; `info` prints the same lines as ever."""
    r = run(cli, ["info", "--json"] + input_args)
    check(r.returncode == 0, "%s: info --json exit %d: %s" % (tag, r.returncode, r.stderr.strip()))
    if r.returncode != 0:
        return
    info = json.loads(r.stdout)
    for key, want in want_json.items():
        got = info.get(key)
        check(type(got) is type(want) and got == want, "%s: info --json %s is %r (%s), expected %r (%s)"
              % (tag, key, got, type(got).__name__, want, type(want).__name__))
    r = run(cli, ["info"] + input_args)
    lines = r.stdout.split("\n")
    for line in want_lines:
        check(line in lines, "%s: info has no line %r: %r" % (tag, line, r.stdout))


def check_bad(cli, tag, args, message):
    r = run(cli, args)
    lines = r.stderr.strip().split("\n")
    check(r.returncode == 2, "%s: exit %d, expected 2 (%s)" % (tag, r.returncode, r.stderr.strip()))
    check(len(lines) == 1 and lines[0].startswith("sharedmap-cli: error: "), "%s: stderr not one error line: %r" % (tag, r.stderr))
    check(message in r.stderr, "%s: %r not in %r" % (tag, message, r.stderr.strip()))


def children(pid):
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def maps_of(pid):
    try:
        with open("/proc/%d/maps" % pid) as f:
            return f.read()
    except OSError:
        return ""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    cli = args.cli
    work = args.workdir
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    p = lambda name: os.path.join(work, name)
    rng = np.random.default_rng(80)

    # --- text tables ----------------------------------------------------------------------------
    table = rng.normal(size=(257, 9)) * 100
    np.savetxt(p("t.csv"), table, delimiter=",", header=",".join("c%d" % i for i in range(9)), comments="")
    check_run(cli, work, "csv", ["--input", p("t.csv")], table)
    check_run(cli, work, "csv row_mean", ["--input", p("t.csv")], table, "row_mean")
    check_info(cli, "csv", [p("t.csv")], table)
    np.savetxt(p("t.tsv"), table, delimiter="\t")
    check_run(cli, work, "tsv", ["--input", p("t.tsv")], table)
    np.savetxt(p("t.txt"), table)
    check_run(cli, work, "txt", ["--input", p("t.txt")], table)
    check_run(cli, work, "csv columns", ["--input", p("t.csv"), "--columns", "8,1"], table[:, [8, 1]])
    check_run(cli, work, "csv float32", ["--input", p("t.csv"), "--dtype", "float32"], table.astype(np.float32))
    np.savetxt(p("noext.data"), table, delimiter=";")
    check_run(cli, work, "--format csv", ["--input", p("noext.data"), "--format", "csv"], table)
    check_run(cli, work, "--delimiter --header-rows", ["--input", p("t.csv"), "--delimiter", ",", "--header-rows", "1"], table)
    with_nan = table.copy()
    with_nan[3, 4] = np.nan
    np.savetxt(p("nan.csv"), with_nan, delimiter=",")
    check_run(cli, work, "csv NaN row_max", ["--input", p("nan.csv")], with_nan, "row_max")

    # --- quoted text tables, written by Python's csv module -------------------------------------
    names = ["x, m", 'the "y"', "z;w", "t"]
    quoted = table[:, :4]
    for tag, name, dialect in [("csv QUOTE_ALL", "q_all.csv", {"quoting": csv.QUOTE_ALL}),
                               ("csv QUOTE_NONNUMERIC", "q_nonnum.csv", {"quoting": csv.QUOTE_NONNUMERIC}),
                               ("csv QUOTE_MINIMAL ;", "q_semi.csv", {"delimiter": ";"}),
                               ("csv excel-tab QUOTE_ALL", "q_tab.tsv", {"dialect": "excel-tab", "quoting": csv.QUOTE_ALL})]:
        with open(p(name), "w", newline="") as f:
            writer = csv.writer(f, **dialect)
            writer.writerow(names)
            writer.writerows(quoted.tolist())
        check_run(cli, work, tag, ["--input", p(name)], quoted)
        check_run(cli, work, tag + " columns 2,0", ["--input", p(name), "--columns", "2,0"], quoted[:, [2, 0]])
        check_info_extras(cli, tag, [p(name)], {"header_rows": 1, "columns": names}, ["header_rows: 1"])

    # --- .npz ----------------------------------------------------------------------------------
    a = rng.normal(size=(120, 33))
    b = rng.integers(-1000, 1000, size=(50, 4, 5)).astype(">i4")
    np.savez(p("s.npz"), a=a, b=b)
    np.savez_compressed(p("d.npz"), a=a, b=b)
    for name in ("s.npz", "d.npz"):
        check_run(cli, work, name + " a", ["--input", p(name), "--dataset", "a"], a)
        check_run(cli, work, name + " b", ["--input", p(name), "--dataset", "b"], b)
        check_info(cli, name + " b", [p(name), "--dataset", "b"], b)
    np.savez_compressed(p("one.npz"), only=a)
    check_run(cli, work, "npz only array", ["--input", p("one.npz")], a)
    r = run(cli, ["info", "--list", "--json", p("s.npz")])
    listed = json.loads(r.stdout) if r.returncode == 0 else []
    check([e["name"] for e in listed] == ["a", "b"] and listed[1]["shape"] == [50, 4, 5],
          "npz info --list: %r" % listed)

    # --- HDF5 ----------------------------------------------------------------------------------
    cube = rng.normal(size=(64, 10, 3)).astype(">f8")
    ints = rng.integers(0, 60000, size=(30, 7)).astype("<u2")
    with h5py.File(p("d.h5"), "w") as f:
        f.create_dataset("group/cube", data=cube, chunks=(8, 10, 3), compression="gzip")
        f.create_dataset("ints", data=ints)
    check_run(cli, work, "h5 cube", ["--input", p("d.h5"), "--dataset", "group/cube"], cube)
    check_run(cli, work, "h5 ints", ["--input", p("d.h5"), "--dataset", "ints", "--format", "hdf5"], ints)
    check_run(cli, work, "h5 hyperslab", ["--input", p("d.h5"), "--dataset", "group/cube", "--slice", "5:50:4,2:9"],
              cube[5:50:4, 2:9])
    check_info(cli, "h5 cube", [p("d.h5"), "--dataset", "group/cube"], cube)
    r = run(cli, ["info", "--list", p("d.h5")])
    check(r.returncode == 0 and "group/cube  float64 (64, 10, 3)" in r.stdout and "group/\n" in r.stdout,
          "h5 info --list: %r" % r.stdout)

    # --- raw -----------------------------------------------------------------------------------
    raw = rng.normal(size=(40, 25)).astype(">f4")
    with open(p("r.bin"), "wb") as f:
        f.write(b"\0" * 100)
        f.write(raw.tobytes())
    raw_args = ["--input", p("r.bin"), "--dtype", "float32", "--shape", "40x25", "--byte-order", "big", "--offset", "100"]
    check_run(cli, work, "raw big-endian", raw_args, raw)
    raw_le = rng.integers(0, 255, size=(16, 16)).astype(np.uint8)
    raw_le.tofile(p("r.raw"))
    check_run(cli, work, "raw uint8 mapped", ["--input", p("r.raw"), "--dtype", "uint8", "--shape", "16x16", "--load", "map"], raw_le)

    # --- .npy mapped in place --------------------------------------------------------------------
    big = rng.normal(size=(500, 200))
    np.save(p("m.npy"), big)
    check_run(cli, work, "npy --load map", ["--input", p("m.npy"), "--load", "map"], big)
    fortran = np.asfortranarray(rng.normal(size=(60, 7)))
    np.save(p("f.npy"), fortran)
    check_run(cli, work, "fortran npy --load map", ["--input", p("f.npy"), "--load", "map"], fortran)

    # --- results to HDF5, read back by h5py ----------------------------------------------------
    out_h5 = p("results.h5")
    r = run(cli, ["run", "--input", p("t.csv"), "--kernel", "row_sum", "--indices", "10:200:7", "--workers", "2",
                  "--quiet", "--output", out_h5])
    check(r.returncode == 0, "output .h5: exit %d: %s" % (r.returncode, r.stderr.strip()))
    if r.returncode == 0:
        with h5py.File(out_h5, "r") as f:
            check(np.allclose(f["results"][()], table.sum(1)[10:200:7], rtol=1e-12), "output .h5: results")
            check(list(f["indices"][()]) == list(range(10, 200, 7)), "output .h5: indices")
            check(f.attrs["kernel"] == "row_sum", "output .h5: kernel attribute %r" % f.attrs.get("kernel"))
            check(json.loads(f.attrs["job"])["kernel"] == "row_sum", "output .h5: job attribute")

    # --- a job file naming a CSV with options ----------------------------------------------------
    job = {"input": "t.csv", "kernel": "row_sum", "workers": 2, "output": "job_out.npy",
           "input_options": {"delimiter": ",", "header_rows": 1, "columns": [0, 3], "dtype": "float64"}}
    with open(p("job.json"), "w") as f:
        json.dump(job, f)
    r = run(cli, ["run", "--job", p("job.json"), "--quiet"])
    check(r.returncode == 0, "job input_options: exit %d: %s" % (r.returncode, r.stderr.strip()))
    if r.returncode == 0:
        check(np.allclose(np.load(p("job_out.npy")), table[:, [0, 3]].sum(1)), "job input_options: results")
    job["input_options"]["delimitor"] = ","
    with open(p("badjob.json"), "w") as f:
        json.dump(job, f)
    check_bad(cli, "job unknown option", ["run", "--job", p("badjob.json")], "unknown key 'input_options.delimitor'")

    # --- a Python shared_memory block, mapped read-only by the workers ----------------------------
    shape = (400, 64)
    block = shared_memory.SharedMemory(create=True, size=int(np.prod(shape)) * 8)
    try:
        view = np.ndarray(shape, dtype=np.float64, buffer=block.buf)
        view[:] = rng.normal(size=shape)
        shm_args = ["--input", "shm:" + block.name, "--dtype", "float64", "--shape", "400x64"]
        check_run(cli, work, "shm", shm_args, view)
        check_run(cli, work, "shm row_max", shm_args, view, "row_max")
        check_info(cli, "shm", [a for a in shm_args if a != "--input"], view)
        # While a slow job runs, every worker maps the block itself: no copy anywhere.
        proc = subprocess.Popen([cli, "run"] + shm_args + ["--kernel", "row_sum", "--param", "sleep_ms=30",
                                "--workers", "2", "--chunksize", "1", "--quiet", "--indices", "0:60",
                                "--output", p("shm_slow.npy")], stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 10
        mapped_in = set()
        workers = set()
        while proc.poll() is None and time.time() < deadline:
            for child in children(proc.pid):
                workers.add(child)
                if "/dev/shm/" + block.name in maps_of(child):
                    mapped_in.add(child)
            time.sleep(0.05)
        proc.wait(timeout=30)
        check(proc.returncode == 0, "shm slow run: exit %d %s" % (proc.returncode, proc.stderr.read().strip()))
        check(len(workers) >= 2 and mapped_in == workers,
              "shm: workers %s, mapping the block: %s" % (sorted(workers), sorted(mapped_in)))
        check(np.allclose(np.load(p("shm_slow.npy")), view.sum(1)[:60]), "shm slow run: results")
        check_bad(cli, "shm too small", ["run", "--input", "shm:" + block.name, "--dtype", "float64", "--shape",
                                         "401x64", "--kernel", "row_sum"], "needs 205312 bytes from offset 0")
        del view
    finally:
        block.close()
        block.unlink()

    # --- info: typed per-format extras, the text lines unchanged -----------------------------------
    check_info_extras(cli, "info csv", [p("t.csv")],
                      {"delimiter": ",", "header_rows": 1, "columns": ["c%d" % i for i in range(9)]},
                      ["delimiter: ,", "header_rows: 1", "columns:  " + ", ".join("c%d" % i for i in range(9))])
    check_info_extras(cli, "info txt", [p("t.txt")], {"delimiter": "space", "header_rows": 0},
                      ["delimiter: space", "header_rows: 0"])
    check_info_extras(cli, "info npz", [p("s.npz"), "--dataset", "b"], {"dataset": "b", "arrays": ["a", "b"]},
                      ["dataset:  b", "arrays:   a, b"])
    check_info_extras(cli, "info h5", [p("d.h5"), "--dataset", "group/cube", "--slice", "0:10"],
                      {"dataset": "group/cube", "dataset_shape": [64, 10, 3], "stored_type": "float64 BE"},
                      ["dataset:  group/cube", "dataset_shape: (64, 10, 3)", "stored_type: float64 BE"])
    check_info_extras(cli, "info raw", raw_args[1:], {"offset": 100}, ["offset:   100"])
    check_info_extras(cli, "info npy", [p("m.npy")], {"format_version": "1.0", "data_offset": 128},
                      ["format:   .npy 1.0"])
    block = shared_memory.SharedMemory(create=True, size=4096)
    try:
        check_info_extras(cli, "info shm", ["shm:" + block.name, "--dtype", "uint8", "--shape", "64x64"],
                          {"block": {"path": "/dev/shm/" + block.name, "bytes": 4096}},
                          ["block:    /dev/shm/%s (4096 bytes)" % block.name])
    finally:
        block.close()
        block.unlink()

    # --- bad inputs ------------------------------------------------------------------------------
    with open(p("ragged.csv"), "w") as f:
        f.write("1,2,3\n4,5,6\n7,8\n9,10,11\n")
    check_bad(cli, "ragged csv", ["run", "--input", p("ragged.csv"), "--kernel", "row_sum"],
              "line 3 has 2 values, expected 3 as on line 1")
    with open(p("word.csv"), "w") as f:
        f.write("x,y\n1,2\n3,4\n5,five\n")
    check_bad(cli, "bad value csv", ["run", "--input", p("word.csv"), "--kernel", "row_sum"],
              "line 4, column 2: 'five' is not a number")
    with open(p("open_quote.csv"), "w", newline="") as f:
        csv.writer(f).writerows([["a", "b"], [1, 2], [3, "4\n5"], [6, 7]])  # a line break inside quotes
    check_bad(cli, "csv line break in quotes", ["run", "--input", p("open_quote.csv"), "--kernel", "row_sum"],
              "line 3, column 2: a quoted field is not closed on its line")
    with open(p("thousands.csv"), "w", newline="") as f:
        csv.writer(f).writerows([["a", "b"], [1, 2], [3, "1,234"]])
    check_bad(cli, "csv quoted thousands", ["run", "--input", p("thousands.csv"), "--kernel", "row_sum"],
              "line 3, column 2: '1,234' is not a number")
    with open(p("after_quote.csv"), "w") as f:
        f.write('1,2\n3,"4" 5\n')
    check_bad(cli, "csv text after quote", ["info", p("after_quote.csv")], "line 2, column 2: text after the closing quote")
    check_bad(cli, "csv column", ["run", "--input", p("t.csv"), "--columns", "9", "--kernel", "row_sum"],
              "column 9 does not exist")
    check_bad(cli, "npz two arrays", ["run", "--input", p("s.npz"), "--kernel", "row_sum"],
              "the archive holds 2 arrays; pick one with --dataset (a, b)")
    check_bad(cli, "npz missing", ["info", p("s.npz"), "--dataset", "c"], "no array named 'c' (arrays: a, b)")
    check_bad(cli, "h5 missing", ["run", "--input", p("d.h5"), "--dataset", "group/nope", "--kernel", "row_sum"],
              "no dataset 'group/nope'")
    check_bad(cli, "h5 group", ["info", p("d.h5"), "--dataset", "group"], "'group' is a group, not a dataset")
    check_bad(cli, "raw size", ["run", "--input", p("r.bin"), "--dtype", "float32", "--shape", "40x26", "--kernel", "row_sum"],
              "size mismatch: shape (40, 26) of float32 needs 4160 bytes, the file holds 4100 bytes after offset 0")
    check_bad(cli, "raw no dtype", ["run", "--input", p("r.bin"), "--shape", "40x25", "--kernel", "row_sum"], "needs --dtype")
    be = rng.normal(size=(5, 5)).astype(">f8")
    np.save(p("be.npy"), be)
    check_bad(cli, "map big-endian", ["run", "--input", p("be.npy"), "--load", "map", "--kernel", "row_sum"],
              "big-endian data cannot be mapped")
    check_bad(cli, "unknown extension", ["run", "--input", p("job.json"), "--kernel", "row_sum"], "unknown file type '.json'")
    check_bad(cli, "unknown format", ["info", p("t.csv"), "--format", "xlsx"], "unknown format 'xlsx'")
    check_bad(cli, "bad byte order", ["info", p("r.bin"), "--byte-order", "middle"], "--byte-order must be little or big")
    check_bad(cli, "bad delimiter", ["info", p("t.csv"), "--delimiter", "ab"], "unknown delimiter 'ab'")
    check_bad(cli, "bad load", ["info", p("t.csv"), "--load", "mmap"], "--load must be copy or map")
    check_bad(cli, "no shm block", ["run", "--input", "shm:sharedmap-no-such-block", "--dtype", "uint8", "--shape", "4",
                                    "--kernel", "row_sum"], "no shared-memory block named 'sharedmap-no-such-block'")
    check_bad(cli, "bad output", ["run", "--input", p("t.csv"), "--kernel", "row_sum", "--output", p("x.xlsx")],
              "use .npy or .csv or .h5 or .hdf5")
    with open(p("d.h5"), "rb") as f:
        head = f.read(4096)
    with open(p("cut.h5"), "wb") as f:
        f.write(head)
    check_bad(cli, "truncated h5", ["run", "--input", p("cut.h5"), "--dataset", "ints", "--kernel", "row_sum"], "cut.h5")

    print("%d passed, %d failed" % (passed, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
