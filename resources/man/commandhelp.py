#!/usr/bin/python3
"""Writes the COMMANDS section of sharedmap-cli's man page (a help2man include file) from each
command's own --help, so that the page lists every command's options as the program knows them.

    commandhelp.py SHAREDMAP_CLI OUTPUT.h2m COMMAND...
"""

import re
import subprocess
import sys


def roff(text):
    """Escapes text for roff: backslashes, hyphens, and a leading dot or quote."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text[:1] in (".", "'") else text


def tag(name, argument):
    """The tag of an option ("--job <JOB.json>": the flag bold, its value italic) or an argument (italic)."""
    if argument:
        return "\\fI%s\\fR" % roff(name)
    flags, _, value = name.partition(" <")
    return "\\fB%s\\fR" % roff(flags) + (" \\fI%s\\fR" % roff(value.rstrip(">")) if value else "")


def section(program, command):
    """The subsection of one command: its synopsis, description and options as tagged paragraphs."""
    lines = subprocess.run([program, command, "--help"], check=True, capture_output=True,
                           text=True).stdout.splitlines()
    usage = re.fullmatch(r"Usage: (.*)", lines[0])
    if usage is None or not usage.group(1).startswith("sharedmap-cli " + command):
        sys.exit("commandhelp.py: unexpected usage line of %s --help: %r" % (command, lines[0]))
    out = ['.SS "%s"' % roff(usage.group(1))]
    entries = []  # [tag, description] of the options and arguments
    block = None  # "Options:" or "Arguments:" once their heading is passed
    for line in lines[1:]:
        if line in ("Options:", "Arguments:"):
            block = line
            continue
        if not line.strip():
            continue
        entry = re.fullmatch(r"  (\S.*?)(?: {2,}(.*))?", line)
        if block is None:
            out.append(roff(line.strip()))
        elif entry:
            entries.append([tag(entry.group(1), block == "Arguments:"), entry.group(2) or ""])
        elif entries and line.startswith("   "):  # the wrapped rest of a description
            entries[-1][1] += " " + line.strip()
        else:
            sys.exit("commandhelp.py: unexpected line in %s --help: %r" % (command, line))
    for name, description in entries:
        out += [".TP", name, roff(description)]
    return "\n".join(out)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    program, output, commands = sys.argv[1], sys.argv[2], sys.argv[3:]
    text = "[COMMANDS]\n" + "\n".join(section(program, command) for command in commands) + "\n"
    with open(output, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
