#!/usr/bin/env python3
"""Prints the share of full-line comments among the non-blank lines of the public headers (the
library, then the testing component), per folder and overall. A measure, not a test: issue 16
aims at 0.25 or more (Asio's headers are about 0.43, Beast's 0.44-0.54).
usage: comment_share.py [INCLUDE_DIR]"""
import collections
import pathlib
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "include") / "tokenmint"
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
