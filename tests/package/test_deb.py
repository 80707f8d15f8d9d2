#!/usr/bin/python3
"""The .deb test: build the package with CPack, check its metadata and contents, extract it into a
fresh prefix (dpkg-deb -x, no root, nothing installed system-wide) and run the extracted programs.

Run by ctest as
    /usr/bin/python3 tests/package/test_deb.py --build-dir build --version X.Y.Z --workdir DIR

Checks:
  - `cpack -G DEB` makes exactly one sharedmap_<version>-1_<arch>.deb;
  - `dpkg-deb -I`: Package, Version, Maintainer, Section, Description, and Depends computed by
    dpkg-shlibdeps (Qt 6 Core/Gui/Widgets and QCustomPlot for Qt 6) plus the platform plugins;
  - `apt-get install --simulate` of the file resolves (nothing is installed);
  - the contents: both programs in usr/bin, the worker in usr/libexec/sharedmap, the .desktop
    file, AppStream metainfo, the SVG icon and every PNG size; nothing else under usr/bin;
  - no RPATH/RUNPATH in any program, and ldd resolves every library outside the build tree;
  - the extracted sharedmap-cli: --version, `generate`, then `run` with 2 workers, whose results
    NumPy checks; the same run fails cleanly when the extracted worker is taken away (so the run
    used the extracted worker, found relative to usr/bin, and nothing from the build tree);
  - the extracted window: `sharedmap --version` on the offscreen platform, and `--help` in
    Chinese under LANG=zh_CN.UTF-8 (the catalogue embedded in the program), English under C.UTF-8;
  - the man pages (usr/share/man/man1/sharedmap.1.gz, sharedmap-cli.1.gz): gzip -9n (no name, no
    time stamp), rendered by `man -l --warnings` (man-db, groff) without a warning, naming the
    version, every option of the extracted programs' --help and, for sharedmap-cli, every option of
    every command's --help, with their EXAMPLES;
  - usr/share/doc/sharedmap/changelog.Debian.gz: gzip -9n, and dpkg-parsechangelog reads this
    package's name, version and maintainer from it.
Exits 0 only when every check passes.
"""

import argparse
import glob
import gzip
import os
import re
import shutil
import subprocess
import sys

import xml.etree.ElementTree as ET

import numpy as np

CATALOGUE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "resources", "translations",
                         "sharedmap_zh_CN.ts")

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)
    return condition


def run(cmd, env=None, cwd=None, timeout=600):
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--version", required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    build_dir = os.path.abspath(args.build_dir)
    workdir = os.path.abspath(args.workdir)
    shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(workdir)

    # 1. Build the package (CPack installs the build tree into its own staging folder).
    packages = os.path.join(workdir, "packages")
    result = run(["cpack", "-G", "DEB", "--config", os.path.join(build_dir, "CPackConfig.cmake"), "-B", packages],
                 cwd=workdir)
    if not check(result.returncode == 0, "cpack -G DEB failed:\n" + result.stdout + result.stderr):
        return
    debs = glob.glob(os.path.join(packages, "*.deb"))
    if not check(len(debs) == 1, "expected one .deb, found %s" % debs):
        return
    deb = debs[0]
    check(re.fullmatch(r"sharedmap_%s-1_[a-z0-9]+\.deb" % re.escape(args.version), os.path.basename(deb)) is not None,
          "unexpected package file name %s" % os.path.basename(deb))

    # 2. Metadata.
    info = run(["dpkg-deb", "-f", deb]).stdout
    fields = dict(re.findall(r"^([A-Za-z-]+): (.*)$", info, re.M))
    print(info)
    check(fields.get("Package") == "sharedmap", "Package is %r" % fields.get("Package"))
    check(fields.get("Version") == args.version + "-1", "Version is %r" % fields.get("Version"))
    check(fields.get("Section") == "science", "Section is %r" % fields.get("Section"))
    check("@" in fields.get("Maintainer", ""), "Maintainer missing: %r" % fields.get("Maintainer"))
    check("shared memory" in fields.get("Description", ""), "Description missing")
    depends = [d.strip().split(" ")[0] for d in fields.get("Depends", "").split(",")]
    for needed in ["libqt6core6", "libqt6gui6", "libqt6widgets6", "libqcustomplot2.1-qt6", "qt6-qpa-plugins", "libc6"]:
        check(needed in depends, "Depends lacks %s: %s" % (needed, fields.get("Depends")))
    check("qt6-translations-l10n" in fields.get("Recommends", ""), "Recommends lacks qt6-translations-l10n")

    # apt resolves the dependencies against the system (a simulation: nothing is installed).
    result = run(["apt-get", "install", "--simulate", "--no-install-recommends", deb])
    resolved = re.search(r"^Inst sharedmap |sharedmap is already the newest version", result.stdout, re.M)
    check(result.returncode == 0 and resolved is not None,
          "apt-get install --simulate ./%s failed:\n%s%s" % (os.path.basename(deb), result.stdout, result.stderr))

    # 3. Contents.
    listing = run(["dpkg-deb", "-c", deb]).stdout
    paths = set(re.findall(r"\./(\S+)$", listing, re.M))
    expected = ["usr/bin/sharedmap", "usr/bin/sharedmap-cli", "usr/libexec/sharedmap/sharedmap-worker",
                "usr/share/applications/org.sharedmap.SharedMap.desktop",
                "usr/share/metainfo/org.sharedmap.SharedMap.metainfo.xml",
                "usr/share/icons/hicolor/scalable/apps/org.sharedmap.SharedMap.svg"]
    expected += ["usr/share/icons/hicolor/%dx%d/apps/org.sharedmap.SharedMap.png" % (s, s)
                 for s in (16, 22, 24, 32, 48, 64, 128, 256)]
    expected += MAN_PAGES + [CHANGELOG]
    for path in expected:
        check(path in paths, "package lacks %s" % path)
    in_bin = sorted(p for p in paths if p.startswith("usr/bin/") and not p.endswith("/"))
    check(in_bin == ["usr/bin/sharedmap", "usr/bin/sharedmap-cli"], "usr/bin holds %s" % in_bin)

    # 4. Extract into a fresh prefix, as an unprivileged user would.
    root = os.path.join(workdir, "root")
    result = run(["dpkg-deb", "-x", deb, root])
    if not check(result.returncode == 0, "dpkg-deb -x failed: " + result.stderr):
        return
    programs = [os.path.join(root, p) for p in ("usr/bin/sharedmap", "usr/bin/sharedmap-cli",
                                                 "usr/libexec/sharedmap/sharedmap-worker")]
    for program in programs:
        dynamic = run(["readelf", "-d", program]).stdout
        check("RPATH" not in dynamic and "RUNPATH" not in dynamic,
              "%s has an RPATH/RUNPATH:\n%s" % (program, dynamic))
        ldd = run(["ldd", program]).stdout
        check("not found" not in ldd, "%s: unresolved libraries:\n%s" % (program, ldd))
        check(build_dir not in ldd, "%s loads libraries from the build tree:\n%s" % (program, ldd))

    # 5. Run the extracted CLI: the worker must be the extracted one, found relative to usr/bin.
    env = dict(os.environ)
    env["PATH"] = "/usr/bin:/bin"  # nothing of the build tree on PATH
    env.pop("LD_LIBRARY_PATH", None)
    cli = os.path.join(root, "usr/bin/sharedmap-cli")
    result = run([cli, "--version"], env=env)
    check(result.returncode == 0 and result.stdout.strip() == "sharedmap-cli " + args.version,
          "sharedmap-cli --version: %r %r" % (result.stdout, result.stderr))

    demo = os.path.join(workdir, "demo.npy")
    result = run([cli, "generate", "--shape", "300x40", "--dist", "normal", "--seed", "7", "--output", demo], env=env)
    if not check(result.returncode == 0, "generate failed: " + result.stderr):
        return
    out = os.path.join(workdir, "rows.npy")
    result = run([cli, "run", "--input", demo, "--kernel", "row_std", "--workers", "2", "--indices", "::-3",
                  "--output", out, "--quiet"], env=env, timeout=120)
    if check(result.returncode == 0, "run failed (%d): %s" % (result.returncode, result.stderr)):
        array = np.load(demo)
        check(array.shape == (300, 40) and array.dtype == np.float64, "demo is %s %s" % (array.dtype, array.shape))
        expected_values = array[::-3].std(axis=1)
        got = np.load(out)
        check(got.shape == expected_values.shape and np.allclose(got, expected_values, rtol=1e-12, atol=1e-12),
              "row_std results differ from NumPy's")

    worker = os.path.join(root, "usr/libexec/sharedmap/sharedmap-worker")
    os.rename(worker, worker + ".away")
    result = run([cli, "run", "--input", demo, "--kernel", "row_sum", "--workers", "2", "--quiet"], env=env, timeout=60)
    os.rename(worker + ".away", worker)
    check(result.returncode == 2 and "sharedmap-worker" in result.stderr,  # 2: a bad environment, one line
          "a run without the extracted worker did not fail as it should (%d): %r" % (result.returncode, result.stderr))

    # 6. The extracted window program.
    env_gui = dict(env, QT_QPA_PLATFORM="offscreen")
    result = run([os.path.join(root, "usr/bin/sharedmap"), "--version"], env=env_gui, timeout=60)
    check(result.returncode == 0 and result.stdout.strip() == "SharedMap " + args.version,
          "sharedmap --version: %r %r" % (result.stdout, result.stderr))

    # 7. The window follows the system locale (language setting "system", the default).
    description = "SharedMap: a parallel map over arrays in shared memory."
    chinese = next(m.findtext("translation") for m in ET.parse(CATALOGUE).iter("message")
                   if m.findtext("source") == description)
    for lang, expected in (("zh_CN.UTF-8", chinese), ("C.UTF-8", description)):
        env_locale = dict(env_gui, LANG=lang, XDG_CONFIG_HOME=os.path.join(workdir, "config"))
        for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
            env_locale.pop(name, None)
        result = run([os.path.join(root, "usr/bin/sharedmap"), "--help"], env=env_locale, timeout=60)
        check(result.returncode == 0 and expected in result.stdout,
              "sharedmap --help with LANG=%s does not say %r:\n%s%s" % (lang, expected, result.stdout, result.stderr))

    # 8. The man pages and the changelog.
    check_man_pages(root, env_gui, args.version)
    check_changelog(root, fields.get("Maintainer"), args.version)


MAN_PAGES = ["usr/share/man/man1/sharedmap.1.gz", "usr/share/man/man1/sharedmap-cli.1.gz"]
CHANGELOG = "usr/share/doc/sharedmap/changelog.Debian.gz"
CLI_COMMANDS = ["run", "kernels", "info", "generate", "cleanup"]


def check_gzip_n(path):
    """Debian policy's gzip -9n: no original file name (FLG.FNAME) and no time stamp (MTIME 0)."""
    with open(path, "rb") as f:
        header = f.read(10)
    check(header[:3] == b"\x1f\x8b\x08", "%s is not gzip" % path)
    check(not header[3] & 0x08, "%s stores a file name (not gzip -n)" % path)
    check(header[4:8] == b"\0\0\0\0", "%s stores a time stamp (not gzip -n)" % path)
    check(header[8] == 2, "%s is not compressed with -9 (XFL %d)" % (path, header[8]))


def help_options(program, arguments, env):
    """The long options a --help lists (e.g. ['--job', '--kernel', ...])."""
    result = run([program] + arguments + ["--help"], env=env, timeout=60)
    check(result.returncode == 0, "%s %s --help failed: %r" % (program, " ".join(arguments), result.stderr))
    return sorted(set(re.findall(r"^ +(?:-\w, )?(--[\w-]+)", result.stdout, re.M)))


def check_man_pages(root, env, version):
    """Each page renders without a warning and documents what its program's --help lists."""
    env_man = dict(env, LC_ALL="C.UTF-8", MANWIDTH="80", MANROFFSEQ="")
    for page in MAN_PAGES:
        path = os.path.join(root, page)
        program = os.path.join(root, "usr/bin", os.path.basename(page)[:-len(".1.gz")])
        check_gzip_n(path)
        # man-db's check, as lintian runs it: groff's warnings (-ww) go to stderr.
        result = run(["man", "--warnings", "-E", "UTF-8", "-l", "-Tutf8", "-Z", path], env=env_man)
        check(result.returncode == 0 and result.stderr == "",
              "man -l %s warns or fails (%d):\n%s" % (page, result.returncode, result.stderr))
        result = run(["man", "-l", path], env=dict(env_man, MANPAGER="cat", PAGER="cat"))
        text = re.sub(r".\x08", "", result.stdout)  # no overstrike bold/underline, if any
        if not check(result.returncode == 0 and text.strip() != "", "man -l %s printed nothing" % page):
            continue
        name = os.path.basename(program)
        check(re.search(r"^NAME\n +%s +- +\S" % re.escape(name), text, re.M) is not None,
              "%s: no NAME line for %s:\n%s" % (page, name, text[:400]))
        check(version in text.splitlines()[-1], "%s: the footer does not name version %s" % (page, version))
        for section in ("SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXAMPLES", "SEE ALSO"):
            check(re.search(r"^%s$" % section, text, re.M) is not None, "%s has no %s section" % (page, section))
        words = set(re.findall(r"--[\w-]+", text))
        missing = [o for o in help_options(program, [], env) if o not in words]
        check(not missing, "%s lacks the options %s" % (page, missing))
        if name == "sharedmap-cli":
            check(re.search(r"^COMMANDS$", text, re.M) is not None, "%s has no COMMANDS section" % page)
            for command in CLI_COMMANDS:
                check(re.search(r"^   sharedmap-cli %s( |$)" % command, text, re.M) is not None,
                      "%s has no subsection for %s" % (page, command))
                missing = [o for o in help_options(program, [command], env) if o not in words]
                check(not missing, "%s lacks the %s options %s" % (page, command, missing))


def check_changelog(root, maintainer, version):
    """The changelog is gzip -9n and dpkg reads this package's version and maintainer from it."""
    path = os.path.join(root, CHANGELOG)
    if not check(os.path.exists(path), "no %s" % CHANGELOG):
        return
    check_gzip_n(path)
    plain = os.path.join(os.path.dirname(root), "changelog.Debian")  # beside the extracted tree
    with gzip.open(path, "rb") as f, open(plain, "wb") as out:
        out.write(f.read())
    result = run(["dpkg-parsechangelog", "-l", plain])
    check(result.returncode == 0 and result.stderr == "",
          "dpkg-parsechangelog %s failed or warned:\n%s" % (CHANGELOG, result.stderr))
    fields = dict(re.findall(r"^([A-Za-z-]+): (.*)$", result.stdout, re.M))
    check(fields.get("Source") == "sharedmap", "changelog source is %r" % fields.get("Source"))
    check(fields.get("Version") == version + "-1", "changelog version is %r" % fields.get("Version"))
    check(fields.get("Maintainer") == maintainer, "changelog maintainer is %r, the package's %r"
          % (fields.get("Maintainer"), maintainer))


if __name__ == "__main__":
    main()
    if failures:
        print("%d check(s) failed" % len(failures))
        sys.exit(1)
    print("all package checks passed")
