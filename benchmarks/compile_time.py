#!/usr/bin/env python3
"""Compile-time cost of tokenmint's JSON, against nlohmann::json as the peer.

benchmarks/compile_time/five_models.cpp reads five service models from JSON and writes them back,
built three ways: the baseline (same models and code, no JSON library: -DJSON_LIB=0), tokenmint
(-DJSON_LIB=1) and nlohmann::json used as its README shows (-DJSON_LIB=2). A library's added
compile time is its build minus the baseline: its headers plus the code for these models, what a
user pays to add JSON to them. Claim, for g++ and clang++-16 at -O0 and -O2: tokenmint's added
time is at most nlohmann's.

Also reported (no claim): a TU that makes one UID2 call through the default client
(compile_time/one_uid2_call.cpp) and one that includes only uid2/models.hpp (models_only.cpp).

Times are the compiler's CPU time (user + system), best of RUNS, so that other tenants of a
shared machine do not count. Usage: compile_time.py PROJECT_ROOT [RUNS]"""
import resource
import subprocess
import sys
import tempfile

root = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
bench = f"{root}/benchmarks/compile_time"
# tokenmint's build interface (tokenmint_cflags in meson.build, pkg-config --cflags tokenmint).
CFLAGS = ["-DASIO_DISABLE_STD_ALIGNED_ALLOC", "-DASIO_HAS_CO_AWAIT=1"]


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def best(cmd):
    times = []
    for _ in range(runs):
        t = cpu_seconds()
        subprocess.run(cmd, check=True)
        times.append(cpu_seconds() - t)
    return min(times)


ok = True
rows = []
print(f"{'compiler':11} {'opt':4} {'baseline':>9} {'tokenmint':>10} {'nlohmann':>9} {'+tokenmint':>11} {'+nlohmann':>10}"
      f" {'ratio':>6}   {'1 uid2 call':>11} {'models.hpp':>10}")
with tempfile.TemporaryDirectory() as tmp:
    for cxx in ("g++", "clang++-16"):
        for opt in ("-O0", "-O2"):
            base = [cxx, "-std=c++20", opt, f"-I{root}/include", *CFLAGS, "-c", "-o", f"{tmp}/x.o"]
            models = f"{bench}/five_models.cpp"
            baseline = best(base + [models, "-DJSON_LIB=0"])
            tm = best(base + [models, "-DJSON_LIB=1"])
            nl = best(base + [models, "-DJSON_LIB=2"])
            call = best(base + [f"{bench}/one_uid2_call.cpp"])
            only_models = best(base + [f"{bench}/models_only.cpp"])
            added_tm, added_nl = tm - baseline, nl - baseline
            ok &= added_tm <= added_nl
            print(f"{cxx:11} {opt:4} {baseline:8.2f}s {tm:9.2f}s {nl:8.2f}s {added_tm:10.2f}s {added_nl:9.2f}s"
                  f" {added_tm / added_nl:6.2f}   {call:10.2f}s {only_models:9.2f}s")
print(("PASS" if ok else "FAIL") + " compile time: tokenmint's added time (with - baseline) <= nlohmann::json's,"
      " g++ and clang++-16 at -O0 and -O2")
sys.exit(0 if ok else 1)
