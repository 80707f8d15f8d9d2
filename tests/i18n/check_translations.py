#!/usr/bin/python3
"""Translation check: every user-visible text of core/ and ui/ is in the committed catalogues and
translated.

Run by ctest as
    /usr/bin/python3 tests/i18n/check_translations.py --source-dir . --lupdate PATH --workdir DIR

For each resources/translations/*.ts it runs scripts/update-translations (lupdate over core/ and
ui/, the same command a developer runs) on a copy, and fails, listing the texts, when
  - the sources have texts the committed catalogue lacks, or it keeps texts the sources dropped
    (the committed .ts is out of date), or
  - an entry is unfinished or empty, or
  - a translation loses or invents a placeholder (%1..%99, %n) or the source's accelerator (&X).
Line numbers are not compared (the catalogues carry none), so moving code never fails the check.
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

HOW_TO_FIX = """
How to fix: run
    scripts/update-translations
then translate every entry marked type="unfinished" in the catalogue above (with
`/usr/lib/qt6/bin/linguist FILE.ts`, or in an editor: write the <translation> text and remove
type="unfinished"; keep %1, %n and the &-accelerator letter), and commit the .ts file."""


def messages(path):
    """{(context, source, comment): (translation texts, unfinished, numerus)} of a .ts file."""
    result = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            key = (name, message.findtext("source"), message.findtext("comment") or "")
            translation = message.find("translation")
            forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
            unfinished = translation.get("type") in ("unfinished", "vanished", "obsolete")
            result[key] = (forms, unfinished, message.get("numerus") == "yes")
    return result


def placeholders(text):
    return sorted(set(re.findall(r"%(?:\d{1,2}|n)", text)))


def accelerator(text):
    match = re.search(r"&([^&\s])", text.replace("&&", ""))
    return match.group(1).lower() if match else None


def describe(key):
    context, source, comment = key
    return "  [%s] %r%s" % (context, source, " (%s)" % comment if comment else "")


def check_catalogue(committed, args):
    name = os.path.basename(committed)
    updated = os.path.join(args.workdir, name)
    shutil.copyfile(committed, updated)
    env = dict(os.environ, LUPDATE=args.lupdate)
    result = subprocess.run([os.path.join(args.source_dir, "scripts", "update-translations"), updated],
                            capture_output=True, text=True, env=env)
    if result.returncode != 0:
        return ["scripts/update-translations failed:\n" + result.stdout + result.stderr]
    before, after = messages(committed), messages(updated)
    if len(after) < 50:  # lupdate found nothing: a broken run must not pass as "all translated"
        return ["lupdate found only %d texts in core/ and ui/" % len(after)]
    problems = []
    new = [k for k in after if k not in before]
    gone = [k for k in before if k not in after]
    if new:
        problems.append("%s is out of date: %d text(s) in the sources are not in it:\n%s"
                        % (name, len(new), "\n".join(map(describe, new))))
    if gone:
        problems.append("%s is out of date: %d text(s) are no longer in the sources:\n%s"
                        % (name, len(gone), "\n".join(map(describe, gone))))
    unfinished = [k for k, (forms, flag, _) in after.items() if k not in new and (flag or not all(f.strip() for f in forms))]
    if unfinished:
        problems.append("%s: %d untranslated or unfinished entr(ies):\n%s"
                        % (name, len(unfinished), "\n".join(map(describe, unfinished))))
    wrong = []
    for key, (forms, flag, numerus) in after.items():
        if key in new or key in unfinished:
            continue
        source = key[1]
        for form in forms:
            if placeholders(form) != placeholders(source):
                wrong.append("%s -> %r: placeholders %s, expected %s"
                             % (describe(key), form, placeholders(form), placeholders(source)))
            if accelerator(source) and accelerator(form) != accelerator(source):
                wrong.append("%s -> %r: accelerator &%s missing" % (describe(key), form, accelerator(source).upper()))
    if wrong:
        problems.append("%s: %d translation(s) do not keep placeholders or accelerators:\n%s"
                        % (name, len(wrong), "\n".join(wrong)))
    print("%s: %d texts checked" % (name, len(after)))
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--lupdate", required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()
    args.source_dir = os.path.abspath(args.source_dir)
    shutil.rmtree(args.workdir, ignore_errors=True)
    os.makedirs(args.workdir)
    catalogues = sorted(glob.glob(os.path.join(args.source_dir, "resources", "translations", "*.ts")))
    problems = [] if catalogues else ["no catalogue in resources/translations"]
    for committed in catalogues:
        problems += check_catalogue(committed, args)
    if problems:
        print("\n\n".join(problems))
        print(HOW_TO_FIX)
        return 1
    print("every text of core/ and ui/ is translated in %d catalogue(s)" % len(catalogues))
    return 0


if __name__ == "__main__":
    sys.exit(main())
