#!/usr/bin/env python3
"""The generated reflection ladder (json/detail/visit_members.hpp) must be exactly what its
generator writes: a hand edit, or a generator change not applied, fails here.
usage: ladder_test.py GENERATOR HEADER"""
import subprocess
import sys

gen, header = sys.argv[1], sys.argv[2]
want = subprocess.run([sys.executable, gen], capture_output=True, text=True, check=True).stdout
have = open(header).read()
if want == have:
    print("ladder: 1 passed, 0 failed")
    sys.exit(0)
for i, (a, b) in enumerate(zip(want.splitlines(), have.splitlines()), 1):
    if a != b:
        print(f"line {i}: generator writes {a!r}, file has {b!r}")
        break
print(f"{header} differs from `python3 {gen}` (regenerate it: python3 {gen} > {header})")
print("ladder: 0 passed, 1 failed")
sys.exit(1)
