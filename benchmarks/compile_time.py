#!/usr/bin/env python3
"""Compile-time cost of tokenmint's JSON: benchmarks/compile_time/five_models.cpp built with and
without -DWITH_TOKENMINT_JSON (five service models read and written vs. the same models and code
without the JSON calls; the headers are included in both, so the difference is what reading and
writing the models costs). Best of RUNS wall-clock times per configuration, g++ and clang++-16 at
-O0 and -O2. Usage: compile_time.py PROJECT_ROOT [RUNS]. Claim: ratio < 1.5 in every configuration."""
import subprocess
import sys
import tempfile
import time

root = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
src = f"{root}/benchmarks/compile_time/five_models.cpp"


def best(cmd):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True)
        times.append(time.perf_counter() - t)
    return min(times)


ok = True
print(f"{'compiler':12} {'opt':4} {'without':>9} {'with':>9} {'ratio':>6}")
with tempfile.TemporaryDirectory() as tmp:
    for cxx in ("g++", "clang++-16"):
        for opt in ("-O0", "-O2"):
            base = [cxx, "-std=c++20", opt, f"-I{root}/include", "-c", src, "-o", f"{tmp}/x.o"]
            without = best(base)
            with_json = best(base + ["-DWITH_TOKENMINT_JSON"])
            ratio = with_json / without
            ok &= ratio < 1.5
            print(f"{cxx:12} {opt:4} {without:8.2f}s {with_json:8.2f}s {ratio:6.2f}")
print(("PASS" if ok else "FAIL") + " compile time: with / without tokenmint's JSON < 1.5x in every configuration")
sys.exit(0 if ok else 1)
