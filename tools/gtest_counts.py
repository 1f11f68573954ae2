#!/usr/bin/env python3
"""Turn a GoogleTest JSON report into 'LABEL: N passed, N failed'. A missing or unreadable
report (the executable crashed) counts as one failure."""
import json
import sys

label, path = sys.argv[1], sys.argv[2]
try:
    report = json.load(open(path))
    tests = [t for s in report["testsuites"] for t in s["testsuite"]]
    failed = sum(1 for t in tests if t.get("failures"))
    print(f"{label}: {len(tests) - failed} passed, {failed} failed")
except (OSError, ValueError, KeyError):
    print(f"{label}: 0 passed, 1 failed (no report: the test executable crashed)")
