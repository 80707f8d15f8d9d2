#!/usr/bin/python3
"""Kernel plugins end to end (docs/KERNELS.md, "Compiled kernel plugins").

Run by ctest (see tests/plugins/CMakeLists.txt). Installs the SDK of this build into a temporary
prefix with `cmake --install`, configures and builds resources/examples/row_median out of tree
against it as a user would, then checks with the real CLI and workers:
  - `kernels --json --plugin` shows the plugin's kernels with their metadata;
  - row_median / row_quantile against np.median / np.quantile (several dtypes and orders,
    --plugin and a job file's "plugins", the user's plugins folder);
  - a plugin built for another SDK version, and a file that is no plugin, are refused (exit 2,
    one line on stderr);
  - a plugin kernel that crashes takes down only its worker: the index is retried, then failed,
    the other results are right; a reason a plugin gives reaches the summary.
Exits 0 only when every check passes.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))
from checker import Checker  # noqa: E402


def run(argv, env=None, timeout=120):
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env)


def build_example(args, c):
    """Installs the SDK and builds the example out of tree; returns the plugin path or None."""
    prefix = os.path.join(args.workdir, "prefix")
    r = run(["cmake", "--install", args.build_dir, "--prefix", prefix, "--component", "sdk"])
    if not c.check(r.returncode == 0, "cmake --install of the SDK", r.stdout + r.stderr):
        return None
    header = os.path.join(prefix, "include", "sharedmap", "kernelplugin.h")
    c.check(os.path.isfile(header), "the SDK header is installed", header)
    build = os.path.join(args.workdir, "example-build")
    r = run(["cmake", "-S", args.example, "-B", build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
             "-DCMAKE_PREFIX_PATH=" + prefix], timeout=240)
    if not c.check(r.returncode == 0, "configure the example against the installed SDK", r.stdout + r.stderr):
        return None
    r = run(["cmake", "--build", build], timeout=240)
    if not c.check(r.returncode == 0, "build the example", r.stdout + r.stderr):
        return None
    plugin = os.path.join(build, "librow_median.so")
    c.check(os.path.isfile(plugin), "the example plugin was built", plugin)
    return plugin


def one_error_line(r):
    lines = r.stderr.strip().splitlines()
    return r.returncode == 2 and len(lines) == 1 and lines[0].startswith("sharedmap-cli: error: ")


def main():
    parser = argparse.ArgumentParser()
    for option in ("--cli", "--build-dir", "--example", "--test-plugin", "--sdk99-plugin", "--crash-plugin", "--workdir"):
        parser.add_argument(option, required=True)
    args = parser.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    # Start from an empty user data folder, so only the plugins named here are loaded.
    env = dict(os.environ, XDG_DATA_HOME=os.path.join(args.workdir, "xdg"))
    c = Checker()
    cli = args.cli

    plugin = build_example(args, c)
    if plugin is None:
        print("%d checks, %d failed" % (c.checks, c.failures))
        return 1

    # Metadata.
    r = run([cli, "kernels", "--json", "--plugin", plugin], env=env)
    if c.check(r.returncode == 0, "kernels --json --plugin", r.stderr):
        kernels = {k["name"]: k for k in json.loads(r.stdout)}
        median = kernels.get("row_median", {})
        c.check(median.get("description", "").startswith("Median of row a"), "row_median description", str(median))
        c.check(median.get("plugin") == os.path.realpath(plugin), "row_median names its plugin file", str(median))
        c.check(median.get("index_space") == "rows (first axis)", "row_median index space", str(median))
        q = [p for p in kernels.get("row_quantile", {}).get("params", []) if p["name"] == "q"]
        c.check(q == [{"name": "q", "type": "double", "default": 0.5, "min": 0.0, "max": 1.0,
                       "description": "Which quantile, 0 (minimum) to 1 (maximum)", "choices": []}], "row_quantile's parameter q", str(q))
        c.check("formula" in kernels and "row_sum" in kernels, "built-in kernels still listed")
    r = run([cli, "kernels"], env=env)
    c.check(r.returncode == 0 and "row_median" not in r.stdout, "no plugin kernels without --plugin", r.stdout[-300:])

    # Results against NumPy.
    rng = np.random.default_rng(11)
    arrays = {
        "f64": rng.normal(size=(41, 17)),
        "even": rng.normal(size=(9, 8)),
        "i32_3d": rng.integers(-1000, 1000, size=(12, 3, 5)).astype(np.int32),
        "f32_fortran": np.asfortranarray(rng.normal(size=(15, 6)).astype(np.float32)),
        "u8": rng.integers(0, 255, size=(7, 11)).astype(np.uint8),
    }
    nan = rng.normal(size=(5, 4))
    nan[1, 2] = np.nan
    arrays["nan"] = nan
    out = os.path.join(args.workdir, "out.npy")
    summary = os.path.join(args.workdir, "summary.json")
    for name, a in arrays.items():
        path = os.path.join(args.workdir, name + ".npy")
        np.save(path, a)
        m = a.reshape(a.shape[0], -1).astype(np.float64)
        for kernel, params, want in (("row_median", [], np.median(m, axis=1)),
                                     ("row_quantile", ["--param", "q=0.25"], np.quantile(m, 0.25, axis=1)),
                                     ("row_quantile", ["--param", "q=1"], np.quantile(m, 1.0, axis=1))):
            r = run([cli, "run", "--plugin", plugin, "--kernel", kernel, "--input", path, "--workers", "2",
                     "--output", out, "--quiet"] + params, env=env)
            title = "%s %s on %s" % (kernel, " ".join(params), name)
            if c.check(r.returncode == 0, title, r.stderr):
                got = np.load(out)
                c.check(np.allclose(got, want, rtol=1e-12, atol=0, equal_nan=True), title + " equals NumPy",
                        "got %s want %s" % (got[:4], want[:4]))

    # A job file names its plugins (relative to the file's folder).
    shutil.copy(plugin, os.path.join(args.workdir, "copy_of_row_median.so"))
    job = os.path.join(args.workdir, "job.json")
    with open(job, "w") as f:
        json.dump({"input": "f64.npy", "kernel": "row_median", "plugins": ["copy_of_row_median.so"],
                   "output": "job_out.npy", "workers": 2}, f)
    r = run([cli, "run", "--job", job, "--quiet"], env=env)
    if c.check(r.returncode == 0, "job file with plugins", r.stderr):
        got = np.load(os.path.join(args.workdir, "job_out.npy"))
        c.check(np.allclose(got, np.median(arrays["f64"], axis=1), rtol=1e-12), "job file results equal NumPy")

    # The user's plugins folder is scanned at start.
    folder = os.path.join(env["XDG_DATA_HOME"], "SharedMap", "plugins")
    os.makedirs(folder)
    shutil.copy(plugin, folder)
    r = run([cli, "run", "--kernel", "row_median", "--input", os.path.join(args.workdir, "even.npy"),
             "--output", out, "--quiet"], env=env)
    if c.check(r.returncode == 0, "a plugin in the user's folder", r.stderr):
        c.check(np.allclose(np.load(out), np.median(arrays["even"], axis=1), rtol=1e-12), "user-folder plugin equals NumPy")
    # The same kernels named with --plugin win over the folder's copy, which is only a warning.
    r = run([cli, "run", "--plugin", plugin, "--kernel", "row_median", "--input", os.path.join(args.workdir, "even.npy"),
             "--output", out, "--quiet"], env=env)
    lines = r.stderr.strip().splitlines()
    c.check(r.returncode == 0 and len(lines) == 1 and lines[0].startswith("sharedmap-cli: warning: plugin ")
            and "already taken" in lines[0], "--plugin wins over the folder's copy", "exit %d: %r" % (r.returncode, r.stderr))
    r = run([cli, "kernels", "--json", "--plugin", plugin], env=env)
    if c.check(r.returncode == 0, "kernels with a duplicate in the folder", r.stderr):
        median = [k for k in json.loads(r.stdout) if k["name"] == "row_median"]
        c.check(len(median) == 1 and median[0]["plugin"] == os.path.realpath(plugin), "the named plugin provides row_median",
                str(median))
    shutil.rmtree(folder)

    # Refused plugins: another SDK version, a file that is no plugin, a missing file.
    r = run([cli, "kernels", "--plugin", args.sdk99_plugin], env=env)
    c.check(one_error_line(r) and "SDK version 99" in r.stderr and "supports version 1" in r.stderr,
            "a plugin for SDK version 99 is refused", "exit %d: %r" % (r.returncode, r.stderr))
    r = run([cli, "run", "--plugin", args.sdk99_plugin, "--kernel", "row_sum",
             "--input", os.path.join(args.workdir, "f64.npy"), "--quiet"], env=env)
    c.check(one_error_line(r) and "SDK version 99" in r.stderr, "run --plugin with SDK 99 is refused", r.stderr)
    r = run([cli, "kernels", "--plugin", os.path.join(args.workdir, "f64.npy")], env=env)
    c.check(one_error_line(r) and "not a Qt plugin" in r.stderr, "a .npy is no plugin", r.stderr)
    r = run([cli, "kernels", "--plugin", os.path.join(args.workdir, "missing.so")], env=env)
    c.check(one_error_line(r) and "no such file" in r.stderr, "a missing plugin", r.stderr)
    r = run([cli, "kernels", "--plugin", plugin, "--plugin", args.test_plugin], env=env)
    c.check(r.returncode == 0 and "plugin_misbehave" in r.stdout and "row_median" in r.stdout,
            "two plugins at once", r.stderr)

    # A plugin that crashes while it loads (in kernels()) crashes the probe process only: the CLI
    # says so in one line and exits 2, for a named plugin; one in the user's folder is a warning
    # and the run goes on.
    for argv in (["kernels"], ["run", "--kernel", "row_sum", "--input", os.path.join(args.workdir, "f64.npy"), "--quiet"]):
        r = run([cli] + argv + ["--plugin", args.crash_plugin], env=env)
        c.check(one_error_line(r) and "crashed while it was loaded" in r.stderr,
                "%s --plugin with a plugin that crashes on load: exit 2, one line" % argv[0],
                "exit %d: %r" % (r.returncode, r.stderr))
    os.makedirs(folder)
    shutil.copy(args.crash_plugin, folder)
    r = run([cli, "run", "--kernel", "row_sum", "--input", os.path.join(args.workdir, "f64.npy"), "--output", out,
             "--quiet"], env=env)
    lines = r.stderr.strip().splitlines()
    c.check(r.returncode == 0 and len(lines) == 1 and lines[0].startswith("sharedmap-cli: warning: plugin ")
            and "crashed while it was loaded" in lines[0], "a crashing plugin in the user's folder is a warning",
            "exit %d: %r" % (r.returncode, r.stderr))
    c.check(r.returncode == 0 and np.allclose(np.load(out), arrays["f64"].sum(1)), "and the run goes on")
    shutil.rmtree(folder)

    # A crashing plugin kernel takes down only its worker: retried, then failed; the rest is right.
    path = os.path.join(args.workdir, "f64.npy")
    r = run([cli, "run", "--plugin", args.test_plugin, "--kernel", "plugin_misbehave", "--input", path,
             "--param", "crash_at=7", "--param", "fail_at=3,30", "--max-retries", "1", "--workers", "2",
             "--chunksize", "4", "--output", out, "--summary", summary, "--quiet"], env=env)
    if c.check(r.returncode == 3, "crashing plugin kernel exits 3", "exit %d: %s" % (r.returncode, r.stderr)):
        got = np.load(out)
        want = np.arange(41, dtype=np.float64) * 10
        want[[3, 7, 30]] = np.nan
        c.check(np.array_equal(got, want, equal_nan=True), "other indices computed", str(got))
        doc = json.load(open(summary))
        c.check(sorted(doc["failed_indices"]) == [3, 7, 30], "failed indices", str(doc["failed_indices"]))
        c.check(doc["retried_chunks"] >= 2, "the crashing chunk was retried", str(doc["retried_chunks"]))
        reasons = {f["index"]: f["reason"] for f in doc["failures"]}
        c.check(reasons.get(3) == "plugin refused index 3", "the plugin's reason", str(reasons))
        c.check("crash" in reasons.get(7, "") or "signal" in reasons.get(7, ""), "the crash as reason", str(reasons))

    print("%d checks, %d failed" % (c.checks, c.failures))
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
