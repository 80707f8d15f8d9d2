#!/usr/bin/env python3
"""Fails when a C++ source differs from what clang-format makes of it (the committed .clang-format)."""
import pathlib
import shutil
import subprocess
import sys

ROOT = pathlib.Path(sys.argv[1]).resolve()
clang_format = shutil.which("clang-format") or shutil.which("clang-format-14")
if not clang_format:
    print("clang-format not found (scripts/setup.sh installs it)")
    sys.exit(1)
sources = [p for top in ("core", "ui", "app", "tests") for p in sorted((ROOT / top).rglob("*"))
           if p.suffix in (".h", ".cpp") and "fixture" not in p.parts]
result = subprocess.run([clang_format, "--dry-run", "--Werror", *map(str, sources)], capture_output=True, text=True)
unformatted = sorted({line.split(":", 1)[0] for line in result.stderr.splitlines() if ": error:" in line})
for path in unformatted:
    print(f"{pathlib.Path(path).relative_to(ROOT)}: not clang-formatted (run: clang-format -i {path})")
print(f"format: {len(sources)} sources, {len(unformatted)} not formatted")
sys.exit(1 if unformatted or result.returncode not in (0, 1) else 0)
