#!/usr/bin/python3
"""Every link and image in the project's Markdown leads somewhere.

    /usr/bin/python3 test/docs/check_links.py

Checks README.md, CHANGELOG.md and docs/**/*.md:

  - a relative target (a file or a directory) exists in the repository;
  - an anchor, `#anchor` in the same file or `file.md#anchor`, names a heading
    of that file as GitHub writes it (lowercase; punctuation dropped but `-`
    and `_`; each space a `-`; a repeated heading `-1`, `-2`...), or an
    `<a id=...>`/`<a name=...>` in it;
  - external links (http, https, mailto) are listed, not fetched;
  - README.md has at most 220 lines, and links to every page of docs/.

Links inside code (fenced blocks and `code spans`) are not links.  Prints one
line per file, the failures, and last "N passed, M failed" (each link, and
each of the two README checks, is one); the exit status is 1 on a failure.
Standard library only.
"""
import html
import os
import re
import sys
import unicodedata
from urllib.parse import unquote

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
README_MAX_LINES = 220

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
# [text](target "title") and ![alt](target); text may hold one level of [brackets].
INLINE = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*(<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
REFERENCE_USE = re.compile(r"(!?)\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\[([^\]]*)\]")
REFERENCE_DEF = re.compile(r"^ {0,3}\[([^\]]+)\]:\s*(<[^>]*>|\S+)")
HTML_ATTR = re.compile(r"<(?:img|a|source)\b[^>]*?\b(src|href)\s*=\s*(\"[^\"]*\"|'[^']*')", re.I)
HTML_ANCHOR = re.compile(r"<a\b[^>]*?\b(?:id|name)\s*=\s*(\"[^\"]*\"|'[^']*')", re.I)
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)


def prose_lines(text):
    """(line number, line) of the lines outside fenced code blocks."""
    fence = None
    for number, line in enumerate(text.splitlines(), 1):
        m = FENCE.match(line)
        if fence is None:
            if m:
                fence = m.group(1)
                continue
            yield number, line
        elif m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) \
                and line.strip() == m.group(1):
            fence = None


def heading_texts(text):
    """The headings' texts, in order (ATX, and setext under a paragraph line)."""
    previous = ""
    for _, line in prose_lines(text):
        atx = ATX.match(line)
        if atx:
            yield atx.group(2) or ""
            previous = ""
            continue
        setext = SETEXT.match(line)
        if setext and previous.strip() and not ATX.match(previous) and not previous.lstrip().startswith(("|", "-", "*", ">")):
            yield previous.strip()
            previous = ""
            continue
        previous = line


def slug(heading):
    """GitHub's anchor for a heading's text."""
    text = re.sub(r"!?\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\([^)]*\)", r"\1", heading)	# links: their text
    text = re.sub(r"<[^>]+>", "", text)	# HTML tags
    text = html.unescape(text).lower()
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch == " ":
            kept.append("-")
        elif ch == "-" or category[0] in "LMN" or category == "Pc":
            kept.append(ch)
    return "".join(kept)


def anchors_of(text):
    anchors = set()
    seen = {}
    for heading in heading_texts(text):
        base = slug(heading)
        n = seen.get(base, 0)
        seen[base] = n + 1
        anchors.add(base if n == 0 else "%s-%d" % (base, n))
    for _, line in prose_lines(text):
        for m in HTML_ANCHOR.finditer(line):
            anchors.add(m.group(1)[1:-1])
    return anchors


def blocks(text):
    """(first line number, text) of each run of non-blank lines outside code
    blocks: a link's text may be wrapped over several lines."""
    block, start, last = [], 0, -1
    for number, line in prose_lines(text):
        if line.strip() and number == last + 1 and block:
            block.append(line)
        else:
            if block:
                yield start, "\n".join(block)
            block, start = ([line], number) if line.strip() else ([], 0)
        last = number
    if block:
        yield start, "\n".join(block)


def links_of(text):
    """(line number, target) of every link and image outside code."""
    definitions = {}
    for _, line in prose_lines(text):
        m = REFERENCE_DEF.match(line)
        if m:
            definitions[m.group(1).strip().lower()] = m.group(2).strip("<>")
    for start, block in blocks(text):
        found = []
        lines = block.split("\n")
        for i, line in enumerate(lines):
            m = REFERENCE_DEF.match(line)
            if m:
                found.append((start + i, m.group(2).strip("<>")))
                lines[i] = ""
        block = "\n".join(lines)
        # Code spans are not links; blanked, newlines kept for the line numbers.
        block = CODE_SPAN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), block)
        line_of = lambda offset: start + block.count("\n", 0, offset)
        for m in INLINE.finditer(block):
            found.append((line_of(m.start(3)), m.group(3).strip("<>")))
        for m in REFERENCE_USE.finditer(block):
            name = (m.group(3) or m.group(2)).strip().lower()
            if name not in definitions:	# else checked at its definition
                found.append((line_of(m.start()), "[undefined reference: %s]" % name))
        for m in HTML_ATTR.finditer(block):
            found.append((line_of(m.start(2)), html.unescape(m.group(2)[1:-1])))
        yield from sorted(found)


class Checker:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.external = []
        self.anchor_cache = {}

    def anchors(self, path):
        if path not in self.anchor_cache:
            with open(path, encoding="utf-8") as f:
                self.anchor_cache[path] = anchors_of(f.read())
        return self.anchor_cache[path]

    def problem(self, path, target):
        """What is wrong with a target in the file at `path`, or None."""
        if target.startswith("[undefined reference"):
            return "a reference with no definition"
        if EXTERNAL.match(target):
            return None
        file_part, _, anchor = target.partition("#")
        file_part = unquote(file_part)
        if file_part:
            if file_part.startswith("/"):
                resolved = os.path.normpath(os.path.join(ROOT, file_part.lstrip("/")))
            else:
                resolved = os.path.normpath(os.path.join(os.path.dirname(path), file_part))
            if os.path.relpath(resolved, ROOT).startswith(".."):
                return "outside the repository"
            if not os.path.exists(resolved):
                return "no such file or directory"
        else:
            resolved = path
        if anchor and resolved.endswith(".md"):
            if not os.path.isfile(resolved):
                return "an anchor into a directory"
            if unquote(anchor) not in self.anchors(resolved):
                return "no heading with the anchor #%s in %s" % (anchor, os.path.relpath(resolved, ROOT))
        return None

    def check_file(self, path):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        name = os.path.relpath(path, ROOT)
        ok = bad = external = 0
        failures = []
        for number, target in links_of(text):
            if EXTERNAL.match(target) and not target.startswith("#"):
                external += 1
                self.external.append("%s:%d: %s" % (name, number, target))
                continue
            why = self.problem(path, target)
            if why:
                bad += 1
                failures.append("  %s:%d: %s: %s" % (name, number, target, why))
            else:
                ok += 1
        self.passed += ok
        self.failed += bad
        print("%-28s %4d links passed, %d failed, %d external (not fetched)" % (name, ok, bad, external))
        for line in failures:
            print(line)
        return text

    def check(self, description, ok, why=""):
        if ok:
            self.passed += 1
            print("%s: ok" % description)
        else:
            self.failed += 1
            print("%s: FAILED %s" % (description, why))


def main():
    files = [os.path.join(ROOT, "README.md"), os.path.join(ROOT, "CHANGELOG.md")]
    docs = []
    for directory, _, names in sorted(os.walk(os.path.join(ROOT, "docs"))):
        docs += [os.path.join(directory, n) for n in sorted(names) if n.endswith(".md")]
    checker = Checker()
    texts = {}
    for path in files + docs:
        if not os.path.isfile(path):
            checker.check(os.path.relpath(path, ROOT), False, "missing")
            continue
        texts[path] = checker.check_file(path)

    readme = texts.get(files[0], "")
    lines = len(readme.splitlines())
    checker.check("README.md is at most %d lines (%d)" % (README_MAX_LINES, lines), lines <= README_MAX_LINES)
    linked = set()
    for _, target in links_of(readme):
        file_part = target.partition("#")[0]
        if file_part and not EXTERNAL.match(file_part):
            linked.add(os.path.normpath(os.path.join(ROOT, unquote(file_part))))
    unlinked = [os.path.relpath(d, ROOT) for d in docs if d not in linked]
    checker.check("README.md links to every page of docs/", not unlinked, ", ".join(unlinked))

    for line in checker.external:
        print("external, not fetched: " + line)
    print("%d passed, %d failed" % (checker.passed, checker.failed))
    return 1 if checker.failed else 0


if __name__ == "__main__":
    sys.exit(main())
