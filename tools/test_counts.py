#!/usr/bin/env python3
"""Reads Meson's test log (BUILD/meson-logs/testlog.json) and prints, per test, 'LABEL/NAME: N
passed, N failed', then the sum as 'LABEL: N passed, N failed' as the last line. A test counts
its own cases: a closing 'N passed, N failed' line of its output, else GoogleTest's summary;
a test with neither counts as one case. A test Meson saw fail (crash, timeout, exit status)
never counts as passed whatever it printed."""
import json
import re
import sys

label, path = sys.argv[1], sys.argv[2]
total_p = total_f = 0
try:
    rows = [json.loads(l) for l in open(path) if l.strip()]
except OSError:
    rows = []
    print(f"{label}: no test log at {path}")
for r in rows:
    out = r.get("stdout", "") or ""
    ok = r.get("result") in ("OK", "EXPECTEDFAIL", "SKIP")
    plain = re.findall(r"(?m)(\d+) passed, (\d+) failed", out)
    gp = re.findall(r"\[  PASSED  \] (\d+) tests?", out)
    gf = re.findall(r"\[  FAILED  \] (\d+) tests?, listed below", out)
    if plain:
        p, f = map(int, plain[-1])
    elif gp or gf:
        p = int(gp[-1]) if gp else 0
        f = int(gf[-1]) if gf else 0
    else:
        p, f = (1, 0) if ok else (0, 1)
    if not ok and f == 0:
        f = 1
    if r.get("result") == "SKIP":
        p = 0
    total_p += p
    total_f += f
    status = "" if ok else f"  ({r.get('result')})"
    print(f"{label}/{r.get('name')}: {p} passed, {f} failed{status}")
if not rows:
    total_f += 1
print(f"{label}: {total_p} passed, {total_f} failed")
