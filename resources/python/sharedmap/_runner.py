"""Runs a process_map call through sharedmap-cli (see process_map's docstring)."""

import ast
import inspect
import json
import numbers
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading

import numpy as np

__all__ = ["process_map", "JobError"]

# The dtypes the engine reads (docs: the .npy contract); anything else is refused before a run.
_DTYPES = {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64"}
_MAX_WORKERS = 4096


class JobError(RuntimeError):
    """Some indices failed (an exception in the function, or a worker that kept crashing).

    Attributes:
        failed_indices: the indices (values from ``indices``) that failed, in order.
        reasons: ``{index: reason}``, e.g. ``"ZeroDivisionError: division by zero (f.py:3)"``.
        results: the whole result array, NaN where an index failed.
    """

    def __init__(self, message, failed_indices, reasons, results):
        super().__init__(message)
        self.failed_indices = list(failed_indices)
        self.reasons = dict(reasons)
        self.results = results


def _find_cli():
    """sharedmap-cli: $SHAREDMAP_CLI, else the build tree's (build/python -> build/bin), else PATH."""
    explicit = os.environ.get("SHAREDMAP_CLI")
    if explicit:
        return explicit
    here = os.path.dirname(os.path.abspath(__file__))
    beside = os.path.join(os.path.dirname(os.path.dirname(here)), "bin", "sharedmap-cli")
    if os.access(beside, os.X_OK):
        return beside
    found = shutil.which("sharedmap-cli")
    if found:
        return found
    raise FileNotFoundError("sharedmap-cli not found: install SharedMap or set SHAREDMAP_CLI")


def _find_window():
    cli = _find_cli()
    beside = os.path.join(os.path.dirname(cli), "sharedmap")
    return beside if os.access(beside, os.X_OK) else shutil.which("sharedmap")


def _is_literal(value):
    """True when repr(value) reads back as the same value with ast.literal_eval (the workers' way)."""
    try:
        return ast.literal_eval(repr(value)) == value
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False


def _importable_file(fn):
    """The file the workers can import ``fn`` from, or None (a lambda, a closure, a notebook cell)."""
    if not inspect.isfunction(fn) or fn.__name__ == "<lambda>" or fn.__qualname__ != fn.__name__:
        return None
    if fn.__closure__:
        return None
    module = sys.modules.get(fn.__module__)
    path = getattr(module, "__file__", None)
    if not path or not path.endswith(".py") or not os.path.isfile(path):
        return None
    if getattr(module, fn.__name__, None) is not fn:
        return None
    return os.path.abspath(path)


def _check_indices(indices):
    if isinstance(indices, (str, bytes)) or not hasattr(indices, "__iter__"):
        raise TypeError("indices must be an iterable of ints (a range, a list, a NumPy array), not %s"
                        % type(indices).__name__)
    if isinstance(indices, np.ndarray):
        if indices.ndim != 1 or not (np.issubdtype(indices.dtype, np.integer) or indices.size == 0):
            raise TypeError("indices must be a 1-D array of integers, not %s %s" % (indices.dtype, indices.shape))
        return indices.astype(np.int64, copy=False)
    values = []
    for k, value in enumerate(indices):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
            raise TypeError("indices[%d] is %r: indices must be ints" % (k, value))
        values.append(int(value))
    return np.asarray(values, dtype=np.int64)


def _check_count(name, value, low, high):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError("%s must be an int, not %s" % (name, type(value).__name__))
    if not low <= value <= high:
        raise ValueError("%s must be between %d and %d, not %d" % (name, low, high, value))
    return int(value)


class _SharedBlock:
    """A NumPy array copied once into a multiprocessing.shared_memory block, always released."""

    def __init__(self, array):
        from multiprocessing import shared_memory

        self.array = array
        # An empty array still needs a block (size 0 is refused): one byte, a shape of zero.
        self.shm = shared_memory.SharedMemory(create=True, size=max(1, array.nbytes))
        try:
            view = np.ndarray(array.shape, dtype=array.dtype, buffer=self.shm.buf)
            np.copyto(view, array, casting="no")
            del view
        except BaseException:
            self.close()
            raise

    @property
    def name(self):
        return self.shm.name.lstrip("/")

    def close(self):
        if self.shm is None:
            return
        shm, self.shm = self.shm, None
        try:
            shm.close()
        finally:
            # unlink() also unregisters the block from Python's resource tracker: no warning at exit.
            try:
                shm.unlink()
            except FileNotFoundError:
                pass


_PROGRESS = re.compile(r"(\d+)/(\d+)")


def process_map(fn, indices, array=None, *, max_workers=None, chunksize=1, monitor=False, disable=False,
                desc=None, **params):
    """Map ``fn`` over ``indices`` in SharedMap's workers; the results in the order of ``indices``.

    Like ``tqdm.contrib.concurrent.process_map(fn, indices, max_workers=..., chunksize=...)``, but
    the array every call needs is given once and held once in shared memory, never copied into
    the workers.

    Args:
        fn: called as ``fn(a, B, **params)`` for every index ``a`` (a Python int) with ``B`` a
            read-only NumPy view of ``array``; without an array, ``fn(a, **params)``. It returns a
            number, or an array-like of a fixed shape (then the result has one row per index). A
            module-level function of a file (your script's included) is imported by the workers
            from that file; a lambda, a closure or a function defined in a notebook is sent with
            cloudpickle.
        indices: any iterable of ints (a ``range``, a list, a 1-D integer array); may repeat.
        array: a NumPy array (copied once into a shared-memory block, released however the call
            ends), a path to any file ``sharedmap-cli`` reads (``.npy``, ``.npz``, ``.h5``, ``.csv``,
            an image, ``shm:NAME``), or None.
        max_workers: worker processes (default: one per core), 1 to 4096.
        chunksize: indices a worker claims at a time (default 1), or ``"auto"``.
        monitor: open the SharedMap window attached to this job.
        disable: no progress bar. desc: the bar's label.
        **params: keyword arguments for ``fn``: Python literals (numbers, strings, lists, ...) go
            to the workers as they are; other objects are bound into ``fn`` with cloudpickle.

    Returns:
        ``numpy.ndarray`` of float64, shape ``(len(indices),)`` or ``(len(indices), *row shape)``.

    Raises:
        TypeError, ValueError: bad arguments, or a function or file the workers cannot use
            (a ``SyntaxError``, a missing import, a signature that cannot take ``(a, B)``).
        JobError: some indices failed; ``.failed_indices``, ``.reasons`` and ``.results`` (NaN
            where they failed) tell which and why.
        KeyboardInterrupt: Ctrl-C stops the job (workers stopped, shared memory released).
    """
    if not callable(fn):
        raise TypeError("fn must be callable, not %s" % type(fn).__name__)
    index_array = _check_indices(indices)
    workers = None if max_workers is None else _check_count("max_workers", max_workers, 1, _MAX_WORKERS)
    if chunksize != "auto":
        chunksize = _check_count("chunksize", chunksize, 1, 2**62)
    if array is not None and not isinstance(array, (np.ndarray, str, os.PathLike)):
        raise TypeError("array must be a NumPy array, a file path or None, not %s" % type(array).__name__)
    if isinstance(array, np.ndarray):
        if array.dtype.name not in _DTYPES or not array.dtype.isnative:
            raise TypeError("array dtype %s is not supported (bool, int8-int64, uint8-uint64, float32, float64)"
                            % array.dtype)
        if array.ndim == 0:
            raise ValueError("array must have at least one dimension (its first axis is the index space)")
    # Check the call up front, as the function itself would refuse it.
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        signature = None
    if signature is not None:
        try:
            signature.bind(0, None, **params) if array is not None else signature.bind(0, **params)
        except TypeError as error:
            raise TypeError("%s cannot be called as %s: %s" % (
                getattr(fn, "__name__", repr(fn)), "fn(a, B, **params)" if array is not None else "fn(a, **params)",
                error)) from None
    if index_array.size == 0:
        return np.empty((0,), dtype=np.float64)

    with tempfile.TemporaryDirectory(prefix="sharedmap-") as work:
        literal = {k: v for k, v in params.items() if _is_literal(v)}
        bound = {k: v for k, v in params.items() if k not in literal}
        source = _importable_file(fn)
        if source is None or bound:
            source, name = _pickled_function(fn, bound, work)
        else:
            name = fn.__name__
        index_file = os.path.join(work, "indices.npy")
        np.save(index_file, index_array)
        output = os.path.join(work, "results.npy")
        summary = os.path.join(work, "summary.json")
        args = [_find_cli(), "run", "--python", "%s:%s" % (source, name), "--indices", "@" + index_file,
                "--chunksize", str(chunksize), "--output", output, "--summary", summary]
        if workers is not None:
            args += ["--workers", str(workers)]
        for key, value in literal.items():
            args += ["--param", "%s=%r" % (key, value)]
        block = None
        try:
            if isinstance(array, np.ndarray):
                block = _SharedBlock(np.ascontiguousarray(array) if not array.flags.c_contiguous else array)
                shape = "x".join(str(n) for n in array.shape)
                args += ["--input", "shm:" + block.name, "--dtype", array.dtype.name, "--shape", shape]
            elif array is not None:
                args += ["--input", os.fspath(array)]
            code = _run(args, len(index_array), monitor, disable, desc)
        finally:
            if block is not None:
                block.close()
        return _collect(code, output, summary, index_array)


def _pickled_function(fn, bound, work):
    """Writes fn (with the non-literal params bound) with cloudpickle and a module that loads it."""
    try:
        import cloudpickle
    except ImportError:
        raise TypeError("%r is not a module-level function of a file, and sending it needs cloudpickle "
                        "(apt install python3-cloudpickle)" % (fn,)) from None
    if bound:
        import functools

        target = functools.partial(fn, **bound)
        try:
            signature = inspect.signature(target)
        except (TypeError, ValueError):
            signature = None
    else:
        target = fn
        try:
            signature = inspect.signature(fn)
        except (TypeError, ValueError):
            signature = None
    blob = os.path.join(work, "function.pickle")
    with open(blob, "wb") as out:
        cloudpickle.dump(target, out)
    module = os.path.join(work, "sharedmap_pickled_function.py")
    with open(module, "w") as out:
        out.write("# Written by sharedmap.process_map: loads the function it sent with cloudpickle.\n"
                  "import cloudpickle as _cloudpickle\n"
                  "with open(%r, 'rb') as _file:\n"
                  "    _target = _cloudpickle.load(_file)\n\n\n"
                  "def function(*args, **kwargs):\n"
                  "    return _target(*args, **kwargs)\n" % blob)
        if signature is not None:
            out.write("\n\nimport inspect as _inspect\nfunction.__signature__ = _inspect.signature(_target)\n")
    return module, "function"


def _progress_bar(total, disable, desc):
    if disable:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=total, desc=desc)


def _run(args, total, monitor, disable, desc):
    """Runs the CLI; draws its progress with tqdm; forwards its other lines; Ctrl-C stops it cleanly."""
    read_fd, write_fd = os.pipe()
    env = dict(os.environ, SHAREDMAP_PROGRESS_FD=str(write_fd))
    # A session of its own: a Ctrl-C in the terminal reaches this process only, which then stops
    # the job through the CLI (SIGINT: workers stopped, segments removed, exit 130).
    process = subprocess.Popen(args + ["--quiet"], stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                               pass_fds=(write_fd,), start_new_session=True)
    os.close(write_fd)
    bar = _progress_bar(total, disable, desc)
    errors = []

    def forward_stderr():
        for raw in process.stderr:
            line = raw.decode("utf-8", "replace")
            errors.append(line.rstrip("\n"))
            sys.stderr.write(line)
            sys.stderr.flush()

    def follow_progress():
        done = 0
        with os.fdopen(read_fd, "r") as stream:
            for line in stream:
                match = _PROGRESS.search(line)
                if match and bar is not None:
                    now = int(match.group(1))
                    if now > done:
                        bar.update(now - done)
                        done = now

    threads = [threading.Thread(target=forward_stderr, daemon=True),
               threading.Thread(target=follow_progress, daemon=True)]
    for thread in threads:
        thread.start()
    viewer = None
    if monitor:
        window = _find_window()
        if window:
            viewer = subprocess.Popen([window, "--attach", str(process.pid)], stdin=subprocess.DEVNULL,
                                      start_new_session=True)
    try:
        code = process.wait()
    except KeyboardInterrupt:
        process.send_signal(signal.SIGINT)
        while True:
            try:
                process.wait()
                break
            except KeyboardInterrupt:
                continue
        for thread in threads:
            thread.join(timeout=5)
        if bar is not None:
            bar.close()
        raise
    for thread in threads:
        thread.join(timeout=5)
    if bar is not None:
        bar.close()
    del viewer  # the window stays open on the finished job; closing it is the user's
    if code == 2:
        message = next((e for e in reversed(errors) if e and not e.startswith("[worker")), "bad arguments")
        raise ValueError(message.removeprefix("sharedmap-cli: "))
    if code == 130:
        raise KeyboardInterrupt
    if code not in (0, 3):
        raise RuntimeError("sharedmap-cli ended with exit code %d: %s" % (code, errors[-1] if errors else ""))
    return code


def _collect(code, output, summary, index_array):
    results = np.load(output)
    if code == 0:
        return results
    with open(summary) as stream:
        info = json.load(stream)
    failed_positions = info.get("failed_indices", [])
    reasons = {}
    for failure in info.get("failures", []):
        if isinstance(failure, dict) and "index" in failure:
            reasons[int(failure["index"])] = failure.get("reason", "")
    failed = [int(i) for i in failed_positions]
    raise JobError("%d of %d indices failed%s" % (len(failed), len(index_array),
                                                   (": " + next(iter(reasons.values()))) if reasons else ""),
                   failed, reasons, results)
