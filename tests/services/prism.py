#!/usr/bin/env python3
"""Prism mock servers for the services' integration tests, on 127.0.0.1 with free ports.

Usage: prism.py PRISM_BIN SPECS_DIR LOG_DIR -- COMMAND [ARGS...]

Starts one `prism mock` per OpenAPI spec (copies of ../shared/specs in tests/data/specs), waits
until each answers, runs COMMAND with their base URLs in PRISM_* environment variables, stops
them and exits with COMMAND's status. Prism validates every request against its spec: a request
that breaks the spec gets 401/415/422 (or an sl-violations header), which the tests check.
"""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

SPECS = {
    "PRISM_HUBSPOT": "hubspot-visitor-identification-v3.json",
    "PRISM_HUBSPOT_NEWER": "hubspot-visitor-identification-v3-newer-path.json",
    "PRISM_HUBSPOT_OAUTH_V1": "hubspot-oauth-v1.prism.json",
    "PRISM_HUBSPOT_OAUTH_V3": "hubspot-oauth-v3.prism.json",
    "PRISM_BENCHLING": "benchling-token.yaml",
    "PRISM_ALTERIAN": "alterian-journey-analytics-token.yaml",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ready(url):
    try:
        urllib.request.urlopen(url + "/", timeout=1)
    except urllib.error.HTTPError:
        return True  # any HTTP answer means it is serving
    except Exception:
        return False
    return True


def main():
    sep = sys.argv.index("--")
    prism, specs, logs = sys.argv[1:sep]
    cmd = sys.argv[sep + 1:]
    if not prism or not os.access(prism, os.X_OK):
        print(f"prism not found ({prism!r}): `./run.sh test` installs it from npm and configures -Dprism=PATH")
        print("integration_prism: 0 passed, 1 failed")
        return 1
    os.makedirs(logs, exist_ok=True)
    env = dict(os.environ)
    procs = []
    try:
        for var, spec in SPECS.items():
            port = free_port()
            log = open(os.path.join(logs, f"prism-{spec}.log"), "w")
            procs.append(subprocess.Popen([prism, "mock", "-h", "127.0.0.1", "-p", str(port), os.path.join(specs, spec)],
                                          stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
            env[var] = f"http://127.0.0.1:{port}"
        deadline = time.time() + 120
        for var in SPECS:
            while not ready(env[var]):
                if time.time() > deadline or any(p.poll() is not None for p in procs):
                    print(f"prism.py: Prism did not start ({var}); see {logs}", file=sys.stderr)
                    return 1
                time.sleep(0.3)
        return subprocess.run(cmd, env=env).returncode
    finally:
        for p in procs:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)


if __name__ == "__main__":
    sys.exit(main())
