#!/usr/bin/env python3
"""Fails when a source includes a layer it may not use (docs/ARCHITECTURE.md, "Layers").

Every quoted include in core/ is qualified by its folder ("shm/jobsegment.h"), so the first path
component names the layer it comes from. Each folder may include only the layers listed for it;
core/ includes no Qt module with a screen; no source stands at the top of core/.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2])

# folder -> the core layers its quoted includes may name (besides local and ui headers for ui/).
CORE_LAYERS = {"base", "shm", "protocol", "kernels", "io", "job", "engine", "worker", "python", "cli", "mpi"}
ALLOWED = {
    "core/base": {"base"},
    "core/shm": {"base", "shm"},
    "core/protocol": {"base", "protocol"},
    "core/kernels": {"base", "shm", "kernels", "sharedmap"},
    "core/io": {"base", "shm", "io"},
    "core/job": {"base", "shm", "kernels", "io", "job"},
    "core/engine": {"base", "shm", "protocol", "kernels", "io", "job", "engine"},
    "core/python": {"base", "python"},
    "core/worker": {"base", "shm", "protocol", "kernels", "python", "worker"},
    "core/cli": {"base", "kernels", "io", "job", "engine", "cli"},
    # sharedmap-mpi's library: the one place that may include <mpi.h> (see MPI_ONLY below).
    "core/mpi": {"base", "kernels", "io", "job", "engine", "mpi", "cli"},
    # The front ends reach the engine through its facades and the job: never shm/ or protocol/.
    "ui": {"base", "kernels", "io", "job", "engine"},
    "app/gui": {"base", "io", "job", "engine"},
    "app/cli": {"cli"},
    "app/worker": {"worker"},
    "app/mpi": {"mpi"},
}
# Only core/mpi may include MPI's header: sharedmap-cli, the window and the workers never link MPI.
MPI_ONLY = "core/mpi"
MPI_HEADER = re.compile(r"#\s*include\s*[<\"]mpi\.h[>\"]")
SCREEN_MODULES = re.compile(r"#\s*include\s*<(QtWidgets|QtGui|QWidget|QImage|QPainter|QColor|QApplication|QGuiApplication)")
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)


def rules_for(path: pathlib.Path):
    rel = path.relative_to(ROOT).as_posix()
    best = None
    for folder in ALLOWED:
        if rel.startswith(folder + "/") and (best is None or len(folder) > len(best)):
            best = folder
    return best


def main() -> int:
    problems = []
    core = ROOT / "core"
    for stray in sorted(core.glob("*.cpp")) + sorted(core.glob("*.h")):
        problems.append(f"{stray.relative_to(ROOT)}: a source at the top of core/ (put it in its layer's folder)")
    for folder in ALLOWED:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix not in (".h", ".cpp") or "sdk" in path.relative_to(ROOT).parts:
                continue
            if rules_for(path) != folder:
                continue
            allowed = ALLOWED[folder]
            text = path.read_text(encoding="utf-8", errors="replace")
            rel = path.relative_to(ROOT)
            if folder.startswith("core/") and SCREEN_MODULES.search(text):
                problems.append(f"{rel}: core/ includes a Qt module with a screen")
            if folder != MPI_ONLY and MPI_HEADER.search(text):
                problems.append(f"{rel}: includes <mpi.h> (only {MPI_ONLY} may use MPI)")
            for match in INCLUDE.finditer(text):
                include = match.group(1)
                layer = include.split("/", 1)[0] if "/" in include else None
                if layer is None:
                    # Unqualified: only for the front ends' own headers and generated files.
                    if folder.startswith("core/") and not include.endswith(".moc"):
                        problems.append(f'{rel}: "{include}" is not qualified by its folder')
                    continue
                if layer in CORE_LAYERS or layer == "sharedmap":
                    if layer not in allowed:
                        problems.append(f'{rel}: includes "{include}" ({folder} may use {", ".join(sorted(allowed))})')
    for problem in problems:
        print(problem)
    print(f"layering: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
