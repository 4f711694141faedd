#!/usr/bin/python3
"""The gateway's folders are layers: none includes one above it.

    /usr/bin/python3 test/docs/check_includes.py

Reads every `#include "..."` of src/gateway/ (main.cpp at the top, one
folder per layer, docs/architecture.md) and checks:

  - each source file is in a layer's folder, but main.cpp;
  - an include of a gateway header names its folder, from src/gateway
    ("db/database.hpp"), as both builds' -I gives it;
  - no two folders include each other, directly or through others: the
    folders then stack as layers, each including only those below it;
  - no two files include each other, directly or through others (a header
    and its .cpp count as one, and a header that holds a class's insides,
    PART_OF, counts with the class's header).

Prints the layers, lowest first, with the folders each includes; the
include levels (the longest chain of headers, each including the next); and
last "N passed, M failed" (one per check).  The exit status is 1 on a
failure.  Standard library only.
"""
import os
import re
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
GATEWAY = os.path.join(ROOT, "src", "gateway")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
# Headers that define the private members of a class declared in another
# header, for the class's .cpp files alone: they are that header's part.
PART_OF = {
    "live/build_ticket.hpp": "live/cohorts",	# class Cohorts::BuildTicket
}


def sources():
    """Every .hpp and .cpp of src/gateway, as paths relative to it."""
    found = []
    for directory, _, names in os.walk(GATEWAY):
        for name in names:
            if name.endswith((".hpp", ".cpp")):
                found.append(os.path.relpath(os.path.join(directory, name), GATEWAY))
    return sorted(found)


def includes(files):
    """file -> [(as written, the gateway file it names or None)]."""
    graph = {}
    for f in files:
        with open(os.path.join(GATEWAY, f), encoding="utf-8") as text:
            written = INCLUDE.findall(text.read())
        edges = []
        for name in written:
            beside = os.path.normpath(os.path.join(os.path.dirname(f), name))
            if name in files:
                edges.append((name, name))
            elif beside in files:
                edges.append((name, beside))
            else:
                edges.append((name, None))	# outside the gateway (src/*.hpp) or a system header
        graph[f] = edges
    return graph


def cycle_through(graph, component):
    """One cycle of the component, as [a, b, ..., a]: the shortest from its first node."""
    start = component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        v = queue.pop(0)
        for w in sorted(graph[v]):
            if w == start:
                return paths[v] + [start]
            if w in component and w not in paths:
                paths[w] = paths[v] + [w]
                queue.append(w)
    return [start]


def folder(f):
    return f.split(os.sep)[0] if os.sep in f else "."


def unit(f):
    """A header and its .cpp are one unit (and PART_OF's headers their class's)."""
    return PART_OF.get(f, os.path.splitext(f)[0])


def cycles(graph):
    """The strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


class Checker:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, description, problems):
        if not problems:
            self.passed += 1
            print("%s: ok" % description)
        else:
            self.failed += 1
            print("%s: FAILED" % description)
            for p in problems:
                print("  " + p)


def main():
    files = sources()
    graph = includes(files)
    checker = Checker()

    checker.check("every source file is in a layer's folder, main.cpp alone at the top",
                  [f for f in files if folder(f) == "." and f != "main.cpp"])

    by_name = {}
    for f in files:
        by_name.setdefault(os.path.basename(f), []).append(f)
    checker.check("an include of a gateway header names its folder",
                  ["%s: \"%s\" (write \"%s\")" % (f, name, target or " or ".join(by_name[name]))
                   for f in files for name, target in graph[f]
                   if (target is not None and name != target) or (target is None and name in by_name)])

    folders = {}
    for f in files:
        folders.setdefault(folder(f), set())
        for _, target in graph[f]:
            if target is not None and folder(target) != folder(f):
                folders[folder(f)].add(folder(target))
    folder_cycles = cycles(folders)
    why = []
    for component in folder_cycles:
        why.append("the folders %s include each other, for example:" % ", ".join(component))
        cycle = cycle_through(folders, component)
        for a, b in zip(cycle, cycle[1:]):
            example = next((f, t) for f in files for _, t in graph[f]
                           if t is not None and folder(f) == a and folder(t) == b)
            why.append("  %s includes %s" % example)
    checker.check("no include cycle between folders", why)

    units = {}
    for f in files:
        units.setdefault(unit(f), set()).update(
            unit(t) for _, t in graph[f] if t is not None and unit(t) != unit(f))
    checker.check("no include cycle between files",
                  ["these include each other: " + ", ".join(c) for c in cycles(units)])

    if not folder_cycles:
        # A folder's layer: one above the highest folder it includes.
        layer = {}

        def layer_of(name):
            if name not in layer:
                layer[name] = 1 + max((layer_of(d) for d in folders[name]), default=0)
            return layer[name]

        print("layers, lowest first (each folder includes only folders below it):")
        for name in sorted(folders, key=lambda n: (layer_of(n), n)):
            print("  %d  %-8s includes %s" % (layer_of(name), name if name != "." else "main.cpp",
                                              ", ".join(sorted(folders[name], key=lambda n: (layer_of(n), n))) or "-"))

    headers = {f: [t for _, t in graph[f] if t is not None and t.endswith(".hpp")]
               for f in files if f.endswith(".hpp")}
    if not cycles(headers):
        chain = {}

        def chain_of(h):
            if h not in chain:
                longest = max((chain_of(t) for t in headers[h]), key=len, default=[])
                chain[h] = [h] + longest
            return chain[h]

        longest = max((chain_of(h) for h in sorted(headers)), key=len, default=[])
        print("include levels: %d (%s)" % (len(longest), " -> ".join(longest)))

    print("%d passed, %d failed" % (checker.passed, checker.failed))
    return 1 if checker.failed else 0


if __name__ == "__main__":
    sys.exit(main())
