#!/usr/bin/python3
"""Kernels that write rows, the teaching demos (docs/KERNELS.md) and --mode copy, against NumPy.

Run by ctest as
    /usr/bin/python3 tests/interop/test_demo_kernels.py --cli build/bin/sharedmap-cli --workdir DIR

Real NumPy writes the inputs and computes every reference; the real CLI and workers run the jobs
over real shared memory. Each check prints one line; the script exits 0 only when all pass.
"""

import argparse
import json
import os
import shutil
import struct
import subprocess
import sys
import zlib

import numpy as np

FAILURES = []
CHECKS = 0


def check(ok, what):
    global CHECKS
    CHECKS += 1
    print(("ok   " if ok else "FAIL ") + what, flush=True)
    if not ok:
        FAILURES.append(what)


def run(cli, *args, env=None, timeout=120):
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    proc = subprocess.run([cli, "run", "--quiet", *args], capture_output=True, text=True, timeout=timeout, env=full_env)
    return proc.returncode, proc.stderr


def run_ok(cli, work, name, *args, env=None):
    """Runs a job with --output and --summary; returns (output array, summary dict, stderr)."""
    out = os.path.join(work, name + ".npy")
    summary = os.path.join(work, name + ".json")
    rc, err = run(cli, *args, "--output", out, "--summary", summary, env=env)
    if rc != 0:
        check(False, "%s: exit %d (%s)" % (name, rc, err.strip()))
        return None, None, err
    with open(summary) as f:
        return np.load(out), json.load(f), err


def rows(arr):
    return arr.reshape(arr.shape[0], -1).astype(np.float64)


def blur_reference(arr, sigma):
    """Separable Gaussian, truncate 3, edges repeat the nearest pixel; channels apart."""
    radius = int(3.0 * sigma + 0.5)
    w = np.exp(-0.5 * np.arange(-radius, radius + 1) ** 2 / sigma ** 2)
    w /= w.sum()
    a = arr.astype(np.float64)
    if a.ndim == 2:
        a = a[:, :, None]
    h, wd = a.shape[0], a.shape[1]
    p = np.pad(a, ((radius, radius), (0, 0), (0, 0)), mode="edge")
    v = sum(w[k] * p[k:k + h] for k in range(2 * radius + 1))
    p = np.pad(v, ((0, 0), (radius, radius), (0, 0)), mode="edge")
    out = sum(w[k] * p[:, k:k + wd] for k in range(2 * radius + 1))
    return out.reshape(arr.shape)


def mandelbrot_reference(width, height, x_min, x_max, y_min, y_max, max_iter):
    dx = (x_max - x_min) / width
    dy = (y_max - y_min) / height
    cr = x_min + (np.arange(width) + 0.5) * dx
    ci = y_max - (np.arange(height) + 0.5) * dy
    cr, ci = np.meshgrid(cr, ci)
    zr = np.zeros_like(cr)
    zi = np.zeros_like(cr)
    n = np.zeros(cr.shape)
    active = np.ones(cr.shape, dtype=bool)
    for _ in range(max_iter):
        rr = zr * zr
        ii = zi * zi
        active &= ~(rr + ii > 4.0)
        if not active.any():
            break
        new_zi = 2.0 * zr * zi + ci
        new_zr = rr - ii + cr
        zi = np.where(active, new_zi, zi)
        zr = np.where(active, new_zr, zr)
        n += active
    return n


def splitmix_stream(state, count):
    """`count` outputs of SplitMix64 from `state`, vectorised (uint64 arithmetic wraps)."""
    with np.errstate(over="ignore"):
        z = np.uint64(state) + np.uint64(0x9E3779B97F4A7C15) * np.arange(1, count + 1, dtype=np.uint64)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def pi_reference(samples, batches, seed):
    out = np.empty(batches)
    with np.errstate(over="ignore"):
        base = np.uint64(seed) * np.uint64(0xD1B54A32D192ED03)
    for a in range(batches):
        with np.errstate(over="ignore"):
            z = splitmix_stream(base + np.uint64(a), 2 * samples)
        u = (z >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)
        x, y = u[0::2], u[1::2]
        out[a] = 4.0 * np.count_nonzero(x * x + y * y < 1.0) / samples
    return out


def test_row_kernels(cli, work, rng):
    base = rng.standard_normal((37, 5, 4))
    variants = {
        "float64_C": base,
        "float32_F": np.asfortranarray(base.astype(np.float32)),
        "int16_C": (base * 1000).astype(np.int16),
        "bigendian": base.astype(">f8"),
    }
    zero_row = base.copy()
    zero_row[3] = 0
    variants["zero_row"] = zero_row
    for name, arr in variants.items():
        path = os.path.join(work, "rows_%s.npy" % name)
        np.save(path, arr)
        r = rows(arr)
        for workers in ("1", "3"):
            got, summary, _ = run_ok(cli, work, "normalize", "--input", path, "--kernel", "row_normalize",
                                     "--workers", workers, "--chunksize", "2")
            if got is not None:
                norms = np.sqrt((r * r).sum(1, keepdims=True))
                with np.errstate(invalid="ignore"):
                    want = (r / norms).reshape(arr.shape)
                check(got.shape == arr.shape and np.allclose(got, want, rtol=1e-13, atol=0, equal_nan=True),
                      "row_normalize %s workers=%s: shape %s equals B / norm(B, axis=1)" % (name, workers, got.shape))
                check(summary["result_shape"] == list(arr.shape[1:]), "row_normalize %s: result_shape in summary" % name)
        got, _, _ = run_ok(cli, work, "cumsum", "--input", path, "--kernel", "row_cumsum", "--indices", "::-2")
        if got is not None:
            want = r[::-2].cumsum(1)
            check(got.shape == want.shape and np.array_equal(got, want),
                  "row_cumsum %s indices ::-2: equals B.reshape(n,-1)[::-2].cumsum(1) exactly" % name)


def test_blur(cli, work, rng):
    grey = rng.random((61, 47))
    image = (rng.random((40, 33, 3)) * 255).astype(np.uint8)
    for name, arr, sigma in (("grey", grey, "1.5"), ("rgb_uint8", image, "2.0"), ("grey_small_sigma", grey, "0.3")):
        path = os.path.join(work, "blur_%s.npy" % name)
        np.save(path, arr)
        got, _, _ = run_ok(cli, work, "blur", "--input", path, "--kernel", "blur", "--param", "sigma=" + sigma,
                           "--workers", "2", "--chunksize", "5")
        if got is not None:
            want = blur_reference(arr, float(sigma))
            check(got.shape == arr.shape and np.allclose(got, want, rtol=1e-12, atol=1e-12),
                  "blur %s sigma=%s: equals the separable NumPy reference" % (name, sigma))
    bad = os.path.join(work, "blur_1d.npy")
    np.save(bad, np.arange(10.0))
    rc, err = run(cli, "--input", bad, "--kernel", "blur")
    check(rc == 2 and "blur needs a 2-D array" in err and len(err.strip().splitlines()) == 1,
          "blur on a 1-D array: exit 2 with one line (%s)" % err.strip())


def test_mandelbrot(cli, work):
    params = dict(width=120, height=90, x_min=-2.25, x_max=0.75, y_min=-1.125, y_max=1.125, max_iter=100)
    args = []
    for key, value in params.items():
        args += ["--param", "%s=%s" % (key, value)]
    want = mandelbrot_reference(**params)
    for workers in ("1", "2"):
        got, summary, _ = run_ok(cli, work, "mandel", "--kernel", "mandelbrot", "--workers", workers, *args)
        if got is not None:
            check(got.shape == (90, 120) and np.isfinite(got).all() and np.array_equal(got, want),
                  "mandelbrot without --input, workers=%s: (height, width) escape counts equal NumPy's" % workers)
            check(summary["input"] == {} and summary["tasks"] == 90, "mandelbrot summary: no input, 90 tasks")
    got, _, _ = run_ok(cli, work, "mandel_rows", "--kernel", "mandelbrot", "--indices", "10:20", *args)
    if got is not None:
        check(got.shape == (10, 120) and np.array_equal(got, want[10:20]), "mandelbrot --indices 10:20: rows 10..19")
    rc, err = run(cli, "--kernel", "mandelbrot", "--param", "x_min=1", "--param", "x_max=0")
    check(rc == 2 and "x_min < x_max" in err, "mandelbrot with an empty window: exit 2 (%s)" % err.strip())


def test_race(cli, work):
    for lock in ("mutex", "atomic"):
        _, summary, err = run_ok(cli, work, "race_" + lock, "--kernel", "race_increment", "--param", "lock=" + lock,
                                 "--param", "iterations=50000", "--param", "tasks=6", "--workers", "2")
        if summary is not None:
            check(summary["counter"] == summary["expected_counter"] == 300000 and summary["lost_updates"] == 0,
                  "race_increment lock=%s: counter %s == expected 300000" % (lock, summary["counter"]))
            check("no update lost" in err, "race_increment lock=%s: the CLI says no update was lost" % lock)
    # Without a lock updates are lost when both workers really run at once; the start barrier
    # makes that happen every time on 2 cores. Five tries keep a busy CI machine out.
    lost = []
    for attempt in range(5):
        _, summary, err = run_ok(cli, work, "race_none", "--kernel", "race_increment", "--param", "lock=none",
                                 "--param", "iterations=4000000", "--param", "tasks=4", "--param", "duration_ms=200",
                                 "--workers", "2")
        if summary is None:
            break
        lost.append(summary["expected_counter"] - summary["counter"])
        if summary["counter"] < summary["expected_counter"]:
            check("updates lost" in err, "race_increment lock=none: the CLI reports the lost updates")
            break
    check(any(x > 0 for x in lost), "race_increment lock=none loses updates (lost per try: %s)" % lost)
    rc, err = run(cli, "--kernel", "race_increment", "--param", "lock=spin")
    check(rc == 2 and "lock must be none, mutex, atomic" in err, "race_increment lock=spin: exit 2 (%s)" % err.strip())

    # A worker dies while it holds the mutex: the next locker recovers it, the task is retried,
    # no deadlock, no update of the other workers lost.
    iterations = 40000
    _, summary, err = run_ok(cli, work, "race_crash", "--kernel", "race_increment", "--param", "lock=mutex",
                             "--param", "iterations=%d" % iterations, "--param", "tasks=6", "--param", "crash_in_lock=2",
                             "--workers", "2", "--chunksize", "1", env={"SHAREDMAP_TEST_KERNELS": "1"})
    if summary is not None:
        expected = 6 * iterations
        check(summary["recovered_locks"] == 1 and summary["retried_chunks"] >= 1 and summary["failed_indices"] == [],
              "race_increment, worker killed inside the lock: lock recovered once, task retried (%s)"
              % {k: summary[k] for k in ("recovered_locks", "retried_chunks", "failed_indices")})
        check(expected <= summary["counter"] <= expected + iterations,
              "race_increment after the crash: counter %d within [%d, %d] (nothing lost; the dead task's "
              "partial increments counted once more)" % (summary["counter"], expected, expected + iterations))


def test_histogram(cli, work, rng):
    data = rng.random((50, 40)) * 1.4 - 0.2
    data[0, :6] = [0.0, 1.0, 0.5, -0.2, np.nan, 0.1]  # edges, outside, NaN
    variants = {"float64": data, "int16": np.nan_to_num(data * 10).astype(np.int16), "float32_F": np.asfortranarray(data.astype(np.float32))}
    for name, arr in variants.items():
        path = os.path.join(work, "hist_%s.npy" % name)
        np.save(path, arr)
        for bins, lo, hi in ((10, 0.0, 1.0), (7, -0.1, 0.95), (1, 0.0, 12.0)):
            for workers in ("1", "2"):
                got, summary, _ = run_ok(cli, work, "hist", "--input", path, "--kernel", "histogram", "--param", "bins=%d" % bins,
                                         "--param", "min=%r" % lo, "--param", "max=%r" % hi, "--workers", workers,
                                         "--chunksize", "3")
                if got is not None:
                    want, _ = np.histogram(rows(arr).ravel(), bins, range=(lo, hi))
                    check(got.dtype == np.int64 and np.array_equal(got, want),
                          "histogram %s bins=%d range=(%r, %r) workers=%s equals np.histogram" % (name, bins, lo, hi, workers))
    path = os.path.join(work, "hist_float64.npy")
    got, _, _ = run_ok(cli, work, "hist_repeat", "--input", path, "--kernel", "histogram", "--indices", "3,3,7")
    if got is not None:
        sel = rows(data)[[3, 3, 7]].ravel()
        check(np.array_equal(got, np.histogram(sel, 10, range=(0.0, 1.0))[0]), "histogram --indices 3,3,7 counts row 3 twice")
    # More bins than a per-worker map holds (2^16): the row's bins are sorted and counted instead.
    got, _, _ = run_ok(cli, work, "hist_many_bins", "--input", path, "--kernel", "histogram", "--param", "bins=100003",
                       "--param", "min=-0.2", "--param", "max=1.2", "--workers", "2")
    if got is not None:
        check(np.array_equal(got, np.histogram(rows(data).ravel(), 100003, range=(-0.2, 1.2))[0]),
              "histogram bins=100003 equals np.histogram")
    # A worker dies half way through adding a row's counts (after the row's commit point): the
    # next locker finishes that commit, the retried task adds nothing, and the counts are exact.
    for crash in (5, 49):
        got, summary, _ = run_ok(cli, work, "hist_crash", "--input", path, "--kernel", "histogram", "--param", "bins=10",
                                 "--param", "crash_in_commit=%d" % crash, "--workers", "2", "--chunksize", "1",
                                 env={"SHAREDMAP_TEST_KERNELS": "1"})
        if got is not None:
            check(summary["retried_chunks"] >= 1 and summary["failed_indices"] == [],
                  "histogram, worker killed inside row %d's commit: task retried, nothing failed (%s)"
                  % (crash, {k: summary[k] for k in ("retried_chunks", "failed_indices")}))
            want = np.histogram(rows(data).ravel(), 10, range=(0.0, 1.0))[0]
            check(np.array_equal(got, want), "histogram after a worker died inside row %d's commit: counts exact "
                  "(excess per bin: %s)" % (crash, (got - want).tolist()))
    csv = os.path.join(work, "hist.csv")
    rc, err = run(cli, "--input", path, "--kernel", "histogram", "--param", "bins=3", "--output", csv)
    with open(csv) as f:
        lines = f.read().split()
    want = np.histogram(rows(data).ravel(), 3, range=(0.0, 1.0))[0]
    check(rc == 0 and lines == ["bin,count"] + ["%d,%d" % (i, c) for i, c in enumerate(want)], "histogram --output .csv: bin,count lines")
    rc, err = run(cli, "--input", path, "--kernel", "histogram", "--param", "min=1", "--param", "max=1")
    check(rc == 2 and "min < max" in err, "histogram min == max: exit 2 (%s)" % err.strip())


def test_monte_carlo(cli, work):
    want = pi_reference(2000, 24, 7)
    results = {}
    for workers in ("1", "3"):
        got, summary, _ = run_ok(cli, work, "pi", "--kernel", "monte_carlo_pi", "--param", "samples=2000", "--param", "batches=24",
                                 "--param", "seed=7", "--workers", workers, "--chunksize", "1")
        if got is not None:
            results[workers] = got
            check(np.array_equal(got, want), "monte_carlo_pi workers=%s: every batch equals the NumPy SplitMix64 reference" % workers)
    if len(results) == 2:
        check(np.array_equal(results["1"], results["3"]), "monte_carlo_pi: identical for 1 and 3 workers")
    got, _, _ = run_ok(cli, work, "pi_big", "--kernel", "monte_carlo_pi", "--param", "samples=100000", "--param", "batches=64")
    if got is not None:
        estimate = got.mean()
        sigma = np.sqrt(np.pi * (4 - np.pi) / (100000 * 64))
        check(abs(estimate - np.pi) < 5 * sigma, "monte_carlo_pi: mean estimate %.5f within 5 sigma of pi" % estimate)


def test_copy_mode(cli, work, rng):
    arr = rng.random((1000, 8000))  # 64 MB
    path = os.path.join(work, "copy.npy")
    np.save(path, arr)
    outputs = {}
    for mode in ("shared", "copy"):
        got, summary, _ = run_ok(cli, work, "mode_" + mode, "--input", path, "--kernel", "row_sum", "--mode", mode,
                                 "--workers", "2")
        if got is not None:
            outputs[mode] = (got, summary)
    if len(outputs) == 2:
        check(np.array_equal(outputs["shared"][0], outputs["copy"][0]), "--mode copy gives the same results as shared")
        shared_peak = outputs["shared"][1]["peak_memory_bytes"] / arr.nbytes
        copy_peak = outputs["copy"][1]["peak_memory_bytes"] / arr.nbytes
        # The CLI's and the workers' own memory is in both totals (larger in a sanitizer build):
        # the copies show as the difference, one array per worker.
        check(copy_peak >= 3.0 and copy_peak - shared_peak >= 1.8,
              "peak memory: copy %.2f x the array (>= 3: the app's copy and one per worker), shared %.2f x" % (copy_peak, shared_peak))
        check(outputs["copy"][1]["mode"] == "copy" and outputs["shared"][1]["mode"] == "shared", "summary names the mode")
    rc, err = run(cli, "--input", path, "--kernel", "row_sum", "--mode", "copy", "--workers", "1000")
    check(rc == 2 and "copy mode needs" in err and "available" in err and len(err.strip().splitlines()) == 1,
          "--mode copy that cannot fit is refused up front with the numbers (%s)" % err.strip())
    rc, err = run(cli, "--kernel", "mandelbrot", "--mode", "copy")
    check(rc == 2 and "nothing to copy" in err, "--mode copy with a no-input kernel: exit 2 (%s)" % err.strip())
    rc, err = run(cli, "--input", path, "--kernel", "row_sum", "--mode", "pickled")
    check(rc == 2 and "mode must be shared or copy" in err, "--mode pickled: exit 2 (%s)" % err.strip())


def read_png(path):
    """A minimal PNG reader (8-bit grey or RGB, not interlaced): zlib and NumPy only."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (0, 2) and interlace == 0, "unsupported PNG %s" % (header,)
    channels = 1 if colour == 0 else 3
    raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(height, 1 + width * channels)
    out = np.zeros((height, width * channels), dtype=np.int32)
    for y in range(height):
        kind, line = raw[y, 0], raw[y, 1:].astype(np.int32)
        prev = out[y - 1] if y > 0 else np.zeros_like(line)
        if kind == 0:
            row = line
        elif kind == 2:
            row = (line + prev) % 256
        else:  # 1 (sub), 3 (average), 4 (Paeth) depend on the bytes to the left: go byte by byte
            row = np.zeros_like(line)
            for x in range(line.size):
                a = row[x - channels] if x >= channels else 0
                b = prev[x]
                c = prev[x - channels] if x >= channels else 0
                if kind == 1:
                    pred = a
                elif kind == 3:
                    pred = (a + b) // 2
                else:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                row[x] = (line[x] + pred) % 256
        out[y] = row
    return out.reshape(height, width, channels).squeeze(-1) if channels == 1 else out.reshape(height, width, 3)


def test_png_output(cli, work, rng):
    args = ["--param", "width=160", "--param", "height=120", "--param", "max_iter=60"]
    values, _, _ = run_ok(cli, work, "png_values", "--kernel", "mandelbrot", *args)
    png = os.path.join(work, "mandel.png")
    rc, err = run(cli, "--kernel", "mandelbrot", *args, "--output", png)
    if values is not None and rc == 0:
        lo, hi = values.min(), values.max()
        want = np.floor((values - lo) * 255.0 / (hi - lo) + 0.5).astype(np.int32)
        check(np.array_equal(read_png(png), want), "mandelbrot --output .png: grey rows scaled min..max, as the .npy says")
    else:
        check(False, "mandelbrot --output .png ran (%d, %s)" % (rc, err.strip()))
    image = (rng.random((30, 40, 3)) * 255).astype(np.uint8)
    path = os.path.join(work, "photo.npy")
    np.save(path, image)
    png = os.path.join(work, "blurred.png")
    rc, err = run(cli, "--input", path, "--kernel", "blur", "--param", "sigma=1.5", "--output", png)
    if rc == 0:
        want = np.clip(np.floor(blur_reference(image, 1.5) + 0.5), 0, 255).astype(np.int32)
        check(np.array_equal(read_png(png), want), "blur of an RGB image --output .png: the RGB rows, rounded")
    else:
        check(False, "blur --output .png ran (%d, %s)" % (rc, err.strip()))
    for kernel, extra in (("row_sum", ["--input", path]), ("histogram", ["--input", path])):
        target = os.path.join(work, "nope_%s.png" % kernel)
        rc, err = run(cli, *extra, "--kernel", kernel, "--output", target)
        check(rc == 2 and "PNG output needs image-shaped results" in err and not os.path.exists(target),
              "%s --output .png is refused before the run (%s)" % (kernel, err.strip()))


def test_listing(cli):
    proc = subprocess.run([cli, "kernels", "--json"], capture_output=True, text=True, timeout=30)
    listing = {k["name"]: k for k in json.loads(proc.stdout)}
    for name, params in (("row_normalize", []), ("row_cumsum", []), ("blur", ["sigma"]),
                         ("mandelbrot", ["width", "height", "x_min", "x_max", "y_min", "y_max", "max_iter"]),
                         ("race_increment", ["iterations", "lock", "tasks", "duration_ms"]), ("histogram", ["bins", "min", "max"]),
                         ("monte_carlo_pi", ["samples", "batches", "seed"])):
        got = [p["name"] for p in listing.get(name, {}).get("params", [])]
        check(name in listing and got == ["sleep_ms"] + params, "kernels --json lists %s with %s" % (name, params))
    check(not listing["mandelbrot"]["needs_input"] and listing["row_sum"]["needs_input"], "kernels --json: needs_input")
    check("crash_in_lock" not in str(listing["race_increment"]), "test-only parameters are hidden without SHAREDMAP_TEST_KERNELS")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    rng = np.random.default_rng(6)
    test_listing(args.cli)
    test_row_kernels(args.cli, args.workdir, rng)
    test_blur(args.cli, args.workdir, rng)
    test_mandelbrot(args.cli, args.workdir)
    test_race(args.cli, args.workdir)
    test_histogram(args.cli, args.workdir, rng)
    test_monte_carlo(args.cli, args.workdir)
    test_copy_mode(args.cli, args.workdir, rng)
    test_png_output(args.cli, args.workdir, rng)
    print("%d checks, %d failed" % (CHECKS, len(FAILURES)))
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
