#!/usr/bin/python3
"""Writes the input files of tst_formats with the real tools: NumPy (np.savetxt, np.savez,
np.savez_compressed, ndarray.tofile) and h5py. Each good file comes with the array NumPy says it
holds, saved as REF.npy beside it (the .npy loader is tested on its own), and a line in
cases.json naming the file, the load options and the reference.

Usage: /usr/bin/python3 make_format_files.py DIR
"""

import csv
import json
import os
import sys

import h5py
import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(8)
cases = {"csv": [], "npz": [], "hdf5": [], "raw": [], "bad": [], "headers": []}


def path(name):
    return os.path.join(out, name)


def ref(tag, array):
    name = "".join(c if c.isalnum() else "_" for c in tag) + ".ref.npy"
    np.save(path(name), array)  # Fortran order and byte order kept; the .npy loader makes both native
    return name


def case(kind, name, options, array, tag=None):
    cases[kind].append({"tag": tag or name, "file": name, "options": options, "ref": ref(tag or name, array)})


# --- text tables -------------------------------------------------------------------------------
table = rng.normal(size=(23, 5)) * 1000
np.savetxt(path("plain.csv"), table, delimiter=",")
case("csv", "plain.csv", {}, table)
np.savetxt(path("header.csv"), table, delimiter=",", header="a,b,c,d,e", comments="")
case("csv", "header.csv", {}, table)
np.savetxt(path("comment.csv"), table, delimiter=",", header="written by np.savetxt")  # '# ' header
case("csv", "comment.csv", {}, table)
np.savetxt(path("spaces.txt"), table)  # the default: ' ' and %.18e
case("csv", "spaces.txt", {}, table)
np.savetxt(path("tabs.tsv"), table, delimiter="\t", header="a\tb\tc\td\te", comments="")
case("csv", "tabs.tsv", {}, table)
np.savetxt(path("semicolon.csv"), table, delimiter=";", fmt="%.6f")
case("csv", "semicolon.csv", {}, np.loadtxt(path("semicolon.csv"), delimiter=";"))
np.savetxt(path("columns.csv"), table, delimiter=",", header="a,b,c,d,e", comments="")
case("csv", "columns.csv", {"columns": [4, 0, 2]}, np.ascontiguousarray(table[:, [4, 0, 2]]))
ints = rng.integers(-30000, 30000, size=(17, 3))
np.savetxt(path("ints.csv"), ints, delimiter=",", fmt="%d")
case("csv", "ints.csv", {"dtype": "int16"}, ints.astype(np.int16))
np.savetxt(path("intsasfloat.csv"), ints, delimiter=",")  # "1.000e+03" style integers
case("csv", "intsasfloat.csv", {"dtype": "int32"}, ints.astype(np.int32), tag="intsasfloat")
small = rng.random((9, 4)).astype(np.float32)
np.savetxt(path("float32.csv"), small, delimiter=",")
case("csv", "float32.csv", {"dtype": "float32"}, small)
withnan = table[:6].copy()
withnan[1, 2] = np.nan
withnan[3, 0] = np.inf
withnan[4, 4] = -np.inf
np.savetxt(path("nan.csv"), withnan, delimiter=",")
case("csv", "nan.csv", {}, withnan)
with open(path("empty-fields.csv"), "w") as f:
    f.write("x,y,z\r\n1.5,,3\r\n,NaN,-2e-3\r\n")  # Windows line ends, empty and NaN fields
case("csv", "empty-fields.csv", {}, np.array([[1.5, np.nan, 3], [np.nan, np.nan, -2e-3]]))
np.savetxt(path("header2.csv"), table[:4], delimiter=",", header="title\na,b,c,d,e", comments="")
case("csv", "header2.csv", {"header_rows": 2}, table[:4])
np.savetxt(path("pipe.csv"), table[:5], delimiter="|")
case("csv", "pipe.csv", {"delimiter": "|"}, table[:5])
np.savetxt(path("onecolumn.csv"), table[:, 0])
case("csv", "onecolumn.csv", {}, table[:, :1])


# Quoted fields (RFC 4180) as Python's csv module writes them: header names holding the
# delimiter and quotes, every field quoted, quoted empty fields; and np.savetxt quoting numbers.
def write_csv(name, rows, **dialect):
    with open(path(name), "w", newline="") as f:
        csv.writer(f, **dialect).writerows(rows)


def quoted_case(name, names, array, options=None, reference=None, **dialect):
    write_csv(name, [names] + [[float(v) for v in row] for row in array], **dialect)
    case("csv", name, options or {}, array if reference is None else reference)
    cases["headers"].append({"file": name, "names": names})


names = ["mass, kg", 'say "hi"', "plain", "a,b;c", ""]
quoted_case("quoted-all.csv", names, table, quoting=csv.QUOTE_ALL)
quoted_case("quoted-nonnumeric.csv", names, table, quoting=csv.QUOTE_NONNUMERIC)
quoted_case("quoted-minimal.csv", names, table, quoting=csv.QUOTE_MINIMAL)
quoted_case("quoted-semicolon.csv", ["x;y", "z"], table[:, :2], delimiter=";", quoting=csv.QUOTE_MINIMAL)
quoted_case("quoted-tabs.tsv", ["left\tright", 'the "b" one'], table[:, :2], dialect="excel-tab", quoting=csv.QUOTE_ALL)
quoted_case("quoted-spaces.txt", ["x y", "z"], table[:, :2], delimiter=" ", quoting=csv.QUOTE_NONNUMERIC)
quoted_case("quoted-columns.csv", names, table, {"columns": [3, 0]}, np.ascontiguousarray(table[:, [3, 0]]),
            quoting=csv.QUOTE_ALL)
np.savetxt(path("quoted-savetxt.csv"), table, delimiter=",", fmt='"%.18e"', header='"a,b",c,d,e,f', comments="")
case("csv", "quoted-savetxt.csv", {}, table)
cases["headers"].append({"file": "quoted-savetxt.csv", "names": ["a,b", "c", "d", "e", "f"]})
write_csv("quoted-empty.csv", [["p", "q"], [1.5, None], [None, -2.0]], quoting=csv.QUOTE_ALL)  # None -> ""
case("csv", "quoted-empty.csv", {}, np.array([[1.5, np.nan], [np.nan, -2.0]]))

# --- .npz ---------------------------------------------------------------------------------------
arrays = {
    "f8": rng.normal(size=(40, 30)),
    "f4be": rng.normal(size=(11, 7)).astype(">f4"),
    "i2": rng.integers(-300, 300, size=(5, 6, 7)).astype(np.int16),
    "u8": rng.integers(0, 2**63, size=(13,), dtype=np.uint64),
    "b1": rng.random((6, 6)) > 0.5,
    "fortran": np.asfortranarray(rng.normal(size=(9, 4))),
    "scalar": np.array(3.25),
    "empty": np.zeros((0, 4)),
}
np.savez(path("stored.npz"), **arrays)
np.savez_compressed(path("deflated.npz"), **arrays)
big = rng.normal(size=(300, 1000))  # > 1 MiB: several inflate reads
np.savez_compressed(path("big.npz"), big=big)
for archive in ("stored.npz", "deflated.npz"):
    for name, array in arrays.items():
        case("npz", archive, {"dataset": name}, array, tag=archive + ":" + name)
case("npz", "big.npz", {}, big, tag="big.npz")

# --- HDF5 ---------------------------------------------------------------------------------------
with h5py.File(path("data.h5"), "w") as f:
    for code in ("<i1", "<i2", "<i4", "<i8", "<u1", "<u2", "<u4", "<u8", "<f4", "<f8",
                 ">i2", ">i4", ">i8", ">u2", ">u4", ">u8", ">f4", ">f8"):
        info = np.iinfo(code) if code[1] in "iu" else None
        data = (rng.integers(info.min, info.max, size=(12, 5), dtype=np.dtype(code).newbyteorder("="))
                if info else rng.normal(size=(12, 5)) * 1e3).astype(code)
        name = "types/" + ("le_" if code[0] == "<" else "be_") + code[1:]
        f.create_dataset(name, data=data)
        case("hdf5", "data.h5", {"dataset": name}, data.astype(data.dtype.newbyteorder("=")), tag="h5:" + name)
    flags = rng.random((4, 9)) > 0.5
    f.create_dataset("flags", data=flags)
    case("hdf5", "data.h5", {"dataset": "flags"}, flags, tag="h5:flags")
    cube = rng.normal(size=(20, 6, 8))
    f.create_dataset("group/inner/cube", data=cube, chunks=(5, 6, 8), compression="gzip")
    case("hdf5", "data.h5", {"dataset": "group/inner/cube"}, cube, tag="h5:chunked gzip")
    case("hdf5", "data.h5", {"dataset": "/group/inner/cube", "slice": "2:17:3,1:5"}, cube[2:17:3, 1:5], tag="h5:hyperslab")
    case("hdf5", "data.h5", {"dataset": "group/inner/cube", "slice": "-3:,4"}, cube[-3:, 4:5], tag="h5:hyperslab index")
    f.create_dataset("scalar", data=np.float64(2.5))
    case("hdf5", "data.h5", {"dataset": "scalar"}, np.array(2.5), tag="h5:scalar")
    f.create_dataset("text", data=np.array([b"a", b"b"]))
    f.create_dataset("complex", data=np.ones(3, dtype=np.complex128))
    f.create_dataset("half", data=np.ones(3, dtype=np.float16))
with h5py.File(path("single.h5"), "w") as f:
    only = rng.normal(size=(7, 3))
    f.create_dataset("values", data=only)
case("hdf5", "single.h5", {}, only, tag="h5:only dataset")

# --- raw ----------------------------------------------------------------------------------------
for code in ("<f8", ">f8", "<i4", ">u2", "|u1"):
    data = (rng.normal(size=(6, 10)) * 100).astype(code)
    name = "raw_" + code[1:] + ("_be" if code[0] == ">" else "") + ".bin"
    with open(path(name), "wb") as f:
        f.write(b"HEADER" * 4 + b"!!")  # 26 bytes to skip
        f.write(data.tobytes())
    options = {"dtype": data.dtype.name, "shape": [6, 10], "offset": 26}
    if code[0] == ">":
        options["byte_order"] = "big"
    case("raw", name, options, data.astype(data.dtype.newbyteorder("=")))

# --- bad files ---------------------------------------------------------------------------------
def bad(name, options, message):
    cases["bad"].append({"tag": name + " " + json.dumps(options), "file": name, "options": options, "message": message})


def bad_text(name, text, options, message):
    """A bad text file written as is, and the error it must give."""
    with open(path(name), "w") as f:
        f.write(text)
    bad(name, options, message)


bad_text("ragged.csv", "1,2,3\n4,5,6\n7,8\n", {}, "line 3 has 2 values, expected 3 as on line 1")
bad_text("word.csv", "a,b\n1,2\n3,x4\n", {}, "line 3, column 2: 'x4' is not a number")
bad_text("intnan.csv", "1,2\n3,\n", {"dtype": "int32"}, "line 2, column 2: '' is empty")
bad_text("overflow.csv", "1,300\n", {"dtype": "uint8"}, "line 1, column 2: '300' is out of range")
bad_text("fraction.csv", "1,2.5\n", {"dtype": "int64"}, "line 1, column 2: '2.5' is not an integer")
write_csv("thousands.csv", [["a", "b"], [1, "1,234"]])  # quoted, so one field: not a number
bad("thousands.csv", {}, "line 2, column 2: '1,234' is not a number")
write_csv("decimal-comma.csv", [["1,5", "2,5"], ["3,5", "4,5"]], delimiter=";", quoting=csv.QUOTE_ALL)
# ';' is found, not the quoted ','; the first line is no number, so it reads as a header.
bad("decimal-comma.csv", {}, "line 2, column 1: '3,5' is not a number")
write_csv("newline-header.csv", [["a", "two\nlines"], [1, 2]])
bad("newline-header.csv", {}, "line 1, column 2: a quoted field is not closed on its line")
write_csv("newline-data.csv", [["a", "b"], [1, 2], ["3\n", 4]])
bad("newline-data.csv", {}, "line 3, column 1: a quoted field is not closed on its line")
bad_text("unterminated.csv", '1,2\n3,"4\n', {}, "line 2, column 2: a quoted field is not closed on its line")
bad_text("after-quote.csv", '1,2\n3,"4"5\n', {}, "line 2, column 2: text after the closing quote")
bad_text("escaped-quote.csv", '1,"2"""\n', {"header_rows": 0}, "line 1, column 2: '2\"' is not a number")
bad_text("onlyheader.csv", "a,b,c\n", {}, "no data lines")
bad("plain.csv", {"columns": [7]}, "column 7 does not exist")
bad("stored.npz", {}, "pick one with --dataset (")
bad("stored.npz", {"dataset": "nope"}, "no array named 'nope'")
with open(path("stored.npz"), "rb") as f:
    whole = f.read()
with open(path("truncated.npz"), "wb") as f:
    f.write(whole[: len(whole) // 2])
bad("truncated.npz", {"dataset": "f8"}, "truncated.npz")
with open(path("deflated.npz"), "rb") as f:
    whole = bytearray(f.read())
with open(path("notzip.npz"), "wb") as f:
    f.write(b"this is not a zip archive at all")
bad("notzip.npz", {}, "not a readable .npz")
bad("data.h5", {"dataset": "missing/values"}, "no dataset 'missing/values'")
bad("data.h5", {"dataset": "group"}, "'group' is a group, not a dataset")
bad("data.h5", {"dataset": "text"}, "has type string")
bad("data.h5", {"dataset": "complex"}, "has type compound")
bad("data.h5", {"dataset": "half"}, "has type float16")
bad("data.h5", {}, "pick one with --dataset")
bad("data.h5", {"dataset": "flags", "slice": "0:2:0"}, "the step must be positive")
with open(path("data.h5"), "rb") as f:
    whole = f.read()
with open(path("truncated.h5"), "wb") as f:
    f.write(whole[:2048])
bad("truncated.h5", {"dataset": "flags"}, "truncated.h5")
with open(path("nothdf5.h5"), "wb") as f:
    f.write(b"\x89HDF but not really" * 10)
bad("nothdf5.h5", {}, "not an HDF5 file")
bad("raw_f8.bin", {"dtype": "float64", "shape": [6, 11], "offset": 26}, "size mismatch: shape (6, 11) of float64 needs 528 bytes, the file holds 480 bytes after offset 26")
bad("raw_f8.bin", {"dtype": "float64", "shape": [6, 10]}, "the file holds 506 bytes after offset 0")
bad("raw_f8.bin", {"shape": [6, 10]}, "needs --dtype")
bad("raw_f8.bin", {"dtype": "float64"}, "needs --shape")
bad("missing.csv", {}, "no such file")
bad("missing.h5", {}, "no such file")
bad("missing.npz", {}, "no such file")

with open(path("cases.json"), "w") as f:
    json.dump(cases, f, indent=1)
