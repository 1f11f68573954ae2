#!/usr/bin/env python3
"""Prints the share of full-line comments among the non-blank lines of the public headers (the
library, then the testing component), per folder and overall. A measure, not a test: issue 16
aims at 0.25 or more (Asio's headers are about 0.43, Beast's 0.44-0.54).
With --undocumented, lists instead every public type (a struct, class or enum defined outside a
`detail` namespace, json::meta specializations aside) whose definition has no comment above it.
usage: comment_share.py [--undocumented] [INCLUDE_DIR]"""
import collections
import pathlib
import re
import sys

args = [a for a in sys.argv[1:] if a != "--undocumented"]
root = pathlib.Path(args[0] if args else "include") / "tokenmint"
if "--undocumented" in sys.argv:
    definition = re.compile(r"^\s*(?:struct|class|enum class|enum)\s+(\w+)[^;(]*(?:\{|:[^:])")
    missing = 0
    for p in sorted(root.rglob("*.hpp")):
        lines = p.read_text().splitlines()
        depth_detail = 0
        for i, line in enumerate(lines):
            if re.match(r"^namespace (\w+::)*detail \{", line):
                depth_detail += 1
            elif re.match(r"^}  // namespace (\w+::)*detail", line):
                depth_detail -= 1
            m = definition.match(line)
            if not m or depth_detail or "json::meta<" in line or line.lstrip().startswith("//"):
                continue
            j = i - 1
            while j >= 0 and (lines[j].strip().startswith("template") or lines[j].strip().startswith("requires")):
                j -= 1
            if j < 0 or not lines[j].strip().startswith("//"):
                missing += 1
                print(f"{p.relative_to(root.parent)}:{i + 1}: {m.group(1)}")
    print(f"{missing} public types without a doc comment")
    sys.exit(0)
per = collections.defaultdict(lambda: [0, 0])
for p in sorted(root.rglob("*.hpp")):
    if p.name == "visit_members.hpp":
        continue  # generated
    rel = p.relative_to(root)
    folder = rel.parts[0] if len(rel.parts) > 1 else "."
    for line in p.read_text().splitlines():
        s = line.strip()
        if not s:
            continue
        per[folder][1] += 1
        if s.startswith("//"):
            per[folder][0] += 1
for name in ("library", "testing"):
    rows = {k: v for k, v in per.items() if (k == "testing") == (name == "testing")}
    c = sum(v[0] for v in rows.values())
    n = sum(v[1] for v in rows.values())
    print(f"{name}: {c}/{n} = {c / n:.2f}")
    for k, (ck, nk) in sorted(rows.items()):
        print(f"  {k:10} {ck:5}/{nk:5} = {ck / nk:.2f}")
