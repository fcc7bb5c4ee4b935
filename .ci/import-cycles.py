#!/usr/bin/env python3
"""Import cycles between the modules of a crate (`use crate::...` / `super::...` edges).

Usage: import-cycles.py SRC_DIR [ALLOWED_MODULE ...]
Prints every strongly connected group of modules; fails when one has a module outside the
allowed set (hub-api allows the shared state and the middleware that reads it).
"""
import os
import re
import sys

root, allowed = sys.argv[1], set(sys.argv[2:])
sources = {}
for directory, _, names in os.walk(root):
    for name in names:
        if not name.endswith(".rs"):
            continue
        path = os.path.join(directory, name)
        module = os.path.relpath(path, root)[:-3].replace("/mod", "").replace("/", "::")
        module = "crate" if module in ("lib", "main") else module
        with open(path, encoding="utf-8") as f:
            # Comments (doc links included) are not imports.
            sources[module] = "\n".join(l for l in f if not l.strip().startswith("//"))


def resolve(current, path):
    """The module a `crate::...`/`super::...` path names (its longest module prefix)."""
    parts = path.split("::")
    if parts[0] == "crate":
        base, parts = [], parts[1:]
    else:
        base = [] if current == "crate" else current.split("::")
        while parts and parts[0] in ("super", "self"):
            if parts[0] == "super":
                base = base[:-1]
            parts = parts[1:]
    for i in range(len(parts), 0, -1):
        candidate = "::".join(base + parts[:i])
        if candidate in sources:
            return candidate
    return None


edges = {m: set() for m in sources}
for module, text in sources.items():
    paths = re.findall(r"\b((?:crate|super)(?:::\w+)+)", text)
    for base, inner in re.findall(r"\b((?:crate|super)(?:::\w+)*)::\{([^}]*)\}", text):
        paths += [f"{base}::{item.strip().split(' ')[0]}" for item in inner.split(",") if item.strip()]
    for path in paths:
        target = resolve(module, path)
        if target and target not in (module, "crate"):
            edges[module].add(target)

# Tarjan's strongly connected components.
index, low, stack, on_stack, groups = {}, {}, [], set(), []
sys.setrecursionlimit(10_000)


def visit(v):
    index[v] = low[v] = len(index)
    stack.append(v)
    on_stack.add(v)
    for w in edges[v]:
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on_stack:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        group = []
        while True:
            w = stack.pop()
            on_stack.discard(w)
            group.append(w)
            if w == v:
                break
        if len(group) > 1:
            groups.append(sorted(group))


for v in sorted(sources):
    if v not in index:
        visit(v)

bad = [g for g in groups if not set(g) <= allowed]
for group in groups:
    print(("NOT ALLOWED: " if group in bad else "allowed: ") + " <-> ".join(group))
sys.exit(1 if bad else 0)
