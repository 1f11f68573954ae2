#!/usr/bin/env python3
"""Transport benchmark driver, run inside tests/transport/servers.py (nginx on loopback):
bench_transport (tokenmint's https_transport vs libcurl with a reused easy handle, one keep-alive
connection, a small JSON POST, plain and TLS) and wrk (one connection, same POST) as the
server-bound ceiling. Usage: transport.py BENCH_EXE REPORT_JSON [REPETITIONS]

Claims, for http and https: tokenmint's client CPU time per request <= libcurl's, and its request
rate >= libcurl's. Prints a table and the verdicts; exits 1 if a claim fails."""
import json
import os
import re
import subprocess
import sys
import tempfile

exe, report_path = sys.argv[1], sys.argv[2]
reps = sys.argv[3] if len(sys.argv) > 3 else "3"
body = '{"email_hash":"tMmiiTI7IaAcPpQPFQ65uMVCWH8av9jw4cwf/F5HVRQ=","optout_check":1}'

subprocess.run([exe, f"--benchmark_out={report_path}", "--benchmark_out_format=json",
                f"--benchmark_repetitions={reps}", "--benchmark_report_aggregates_only=true",
                "--benchmark_min_time=2"], check=True)
rows = {}
for b in json.load(open(report_path))["benchmarks"]:
    if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "mean":
        continue
    if b.get("error_occurred"):
        sys.exit(f"{b['name']}: {b.get('error_message')}")
    rows[b.get("run_name", b["name"]).split("/process_time")[0].split("/real_time")[0]] = b

wrk = {}
with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
    lua.write(f'wrk.method = "POST"\nwrk.body = \'{body}\'\nwrk.headers["Content-Type"] = "application/json"\n')
for scheme, url in (("http", f"http://127.0.0.1:{os.environ['TM_NGINX_HTTP']}/bench"),
                    ("https", f"https://localhost:{os.environ['TM_NGINX_TLS_GOOD']}/bench")):
    out = subprocess.run(["wrk", "-t1", "-c1", "-d5s", "-s", lua.name, url], capture_output=True, text=True).stdout
    m = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    wrk[scheme] = float(m.group(1)) if m else 0.0
os.unlink(lua.name)

print(f"\n{'case':28} {'client cpu us/req':>18} {'wall us/req':>12} {'requests/s':>12}")
for name, b in rows.items():
    print(f"{name:28} {b['cpu_time'] / 1000:18.2f} {b['real_time'] / 1000:12.2f} {b['items_per_second']:12.0f}")
for scheme, rps in wrk.items():
    print(f"{'post/' + scheme + '/wrk (ceiling)':28} {'':18} {1e6 / rps if rps else 0:12.2f} {rps:12.0f}")

checks = []
for scheme in ("http", "https"):
    tm, curl = rows.get(f"post/{scheme}/tokenmint"), rows.get(f"post/{scheme}/libcurl")
    if tm is None or curl is None:
        sys.exit(f"post/{scheme} rows missing from the report")
    r_cpu = curl["cpu_time"] / tm["cpu_time"]
    r_rate = tm["items_per_second"] / curl["items_per_second"]
    checks.append((f"{scheme}: client CPU per request, libcurl / tokenmint = {r_cpu:.2f}x (>= 1)", r_cpu >= 1))
    checks.append((f"{scheme}: request rate, tokenmint / libcurl = {r_rate:.2f}x (>= 1); "
                   f"wrk ceiling {wrk[scheme]:,.0f}/s, tokenmint at {tm['items_per_second'] / wrk[scheme]:.0%} of it"
                   if wrk[scheme] else f"{scheme}: request rate ratio {r_rate:.2f}x (>= 1)", r_rate >= 1))
print()
for text, ok in checks:
    print(("PASS " if ok else "FAIL ") + text)
sys.exit(0 if all(ok for _, ok in checks) else 1)
