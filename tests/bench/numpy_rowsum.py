#!/usr/bin/python3
"""Times NumPy's B.sum(axis=1) over a SharedMap array segment: the same physical memory the
engine and the C++ baseline loops read (bench_engine runs this helper in the same run).

The segment is System V shared memory made by Qt's QSharedMemory with the native key
/tmp/qipc_sharedmemory_<name>; the SysV key is ftok(that file, 'Q'). The helper attaches it
read-only with ctypes (shmget + shmat), wraps the data with np.frombuffer (no copy) and times

  cold  the first B.sum(axis=1) in this fresh process and mapping (every page faults once,
        as in a freshly started worker)
  warm  the second pass over the same mapping

It prints one JSON object: cold_s, warm_s, checksum (sum of the row sums, as float64),
numpy version. With --npy FILE instead of --segment it times an np.load()ed copy (fallback).

Usage (Debian's interpreter, which has numpy):
  /usr/bin/python3 numpy_rowsum.py --segment NAME --offset BYTES --dtype float64 --shape 10000x10000
"""

import argparse
import ctypes
import ctypes.util
import json
import sys
import time

import numpy as np

SHM_RDONLY = 0o10000


def attach(name, total):
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.ftok.argtypes = [ctypes.c_char_p, ctypes.c_int]
    libc.ftok.restype = ctypes.c_int
    libc.shmget.argtypes = [ctypes.c_int, ctypes.c_size_t, ctypes.c_int]
    libc.shmget.restype = ctypes.c_int
    libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
    libc.shmat.restype = ctypes.c_void_p
    libc.shmdt.argtypes = [ctypes.c_void_p]
    libc.shmdt.restype = ctypes.c_int
    key = libc.ftok(("/tmp/qipc_sharedmemory_" + name).encode(), ord("Q"))
    if key == -1:
        raise OSError(ctypes.get_errno(), "ftok failed for segment %s" % name)
    ident = libc.shmget(key, 0, 0)
    if ident == -1:
        raise OSError(ctypes.get_errno(), "shmget failed for segment %s" % name)
    addr = libc.shmat(ident, None, SHM_RDONLY)
    if addr is None or addr == ctypes.c_void_p(-1).value:
        raise OSError(ctypes.get_errno(), "shmat failed for segment %s" % name)
    buf = (ctypes.c_char * total).from_address(addr)
    return libc, addr, buf


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--segment", help="SharedMap array segment name")
    src.add_argument("--npy", help="fallback: time an np.load()ed copy of this file")
    ap.add_argument("--offset", type=int, default=0, help="data offset in the segment (bytes)")
    ap.add_argument("--dtype", default="float64")
    ap.add_argument("--shape", help="ROWSxCOLS (with --segment)")
    args = ap.parse_args(argv)

    libc = addr = None
    if args.segment:
        if not args.shape:
            ap.error("--segment needs --shape")
        shape = tuple(int(s) for s in args.shape.lower().split("x"))
        dtype = np.dtype(args.dtype)
        count = int(np.prod(shape))
        libc, addr, buf = attach(args.segment, args.offset + count * dtype.itemsize)
        B = np.frombuffer(buf, dtype=dtype, count=count, offset=args.offset).reshape(shape)
        source = "segment"
    else:
        B = np.load(args.npy)
        source = "np.load"
    B = B.reshape(B.shape[0], -1)

    t0 = time.perf_counter()
    s = B.sum(axis=1)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    s2 = B.sum(axis=1)
    warm = time.perf_counter() - t0
    out = {"cold_s": cold, "warm_s": warm, "checksum": float(np.sum(s, dtype=np.float64)),
           "consistent": bool(np.array_equal(s, s2)), "numpy": np.__version__, "source": source,
           "sum_dtype": str(s.dtype)}
    del B, s, s2
    if libc is not None:
        libc.shmdt(ctypes.c_void_p(addr))
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
