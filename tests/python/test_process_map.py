"""sharedmap.process_map against NumPy, with the real CLI, workers and embedded interpreter.

Run by ctest (label python) as `/usr/bin/python3 -m pytest` with PYTHONPATH=build/python, and by
tests/package/test_deb.py against the unpacked .deb (SHAREDMAP_CLI and PYTHONPATH point there).
"""

import glob
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import sharedmap
from sharedmap import JobError, process_map

HERE = os.path.dirname(os.path.abspath(__file__))


def diag(a, B):
    return B[a, a]


def row_stats(a, B, scale=1.0):
    return np.array([B[a].sum(), B[a].max()]) * scale


def fails_on_seven(a, B):
    if a == 7:
        raise ZeroDivisionError("seven is unlucky")
    return float(a)


def square(a):
    return a * a


def shm_blocks():
    return set(glob.glob("/dev/shm/psm_*"))


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def leaked_segments():
    """SharedMap segments (Qt's key files name them: sharedmap-KIND-PID-START-RANDOM) whose creator is gone."""
    leaked = []
    for path in glob.glob("/tmp/qipc_sharedmemory_sharedmap-*"):
        parts = os.path.basename(path).split("-")
        if len(parts) >= 5 and parts[2].isdigit() and not alive(int(parts[2])):
            leaked.append(path)
    return leaked


def orphan_workers():
    """sharedmap-worker processes whose pool (the --parent PID of their command line) is gone."""
    orphans = []
    for cmdline in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            args = open(cmdline, "rb").read().split(b"\0")
        except OSError:
            continue
        if not args or not args[0].endswith(b"sharedmap-worker") or b"--parent" not in args:
            continue
        parent = int(args[args.index(b"--parent") + 1])
        if not alive(parent):
            orphans.append(cmdline.split("/")[2])
    return orphans


@pytest.fixture
def B():
    return np.random.default_rng(7).random((300, 40))


def test_tutorial_function_matches_np_diag(B):
    before = shm_blocks()
    results = process_map(diag, range(40), B, max_workers=2, chunksize=1, disable=True)
    assert results.dtype == np.float64
    np.testing.assert_array_equal(results, np.diag(B)[:40])
    assert shm_blocks() == before  # the block is released


def test_row_valued_function_and_keyword_parameters(B):
    indices = [5, 0, 5, 299]
    results = process_map(row_stats, indices, B, max_workers=2, disable=True, scale=2.0)
    expected = np.array([[B[i].sum(), B[i].max()] for i in indices]) * 2.0
    assert results.shape == (4, 2)
    np.testing.assert_allclose(results, expected, rtol=0, atol=1e-12)


def test_lambda_and_closure_go_through_cloudpickle(B):
    offset = 3.5
    results = process_map(lambda a, B: B[a, 0] + offset, [1, 2, 3], B, max_workers=2, disable=True)
    np.testing.assert_array_equal(results, B[[1, 2, 3], 0] + offset)


def test_non_literal_parameters_are_bound(B):
    weights = np.arange(40.0)
    results = process_map(lambda a, B, w: float(B[a] @ w), range(10), B, max_workers=2, disable=True, w=weights)
    np.testing.assert_allclose(results, B[:10] @ weights, rtol=1e-12)


def test_no_input_function_and_numpy_indices():
    results = process_map(square, np.array([3, 1, 2]), max_workers=1, disable=True)
    np.testing.assert_array_equal(results, [9.0, 1.0, 4.0])


def test_path_input(B, tmp_path):
    path = tmp_path / "B.npy"
    np.save(path, B)
    results = process_map(diag, range(5), str(path), max_workers=2, disable=True)
    np.testing.assert_array_equal(results, np.diag(B)[:5])


def test_fortran_and_int_arrays():
    F = np.asfortranarray(np.arange(60, dtype=np.int16).reshape(6, 10))
    results = process_map(lambda a, B: int(B[a].sum()), range(6), F, max_workers=2, disable=True)
    np.testing.assert_array_equal(results, F.sum(axis=1))


def test_job_error_has_failures_and_partial_results(B):
    with pytest.raises(JobError) as caught:
        process_map(fails_on_seven, range(10), B, max_workers=2, disable=True)
    error = caught.value
    assert error.failed_indices == [7]
    assert "ZeroDivisionError" in error.reasons[7] and "seven is unlucky" in error.reasons[7]
    assert np.isnan(error.results[7])
    np.testing.assert_array_equal(np.delete(error.results, 7), np.delete(np.arange(10.0), 7))


@pytest.mark.parametrize("kwargs, exception, text", [
    (dict(max_workers=0), ValueError, "max_workers"),
    (dict(max_workers=2.5), TypeError, "max_workers"),
    (dict(chunksize=0), ValueError, "chunksize"),
    (dict(unknown=1), TypeError, "unknown"),
])
def test_bad_arguments_raise_at_once(B, kwargs, exception, text):
    with pytest.raises(exception, match=text):
        process_map(diag, range(3), B, disable=True, **kwargs)


@pytest.mark.parametrize("indices, text", [("012", "iterable of ints"), ([0, 1.5], "ints"), (5, "iterable")])
def test_bad_indices(B, indices, text):
    with pytest.raises(TypeError, match=text):
        process_map(diag, indices, B, disable=True)


def test_bad_array_type():
    with pytest.raises(TypeError, match="dtype"):
        process_map(diag, [0], np.zeros((2, 2), dtype=np.complex128), disable=True)


def test_out_of_range_index_is_a_value_error(B):
    with pytest.raises(ValueError, match="outside"):
        process_map(diag, [0, 1000], B, disable=True)


def test_empty_indices(B):
    assert process_map(diag, [], B, disable=True).shape == (0,)


def test_module_function_of_main_script_with_guard(tmp_path):
    script = tmp_path / "tutorial.py"
    script.write_text(textwrap.dedent("""
        import sys
        import numpy as np
        from sharedmap import process_map

        def test(a, B):
            return B[a, a]

        if __name__ == "__main__":
            B = np.arange(100.0).reshape(10, 10)
            r = process_map(test, range(10), B, max_workers=2, disable=True)
            print("OK" if (r == np.diag(B)).all() else "WRONG", r.tolist())
    """))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OK"), done.stdout + done.stderr
    assert "resource_tracker" not in done.stderr


def test_keyboard_interrupt_stops_everything(tmp_path):
    script = tmp_path / "slow.py"
    script.write_text(textwrap.dedent("""
        import sys, time
        import numpy as np
        from sharedmap import process_map

        def slow(a, B):
            time.sleep(0.05)
            return B[a, 0]

        if __name__ == "__main__":
            try:
                process_map(slow, range(2000), np.ones((2000, 4)), max_workers=2, disable=True)
            except KeyboardInterrupt:
                print("INTERRUPTED", flush=True)
                sys.exit(0)
            print("FINISHED")
    """))
    blocks = shm_blocks()
    child = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=60)
    assert "INTERRUPTED" in out, out + err
    assert "resource_tracker" not in err, err
    time.sleep(0.5)
    assert orphan_workers() == []
    assert shm_blocks() == blocks
    assert leaked_segments() == []


def test_help_shows_the_docstring():
    assert "read-only NumPy view" in sharedmap.process_map.__doc__
    assert sharedmap.JobError.__doc__
