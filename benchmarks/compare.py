#!/usr/bin/env python3
"""Read a Google Benchmark JSON report and check the claims side by side.
Usage: compare.py envelope|json|tokens|cstg|map|uid2 REPORT

envelope (bench_envelope):
  seal: tokenmint >= 15x faster than naive, and within 1.3x of the bare pre-keyed EVP seal
  open: tokenmint >= 2x faster than naive
  tokenmint: zero heap allocations per envelope and per response in steady state
  (allocs_per_op < 0.001: a handful of allocations over millions of iterations belong to the
   benchmark harness between timing batches, not to the operation)
json (bench_json), parsing and writing a 1 KB UID2 generate response:
  parse: json::read >= 5x faster than nlohmann::json::parse(...).get<T>()
  write: json::write >= 4x faster than nlohmann::json(model).dump()
  allocations: json::read makes only the model's own string allocations (3: the two tokens and
  the key; status is an enum), read_into and write into a reused string or buffer make none
tokens (bench_tokens), the published v4 token and a v2 token:
  decrypt v4: tokenmint >= 6x faster than the C++ SDK's per-call pattern, and within 1.3x of the
  floor (two pre-keyed EVP GCM opens) plus the base64url decode; 2 threads >= 1.8x the 1-thread
  rate; a 10,000-key container within 1.1x of a 2-key one
  encrypt: tokenmint >= 8x faster than the SDK's per-call pattern
  tokenmint: zero heap allocations per decrypt (v2, v4) and per encrypt
map (bench_map), 1,000,000 rows against the sandbox with 20 ms added per request:
  uid2::async_map_stream with 8 batches in flight >= 6x the rows/s of one batch at a time (the
  one-shot call's old behaviour); prints concurrency 4 and the CPU per mapped row
cstg (bench_cstg), client-side generate's CPU side:
  a request built with a fresh P-256 key pair within 1.6x of one built with a reused key pair
  (the cost of the per-request key policy); prints the operator side's open
uid2 (bench_uid2, under tests/transport/servers.py):
  generate against the sandbox over one keep-alive connection >= 50% of the same transport's raw
  POST rate to nginx; prints the CPU split between client and sandbox per generate call
Prints a table and the verdicts; exits 1 if a claim fails."""
import json
import sys

suite, path = sys.argv[1], sys.argv[2]
report = json.load(open(path))
rows = {}
for b in report["benchmarks"]:
    name = b.get("run_name", b["name"])
    if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "mean":
        continue
    rows[name] = b  # the mean when repetitions > 1, else the single run


def get(name):
    if name not in rows:
        sys.exit(f"benchmark {name} missing from the report")
    return rows[name]


def cpu_ns(name):
    return get(name)["cpu_time"]


print(f"\n{'case':44} {'cpu ns/op':>10} {'items/s':>12} {'allocs/op':>10}")
for name, b in rows.items():
    print(f"{name:44} {b['cpu_time']:10.1f} {b.get('items_per_second', 0):12.0f} {b.get('allocs_per_op', 0):10.4f}")

checks = []
if suite == "envelope":
    seal_tm = cpu_ns("seal_61B/tokenmint/real_time/threads:1")
    open_tm = cpu_ns("open_1180/tokenmint/real_time/threads:1")
    r1 = cpu_ns("seal_61B/naive") / seal_tm
    r2 = seal_tm / cpu_ns("seal_61B/bare_evp")
    r3 = cpu_ns("open_1180/naive") / open_tm
    checks.append((f"seal: naive / tokenmint = {r1:.1f}x (>= 15x)", r1 >= 15))
    checks.append((f"seal: tokenmint / bare EVP = {r2:.2f}x (<= 1.3x)", r2 <= 1.3))
    checks.append((f"open: naive / tokenmint = {r3:.2f}x (>= 2x)", r3 >= 2))
    for name in ("seal_61B/tokenmint/real_time/threads:1", "open_1180/tokenmint/real_time/threads:1",
                 "seal_61B/tokenmint/real_time/threads:2", "open_1180/tokenmint/real_time/threads:2"):
        a = get(name).get("allocs_per_op", 1)
        checks.append((f"{name}: {a:.6f} allocations/op (0 in steady state)", a < 0.001))
    for op in ("seal_61B", "open_1180"):
        one = get(f"{op}/tokenmint/real_time/threads:1")["items_per_second"]
        two = get(f"{op}/tokenmint/real_time/threads:2")["items_per_second"]
        print(f"scaling {op}: 2 threads give {two / one:.2f}x the throughput of 1 ({two:,.0f}/s vs {one:,.0f}/s)")
elif suite == "json":
    rp = cpu_ns("parse_1KB/nlohmann") / cpu_ns("parse_1KB/tokenmint")
    rw = cpu_ns("write_1KB/nlohmann") / cpu_ns("write_1KB/tokenmint")
    checks.append((f"parse: nlohmann / tokenmint = {rp:.1f}x (>= 5x)", rp >= 5))
    checks.append((f"write: nlohmann / tokenmint = {rw:.1f}x (>= 4x)", rw >= 4))
    a = get("parse_1KB/tokenmint").get("allocs_per_op", 99)
    checks.append((f"parse_1KB/tokenmint: {a:.4f} allocations/op (3: the model's own strings)", abs(a - 3) < 0.001))
    for name in ("parse_1KB/tokenmint_reuse", "write_1KB/tokenmint_reuse", "write_1KB/tokenmint_buffer"):
        a = get(name).get("allocs_per_op", 1)
        checks.append((f"{name}: {a:.6f} allocations/op (0 in steady state)", a < 0.001))
elif suite == "tokens":
    tm = cpu_ns("decrypt_v4/tokenmint/real_time/threads:1")
    r = cpu_ns("decrypt_v4/sdk_pattern") / tm
    checks.append((f"decrypt v4: sdk pattern / tokenmint = {r:.1f}x (>= 6x)", r >= 6))
    r = tm / cpu_ns("decrypt_v4/floor_decode")
    checks.append((f"decrypt v4: tokenmint / (floor + base64url decode) = {r:.2f}x (<= 1.3x); "
                   f"floor alone {cpu_ns('decrypt_v4/floor'):.0f} ns", r <= 1.3))
    one = get("decrypt_v4/tokenmint/real_time/threads:1")["items_per_second"]
    two = get("decrypt_v4/tokenmint/real_time/threads:2")["items_per_second"]
    checks.append((f"decrypt v4: 2 threads {two:,.0f}/s = {two / one:.2f}x 1 thread {one:,.0f}/s (>= 1.8x)", two / one >= 1.8))
    r = cpu_ns("decrypt_v4/tokenmint_10k_keys") / tm
    checks.append((f"decrypt v4: 10,000 keys / 2 keys = {r:.2f}x (<= 1.1x)", r <= 1.1))
    r = cpu_ns("decrypt_v2/sdk_pattern") / cpu_ns("decrypt_v2/tokenmint")
    print(f"decrypt v2: sdk pattern (with EVP-CBC, faster than the SDK's software AES) / tokenmint = {r:.1f}x")
    r = cpu_ns("encrypt/sdk_pattern") / cpu_ns("encrypt/tokenmint/real_time/threads:1")
    checks.append((f"encrypt: sdk pattern / tokenmint = {r:.1f}x (>= 8x)", r >= 8))
    one = get("encrypt/tokenmint/real_time/threads:1")["items_per_second"]
    two = get("encrypt/tokenmint/real_time/threads:2")["items_per_second"]
    print(f"encrypt: 2 threads give {two / one:.2f}x the throughput of 1")
    for name in ("decrypt_v4/tokenmint/real_time/threads:1", "decrypt_v4/tokenmint/real_time/threads:2",
                 "decrypt_v4/tokenmint_10k_keys", "decrypt_v2/tokenmint", "encrypt/tokenmint/real_time/threads:1",
                 "encrypt/tokenmint/real_time/threads:2"):
        a = get(name).get("allocs_per_op", 1)
        checks.append((f"{name}: {a:.6f} allocations/op (0 in steady state)", a < 0.001))
elif suite == "uid2":
    gen = get("generate/sandbox/1conn/real_time")
    gen8 = get("generate/sandbox/8coroutines/real_time")
    post = get("post/nginx/1conn/real_time")
    ratio = gen["items_per_second"] / post["items_per_second"]
    checks.append((f"generate/1conn {gen['items_per_second']:,.0f}/s = {ratio:.0%} of raw POST to nginx "
                   f"{post['items_per_second']:,.0f}/s (>= 50%)", ratio >= 0.5))
    for name, b in (("1 connection", gen), ("8 coroutines", gen8)):
        c, sb = b.get("client_cpu_us", 0), b.get("sandbox_cpu_us", 0)
        print(f"CPU per generate, {name}: client {c:.1f} us, sandbox {sb:.1f} us "
              f"({c / (c + sb):.0%} / {sb / (c + sb):.0%}); {b['items_per_second']:,.0f} generates/s")
elif suite == "map":
    rate = {c: get(f"map/1M_rows/concurrency/{c}/real_time")["items_per_second"] for c in (1, 4, 8)}
    for c in (4, 8):
        print(f"map: concurrency {c} {rate[c]:,.0f} rows/s = {rate[c] / rate[1]:.2f}x sequential {rate[1]:,.0f} rows/s")
    for c in (1, 4, 8):
        b = get(f"map/1M_rows/concurrency/{c}/real_time")
        print(f"CPU per mapped row, concurrency {c}: client {b.get('client_cpu_us_per_krow', 0) / 1000:.2f} us, "
              f"sandbox {b.get('sandbox_cpu_us_per_krow', 0) / 1000:.2f} us")
    r = rate[8] / rate[1]
    checks.append((f"map, 20 ms per request: concurrency 8 / sequential = {r:.2f}x (>= 6x)", r >= 6))
elif suite == "cstg":
    fresh, reused = cpu_ns("cstg/request/fresh_key"), cpu_ns("cstg/request/reused_key")
    r = fresh / reused
    checks.append((f"client-side request build: fresh key pair / reused key pair = {r:.2f}x (<= 1.6x: a fresh key per "
                   f"request adds {(fresh - reused) / 1000:.0f} us, {(fresh - reused) / 20e6:.2%} of a 20 ms round trip)", r <= 1.6))
    print(f"client-side request build {fresh / 1000:.0f} us (keygen {cpu_ns('cstg/keygen') / 1000:.0f} us, ECDH "
          f"{cpu_ns('cstg/derive') / 1000:.0f} us); the operator side's open {cpu_ns('cstg/operator_open') / 1000:.0f} us")
else:
    sys.exit(f"unknown suite {suite}")

print()
for text, ok in checks:
    print(("PASS " if ok else "FAIL ") + text)
sys.exit(0 if all(ok for _, ok in checks) else 1)
