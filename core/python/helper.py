# The embedded helper of SharedMap's Python kernels (core/python). Compiled into the worker as
# the module `_sharedmap_embed`; the C++ side calls these functions for everything but the
# per-index call, which goes through a cached vectorcall. Problems with the user's file are
# returned as (kind, message) pairs, never raised, so that the C++ side can tell them apart.
import ast
import importlib.util
import inspect
import json
import numbers
import os
import sys
import traceback

import numpy as np

_folder = [None]


class Refused(Exception):
    """A result the job cannot store (None, a string, another shape): the index's reason."""


def _put_folder_first(folder):
    # sys.path: the file's folder first, then PYTHONPATH, then Debian's paths. A warm worker
    # that moves on to another file's folder drops the previous one.
    if _folder[0] is not None:
        try:
            sys.path.remove(_folder[0])
        except ValueError:
            pass
    sys.path.insert(0, folder)
    _folder[0] = folder


def _line_in(tb, path):
    """The last line of `path` on the traceback (where the user's file was when it raised)."""
    line = None
    for frame in traceback.extract_tb(tb):
        if frame.filename == path:
            line = frame.lineno
    return line


def load(path, display, source):
    """Imports the file at `path` as a module named after it (never __main__).

    Returns (module, None) or (None, (kind, message, traceback text))."""
    name = os.path.splitext(os.path.basename(path))[0] or "module"
    _put_folder_first(os.path.dirname(path))
    try:
        code = compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as e:
        where = "%s:%s" % (display, e.lineno) if e.lineno else display
        return None, ("syntax", "%s: %s: %s" % (where, type(e).__name__, e.msg), "")
    except (ValueError, MemoryError, RecursionError) as e:  # NUL bytes, absurd nesting
        return None, ("syntax", "%s: %s: %s" % (display, type(e).__name__, e), "")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    # Registered in sys.modules as a normal import would be (pickle, dataclasses and
    # typing look modules up there), unless that would replace a module already imported
    # (a file named numpy.py or os.py must not break the interpreter it runs in).
    previous = sys.modules.get(name)
    register = previous is None or getattr(previous, "__file__", None) == path
    if register:
        sys.modules[name] = module
    try:
        exec(code, module.__dict__)
    except BaseException as e:  # SystemExit and KeyboardInterrupt at import are refusals too
        if register:
            if previous is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = previous
        line = _line_in(e.__traceback__, path)
        where = "%s:%s" % (display, line) if line else display
        # The traceback from the user's file down, without this helper's frame.
        tb = e.__traceback__.tb_next if e.__traceback__ is not None else None
        text = "".join(traceback.format_exception(type(e), e, tb))
        if isinstance(e, ImportError):  # its message names the module (No module named 'x')
            return None, ("import", "%s: %s: %s" % (where, type(e).__name__, e), text)
        return None, ("import", "%s: %s while importing: %s" % (where, type(e).__name__, e), text)
    return module, None


def _kind(parameter):
    return parameter.kind.name.lower()


def describe_function(fn):
    """Name, docstring, first and last line and parameters of a function, for the front ends."""
    try:
        params = [{"name": p.name, "kind": _kind(p),
                   "default": None if p.default is inspect.Parameter.empty else repr(p.default)}
                  for p in inspect.signature(fn).parameters.values()]
        signature = str(inspect.signature(fn))
    except (TypeError, ValueError):
        params, signature = [], "(...)"
    line = end = 0
    try:
        lines, line = inspect.getsourcelines(fn)
        end = line + len(lines) - 1
    except (OSError, TypeError):
        code = getattr(fn, "__code__", None)
        line = end = code.co_firstlineno if code else 0
    return {"name": getattr(fn, "__name__", "?"), "doc": inspect.getdoc(fn) or "", "line": line, "end_line": end,
            "signature": signature, "params": params}


def describe(module):
    """The module's own functions (not those it imports), in the order of the file."""
    found = [value for value in vars(module).values()
             if inspect.isfunction(value) and value.__module__ == module.__name__]
    found.sort(key=lambda f: f.__code__.co_firstlineno)
    return json.dumps([describe_function(f) for f in found])


def parse_params(text):
    """--param values: a Python literal when one parses (2.5, -1, 'abc', [1, 2], True), else the
    string itself; values a job file gives as JSON numbers, lists, ... stay what they are."""
    params = {}
    for key, value in json.loads(text).items():
        if isinstance(value, str):
            try:
                value = ast.literal_eval(value)
            except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
                pass
        params[key] = value
    return params


def check(module, display, name, with_input, params):
    """Finds the function and checks it can take (a, B, **params), or (a, **params) without an
    input. Returns (function, None) or (None, (kind, message))."""
    fn = getattr(module, name, None)
    own = [f["name"] for f in json.loads(describe(module))]
    if fn is None:
        return None, ("function", "%s: no function %r (functions: %s)"
                      % (display, name, ", ".join(own) if own else "none"))
    if not callable(fn):
        return None, ("function", "%s: %r is not callable (a %s)" % (display, name, type(fn).__name__))
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return fn, None  # a builtin without a signature: its calls will tell
    positional = (0, None) if with_input else (0,)
    wanted = "(a, B)" if with_input else "(a) (no --input)"
    try:
        signature.bind(*positional, **params)
        return fn, None
    except TypeError:
        pass
    try:
        bound = signature.bind_partial(*positional)
    except TypeError:
        return None, ("signature", "%s: %s%s cannot be called as %s%s" % (
            display, name, signature, name, wanted))
    accepted = signature.parameters
    var_keyword = any(p.kind == p.VAR_KEYWORD for p in accepted.values())
    for key in params:
        p = accepted.get(key)
        if key in bound.arguments or (p is not None and p.kind == p.POSITIONAL_ONLY) \
                or (p is None and not var_keyword) or (p is not None and p.kind == p.VAR_POSITIONAL):
            names = [q.name for q in accepted.values() if q.name not in bound.arguments
                     and q.kind in (q.POSITIONAL_OR_KEYWORD, q.KEYWORD_ONLY)]
            return None, ("param", "%s: %s%s takes no parameter %r (its keyword parameters: %s)" % (
                display, name, signature, key, ", ".join(names) if names else "none"))
    missing = [q.name for q in accepted.values() if q.name not in bound.arguments and q.name not in params
               and q.default is q.empty and q.kind in (q.POSITIONAL_OR_KEYWORD, q.KEYWORD_ONLY)]
    if not with_input and missing and accepted[missing[0]].kind == inspect.Parameter.POSITIONAL_OR_KEYWORD \
            and list(accepted).index(missing[0]) == 1:
        return None, ("signature", "%s: %s%s takes an input array as %r: give --input (without one it is "
                      "called as %s(a))" % (display, name, signature, missing[0], name))
    if missing:
        return None, ("param", "%s: %s%s needs --param %s=VALUE" % (display, name, signature, missing[0]))
    return None, ("signature", "%s: %s%s cannot be called as %s%s" % (display, name, signature, name, wanted))


def make_input(memory, dtype, shape, fortran):
    """B: a read-only ndarray over the shared mapping (no copy): writing into it raises ValueError."""
    shape = tuple(shape)
    if memory is None:  # an empty array: nothing mapped to view
        empty = np.empty(shape, dtype=dtype, order="F" if fortran else "C")
        empty.flags.writeable = False
        return empty
    flat = np.frombuffer(memory, dtype=dtype)
    return flat.reshape(shape, order="F" if fortran else "C")


def convert(result):
    """A result that is neither a float nor an int: a float, or a float64 C-order array."""
    if result is None:
        raise Refused("returned None, not a number or an array")
    if isinstance(result, (str, bytes, bytearray, np.str_, np.bytes_)):
        text = repr(result)
        raise Refused("returned a string (%s), not a number" % (text if len(text) <= 40 else text[:37] + "..."))
    if isinstance(result, (np.bool_, np.integer, np.floating)):
        return float(result)
    if isinstance(result, (complex, np.complexfloating)):
        raise Refused("returned a complex number (%r), not a real one" % (result,))
    if isinstance(result, numbers.Real):
        return float(result)
    try:
        array = np.asarray(result)
    except Exception as e:
        raise Refused("returned a %s that is not an array of numbers (%s)" % (type(result).__name__, e))
    if array.dtype.kind not in "biuf":
        if array.dtype.kind == "O" and array.ndim == 0:
            raise Refused("returned a %s, not a number or an array" % type(result).__name__)
        raise Refused("returned an array of %s, not of numbers" % array.dtype)
    return np.ascontiguousarray(array, dtype=np.float64)


def exception_reason(e):
    """`Type: message (file:line)` of the innermost frame, and the whole traceback."""
    tb = e.__traceback__
    where = ""
    if tb is not None:
        while tb.tb_next is not None:
            tb = tb.tb_next
        where = " (%s:%d)" % (os.path.basename(tb.tb_frame.f_code.co_filename), tb.tb_lineno)
    message = str(e)
    reason = "%s: %s%s" % (type(e).__name__, message, where) if message else "%s%s" % (type(e).__name__, where)
    text = "".join(traceback.format_exception(type(e), e, e.__traceback__))
    return reason, text


def bootstrap():
    # The worker talks to its pool on a descriptor of its own: fd 1 and 2 both reach the log.
    # Never write bytecode next to the user's file (four workers, one folder, maybe read-only).
    sys.dont_write_bytecode = True
    sys.argv = [""]


def describe_json(fn):
    return json.dumps(describe_function(fn))
