#!/usr/bin/env python3
"""Runs every numbered example against `tokenmint sandbox` (started here on 127.0.0.1) and checks
what it prints, the way a user running it would read it: the lines each example promises, exit
status 0, nothing on stderr, and no credential anywhere in the output.

usage: examples_test.py PATH/TO/tokenmint EXAMPLES_BUILD_DIR
Prints one line per failure and a closing `examples: N passed, N failed`; exits 1 on any failure.
"""
import base64
import hashlib
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from sandbox_run import CREDENTIAL_VARIABLES, Tally, start_sandbox, stop  # noqa: E402

cli, bindir = sys.argv[1], sys.argv[2]
tally = Tally("examples")
check = tally.check

sandbox, info = start_sandbox(cli)
if "alterian_api_key" not in info:
    print("FAIL sandbox did not start:", sandbox.stderr.read())
    sys.exit(1)

secrets = [info[k] for k in ("api_key", "client_secret", "hubspot_access_token", "hubspot_client_secret", "hubspot_refresh_token",
                             "benchling_client_secret", "alterian_api_key")]
uid2_env = {"UID2_API_KEY": info["api_key"], "UID2_CLIENT_SECRET": info["client_secret"]}


def example(name, args, env, expected, rc=0):
    """Runs examples/NAME; every regex of `expected` must match a line of stdout, in order."""
    e = {k: v for k, v in os.environ.items() if k not in CREDENTIAL_VARIABLES}
    e.update(env)
    try:
        p = subprocess.run([os.path.join(bindir, name), *args], capture_output=True, text=True, timeout=60, env=e)
    except subprocess.TimeoutExpired:
        check(f"{name} {args}", False, "did not finish in 60 s")
        return ""
    lines = p.stdout.splitlines()
    at = 0
    missing = None
    for pattern in expected:
        while at < len(lines) and not re.fullmatch(pattern, lines[at]):
            at += 1
        if at == len(lines):
            missing = pattern
            break
        at += 1
    check(f"{name} {args}: exit status", p.returncode == rc, f"rc={p.returncode} stderr={p.stderr[-500:]!r}")
    check(f"{name} {args}: output", missing is None, f"no line matching {missing!r} in {p.stdout!r}")
    if rc == 0:
        check(f"{name} {args}: stderr empty", p.stderr == "", repr(p.stderr[-500:]))
    leaked = [s for s in secrets + ["eyJ"] if s in p.stdout + p.stderr]
    check(f"{name} {args}: no credential printed", not leaked, f"{len(leaked)} found")
    return p.stdout


try:
    lifecycle = [r"generated: an advertising token of \d+ characters, refresh due at \d{13} ms",
                 r"refreshed: a new refresh token, rotated",
                 r"validated: true for the same email, false for another",
                 r"optout@example.com: optout"]
    example("1_uid2_tokens", [info["uid2_base_url"]], uid2_env, lifecycle)
    example("1_uid2_tokens", [info["euid_base_url"], "--euid"], uid2_env, lifecycle)
    # A wrong client secret: the envelope fails, the example says so on stderr and exits 1.
    example("1_uid2_tokens", [info["uid2_base_url"]], dict(uid2_env, UID2_CLIENT_SECRET="A" * 43 + "="), [], rc=1)
    # A missing credential is a usage message, not a crash.
    example("1_uid2_tokens", [info["uid2_base_url"]], {"UID2_API_KEY": info["api_key"]}, [], rc=2)

    example("2_hubspot_visitor_token", [info["hubspot_base_url"]], {"HUBSPOT_ACCESS_TOKEN": info["hubspot_access_token"]},
            [r"visitor token <redacted>: a JWT of \d+ characters in 3 parts, valid 12 hours",
             r"daily limit: rate limited by the service after 1 attempt"])

    example("3_benchling_token_provider", [info["benchling_base_url"], info["benchling_client_id"]],
            {"BENCHLING_CLIENT_SECRET": info["benchling_client_secret"]},
            [r"token: <redacted>, 1 request to the token endpoint for 2 calls",
             r"call: GET http://127\.0\.0\.1:\d+/benchling/api/v2/entries\?pageSize=1 with an Authorization header of \d+ characters"])
    example("3_benchling_token_provider", [info["benchling_base_url"], info["benchling_client_id"]],
            {"BENCHLING_CLIENT_SECRET": "wrong"}, [], rc=1)

    example("4_alterian_static_tokens", [info["alterian_base_url"]], {"ALTERIAN_API_KEY": info["alterian_api_key"]},
            [r"created: static token <redacted> \(Success\)",
             r"updated: true",
             r"listed: token of user 35, static",
             r"deleted: true, then again: false"])

    example("5_custom_transport", [info["uid2_base_url"]], uid2_env,
            [r"sent: POST /v2/token/generate -> 200 in \d+ ms",
             r"sent: POST /v2/token/refresh -> 200 in \d+ ms"])

    example("6_callbacks_and_threads", [info["uid2_base_url"]], uid2_env,
            [r"callback: success", r"future: validated true", r"blocking: success"])

    # Offline: the hash against Python's own SHA-256 of the normalized address, the envelope
    # opened by the CLI's operator side.
    expected_hash = base64.b64encode(hashlib.sha256(b"janedoe@gmail.com").digest()).decode()
    out = example("7_offline_building_blocks", [], {"UID2_CLIENT_SECRET": info["client_secret"]},
                  [r"bad email: email: no '@'",
                   re.escape(f"email hash: {expected_hash}"),
                   re.escape('json: {"From":0,"To":6,"SortProperty":"Created"}'),
                   r"json error: From: expected integer at offset \d+",
                   r"envelope: [A-Za-z0-9+/]+=*"])
    envelope = next((l.split(": ", 1)[1] for l in out.splitlines() if l.startswith("envelope: ")), "")
    opened = subprocess.run([cli, "uid2", "decrypt-request", "--secret", info["client_secret"]], input=envelope,
                            capture_output=True, text=True, timeout=30)
    check("7_offline_building_blocks: the operator opens the envelope",
          opened.returncode == 0 and opened.stdout.strip() == '{"email_hash":"%s"}' % expected_hash,
          f"rc={opened.returncode} out={opened.stdout!r} err={opened.stderr!r}")
    example("9_dsp_and_sharing", [info["uid2_base_url"]], uid2_env,
            [r"dsp: 40000 tokens decrypted on 4 threads, 0 failed; raw UID2 of 44 characters, token v4",
             r"dsp: garbage is invalid_payload",
             r"sharing: success, a v4 token of 219 characters; the receiver got the same raw UID2"])
    example("10_client_side_generate", [info["uid2_base_url"], info["cstg_subscription_id"], info["cstg_public_key"]], {},
            [r"client-side generate: an advertising token of \d+ characters, refresh from \d+",
             r"refresh: success, a new refresh token: yes",
             r"unknown app: refused, app name not allowed for this subscription"])
    import tempfile
    listing = os.path.join(tempfile.mkdtemp(), "list.txt")
    with open(listing, "w") as f:
        f.write("a@example.com\nnot-an-email\noptout@example.com\n+12345678901\n")
    example("11_map_a_list", [info["uid2_base_url"], listing], uid2_env,
            [r"0 mapped 44 characters", r"1 invalid", r"2 optout", r"3 mapped 44 characters",
             r"rows 4: 2 mapped, 1 optout, 1 invalid, 0 failed"])
    # A public app over an hour of simulated time, against its own in-process sandbox; the
    # sandbox's access and refresh tokens start "access-" and "refresh-": never printed.
    out = example("8_hubspot_public_app", [], {},
                  [r"authorize: redirected to http://localhost:3000/oauth-callback with a code and our state",
                   r"code exchange: access token <redacted> for 1800 s, refresh token stored",
                   r"an hour: 60 visitor tokens, 0 failed, 3 token refreshes",
                   r"refresh tokens stored: 4 \(the sandbox rotates them on every refresh\)"])
    check("8_hubspot_public_app: no token printed", "access-" not in out and "refresh-" not in out, out)
finally:
    stop(sandbox)

tally.finish()
