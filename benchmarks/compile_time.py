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

The user's view: compile_time/each_client.cpp makes one call of each client (UID2, HubSpot,
Benchling's token provider, Alterian) through the default HTTPS transport, built header-only and
with -DTOKENMINT_SEPARATE_COMPILATION (the engines then come from src/tokenmint.cpp, compiled
once), against the floor compile_time/floor_https_post.cpp: one HTTPS POST written by hand with
Asio coroutines and OpenSSL, what a user writes without tokenmint. Claim, for g++ at -O0 and -O2:
the separate mode's TU compiles at least 2x faster than the header-only one (clang++-16 reported).

Times are the compiler's CPU time (user + system), best of RUNS, so that other tenants of a
shared machine do not count. Usage: compile_time.py PROJECT_ROOT [RUNS]"""
import os
import subprocess
import sys
import tempfile

root = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
bench = f"{root}/benchmarks/compile_time"
# tokenmint's build interface (tokenmint_cflags in meson.build, pkg-config --cflags tokenmint).
CFLAGS = ["-DASIO_DISABLE_STD_ALIGNED_ALLOC", "-DASIO_HAS_CO_AWAIT=1"]


def measured(cmd):
    """(CPU seconds, peak resident MB) of one compiler run, from its own rusage."""
    p = subprocess.Popen(cmd)
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise subprocess.CalledProcessError(p.returncode, cmd)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def best(cmd):
    return min(measured(cmd)[0] for _ in range(runs))


CONFIGS = [(cxx, opt) for cxx in ("g++", "clang++-16") for opt in ("-O0", "-O2")]


def compile_command(cxx, opt, tmp):
    """The compiler invocation every measured TU shares (object into TMP, thrown away)."""
    return [cxx, "-std=c++20", opt, f"-I{root}/include", *CFLAGS, "-c", "-o", f"{tmp}/x.o"]


def best_with_peak(cmd):
    """Best CPU time of RUNS, and the peak memory of the best run."""
    return min(measured(cmd) for _ in range(runs))


ok = True
print(f"{'compiler':11} {'opt':4} {'baseline':>9} {'tokenmint':>10} {'nlohmann':>9} {'+tokenmint':>11} {'+nlohmann':>10}"
      f" {'ratio':>6}   {'1 uid2 call':>11} {'models.hpp':>10}")
with tempfile.TemporaryDirectory() as tmp:
    for cxx, opt in CONFIGS:
        base = compile_command(cxx, opt, tmp)
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

# The user's view: one call of each client, header-only vs separate compilation, and the floor.
separate_ok = True
print(f"\n{'compiler':11} {'opt':4} {'header-only':>12} {'separate':>9} {'speed-up':>9} {'floor':>7}"
      f" {'header-only/floor':>18} {'separate/floor':>15} {'peak MB h/s':>12}")
with tempfile.TemporaryDirectory() as tmp:
    for cxx, opt in CONFIGS:
        base = compile_command(cxx, opt, tmp)
        each = f"{bench}/each_client.cpp"
        header_only, peak_h = best_with_peak(base + [each])
        separate, peak_s = best_with_peak(base + [each, "-DTOKENMINT_SEPARATE_COMPILATION"])
        floor = best(base + [f"{bench}/floor_https_post.cpp"])
        speedup = header_only / separate
        if cxx == "g++":
            separate_ok &= speedup >= 2.0
        print(f"{cxx:11} {opt:4} {header_only:11.2f}s {separate:8.2f}s {speedup:8.2f}x {floor:6.2f}s"
              f" {header_only / floor:17.2f}x {separate / floor:14.2f}x {peak_h:5.0f}/{peak_s:<5.0f}")
print(("PASS" if separate_ok else "FAIL") + " compile time: one call of each client compiles >= 2x faster with"
      " TOKENMINT_SEPARATE_COMPILATION than header-only, g++ at -O0 and -O2")
sys.exit(0 if ok and separate_ok else 1)
