#!/usr/bin/python3
"""Writes the seed corpus of fuzz_npyheader: tests/fuzz/corpus/npyheader/.

Valid headers are written by NumPy itself (each format version, dtype, byte order and memory
order, 0-d to 32-d shapes), each followed by at most a few data bytes (a handful carry all their
data, so the whole-file checks run too); the malformed ones are made by hand.

    /usr/bin/python3 tests/fuzz/make_corpus.py [OUTPUT_DIR]

The committed corpus came from NumPy 1.24 (Debian 12); re-running it rewrites the same files.
"""
import io
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MAGIC = b"\x93NUMPY"


def npy(arr, version):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, version=version, allow_pickle=False)
    return buf.getvalue()


def npy_header(d):
    """A header NumPy writes for the array described by `d`, without any data."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, d)
    return buf.getvalue()


def header_only(blob, data_bytes=8):
    """The header and at most `data_bytes` bytes of the data after it."""
    major = blob[6]
    if major == 1:
        offset = 10 + struct.unpack("<H", blob[8:10])[0]
    else:
        offset = 12 + struct.unpack("<I", blob[8:12])[0]
    return blob[:offset + data_bytes]


def raw(dict_text, version=1, length=None):
    """A hand-made header: magic, version, length (the dict's unless given), dict."""
    if isinstance(dict_text, str):
        dict_text = dict_text.encode("latin-1")
    n = len(dict_text) if length is None else length
    if version == 1:
        return MAGIC + bytes([1, 0]) + struct.pack("<H", n) + dict_text
    return MAGIC + bytes([version, 0]) + struct.pack("<I", n) + dict_text


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "corpus", "npyheader")
    os.makedirs(out, exist_ok=True)
    files = {}

    # Every supported dtype, little- and big-endian, version 1.0.
    for code in ["?", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "f4", "f8"]:
        for order in ["<", ">"] if code not in ("?", "i1", "u1") else ["|"]:
            dt = np.dtype(code).newbyteorder(order) if order != "|" else np.dtype(code)
            name = "valid-v1-%s%s" % ({"<": "le-", ">": "be-", "|": ""}[order], dt.name)
            files[name] = header_only(npy((np.arange(6) % 2).astype(dt).reshape(2, 3), (1, 0)))

    # Versions 2.0 and 3.0, Fortran order, 0-d, empty, 1-d and 32-d shapes.
    files["valid-v2-f8-2d"] = header_only(npy(np.zeros((3, 4)), (2, 0)))
    files["valid-v3-i4-1d"] = header_only(npy(np.zeros((5,), dtype="<i4"), (3, 0)))
    files["valid-v1-fortran-f4"] = header_only(npy(np.asfortranarray(np.zeros((3, 4), dtype="<f4")), (1, 0)))
    files["valid-v2-fortran-be-i8"] = header_only(npy(np.asfortranarray(np.zeros((2, 3, 4), dtype=">i8")), (2, 0)))
    files["valid-v1-0d"] = npy(np.float64(1.5), (1, 0))  # whole file
    files["valid-v1-empty"] = npy(np.zeros((0, 3)), (1, 0))  # whole file, no data
    files["valid-v1-1d-whole"] = npy(np.arange(3, dtype="<i2"), (1, 0))
    files["valid-v1-bool-whole"] = npy(np.array([True, False, True]), (1, 0))
    files["valid-v1-32d"] = header_only(npy(np.zeros((1,) * 32, dtype="u1"), (1, 0)))
    files["valid-v1-large-shape"] = npy_header({"descr": "<f8", "fortran_order": False, "shape": (1 << 20, 1 << 20)})

    # Refused dtypes NumPy writes (complex, strings, object/pickle, structured, float16, datetime).
    files["refused-complex"] = header_only(npy(np.zeros(2, dtype="c16"), (1, 0)))
    files["refused-bytes"] = header_only(npy(np.array([b"ab"]), (1, 0)))
    files["refused-unicode"] = header_only(npy(np.array(["ab"]), (1, 0)))
    files["refused-structured"] = header_only(npy(np.zeros(2, dtype=[("a", "<i4"), ("b", "<f8")]), (1, 0)))
    files["refused-float16"] = header_only(npy(np.zeros(2, dtype="<f2"), (1, 0)))
    files["refused-datetime"] = header_only(npy(np.zeros(2, dtype="M8[s]"), (1, 0)))
    files["refused-object"] = raw("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }\n")

    # Malformed by hand.
    ok = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }"
    files["bad-magic"] = b"\x93NUMPX" + raw(ok)[6:]
    files["bad-version"] = MAGIC + bytes([4, 0]) + raw(ok)[8:]
    files["bad-minor"] = MAGIC + bytes([1, 1]) + raw(ok)[8:]
    files["truncated-preamble"] = MAGIC + bytes([2, 0, 10])
    files["length-past-end"] = raw(ok, length=len(ok) + 40)
    files["length-huge-v2"] = raw(ok, version=2, length=0xFFFFFFF0)
    files["not-a-dict"] = raw("['descr', '<f8']")
    files["missing-key"] = raw("{'descr': '<f8', 'shape': (3,), }")
    files["repeated-key"] = raw("{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (3,), }")
    files["extra-key"] = raw("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), 'x': 1, }")
    files["text-after-dict"] = raw(ok + " {}")
    files["shape-not-tuple"] = raw("{'descr': '<f8', 'fortran_order': False, 'shape': (3), }")
    files["shape-negative"] = raw("{'descr': '<f8', 'fortran_order': False, 'shape': (-3, 4), }")
    files["shape-overflow"] = raw("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }")
    files["shape-too-big-int"] = raw("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }")
    files["shape-33d"] = raw("{'descr': '|u1', 'fortran_order': False, 'shape': (%s), }" % ", ".join(["1"] * 33))
    files["shape-python2-long"] = raw("{'descr': '<f8', 'fortran_order': False, 'shape': (3L, 4L), }")
    files["order-not-bool"] = raw("{'descr': '<f8', 'fortran_order': 0, 'shape': (3,), }")
    files["descr-escape"] = raw("{'descr': '<f\\x38', 'fortran_order': False, 'shape': (3,), }")
    files["descr-no-order"] = raw("{'descr': '|f8', 'fortran_order': False, 'shape': (3,), }")
    files["descr-bad-size"] = raw("{'descr': '<i3', 'fortran_order': False, 'shape': (3,), }")
    files["double-quotes"] = raw('{"descr": "<u2", "fortran_order": True, "shape": (2, 2)}\n')
    files["nul-byte"] = raw("{'descr': '<f8',\0 'fortran_order': False, 'shape': (3,), }")
    files["non-ascii"] = raw("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), } \xe9")
    files["unterminated-string"] = raw("{'descr': '<f8")
    files["empty-dict"] = raw("{}")

    for name, blob in sorted(files.items()):
        with open(os.path.join(out, name), "wb") as f:
            f.write(blob)
    print("%d files in %s" % (len(files), out))


if __name__ == "__main__":
    main()
