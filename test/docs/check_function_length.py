#!/usr/bin/python3
"""The gateway's functions are short, or say why not.

    /usr/bin/python3 test/docs/check_function_length.py

Reads every .cpp and .hpp of src/gateway/ and measures each function body
written in the project's style (the opening brace on a line of its own, the
closing one at the same indent).  A body of more than 60 lines must say why
in the comment just above the function, in a sentence beginning "Long
because"; a table of settings is long because it is a table, a request's
steps are not.

Prints each function over the limit with its length, marked "(says why)"
when it does, and last "N passed, M failed" (one check per file).  The exit
status is 1 on a failure.  Standard library only.
"""
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
GATEWAY = os.path.join(ROOT, "src", "gateway")
LIMIT = 60
OPEN = re.compile(r"^(\t*)\{\s*$")
NOT_A_FUNCTION = re.compile(r"^\s*(class|struct|union|enum|namespace|extern)\b")


def signature_start(lines, brace):
    """The first line of the declaration that the brace at `brace` opens."""
    i = brace - 1
    while i > 0 and "(" not in lines[i] and not NOT_A_FUNCTION.match(lines[i]):
        if lines[i].strip() == "" or lines[i].strip().endswith((";", "}", "*/")):
            return None
        i -= 1
    # A return type on the line before the name, as in `awaitable<void>\nSession::run()`.
    if i > 0 and lines[i - 1].strip() and not lines[i - 1].strip().endswith((";", "}", "*/", "{")) \
            and not lines[i - 1].lstrip().startswith(("/", "*", "#")):
        i -= 1
    return i


def says_why(lines, start):
    """Whether the comment just above line `start` explains the length."""
    i = start - 1
    comment = []
    while i >= 0 and lines[i].lstrip().startswith(("/*", "*", "//")):
        comment.append(lines[i])
        i -= 1
    return "Long because" in " ".join(comment)


def functions(lines):
    """(first line, body length, name) of each function body in the file."""
    found = []
    i = 0
    while i < len(lines):
        m = OPEN.match(lines[i])
        if not m:
            i += 1
            continue
        start = signature_start(lines, i)
        if start is None or NOT_A_FUNCTION.match(lines[start]) or NOT_A_FUNCTION.match(lines[i - 1]):
            i += 1    # a class or namespace: its members are looked at in turn
            continue
        close = re.compile("^" + m.group(1) + r"\}")
        end = i + 1
        while end < len(lines) and not close.match(lines[end]):
            end += 1
        name = " ".join(l.strip() for l in lines[start:i])
        found.append((start, end - i + 1, name))
        i = end + 1
    return found


def main():
    passed = failed = 0
    for directory, _, names in sorted(os.walk(GATEWAY)):
        for name in sorted(names):
            if not name.endswith((".cpp", ".hpp")):
                continue
            path = os.path.join(directory, name)
            lines = open(path, encoding="utf-8").read().split("\n")
            bad = []
            for start, length, signature in functions(lines):
                if length <= LIMIT:
                    continue
                why = says_why(lines, start)
                rel = os.path.relpath(path, ROOT)
                print("%4d lines  %s:%d  %s%s" % (length, rel, start + 1, signature[:70],
                                                   "  (says why)" if why else ""))
                if not why:
                    bad.append(signature)
            if bad:
                failed += 1
                print("not ok  %s: over %d lines without saying why: %s"
                      % (os.path.relpath(path, ROOT), LIMIT, "; ".join(bad)))
            else:
                passed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
