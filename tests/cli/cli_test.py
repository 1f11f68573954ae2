#!/usr/bin/env python3
"""End-to-end tests of the `tokenmint` CLI: the offline uid2 subcommands, judged by the vector files,
and the online ones against `tokenmint sandbox` started here on 127.0.0.1.

usage: cli_test.py PATH/TO/tokenmint TESTS/DATA
Prints one line per failure and a closing `cli: N passed, N failed`; exits 1 on any failure.
"""
import json
import re
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

exe, data = sys.argv[1], sys.argv[2]
vectors = json.load(open(os.path.join(data, "uid2.json")))
extra = json.load(open(os.path.join(data, "uid2_normalization_extra.json")))
operator = json.load(open(os.path.join(data, "uid2_operator.json")))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from sandbox_run import CREDENTIAL_VARIABLES, Tally, start_sandbox, stop  # noqa: E402

tally = Tally("cli")
check = tally.check


def run(args, stdin=b"", env=None):
    e = dict(os.environ)
    for k in CREDENTIAL_VARIABLES:
        e.pop(k, None)
    e.update(env or {})
    p = subprocess.run([exe, *args], input=stdin, capture_output=True, timeout=30, env=e)
    return p.returncode, p.stdout, p.stderr


def expect(name, args, stdin, rc, out=None, err_contains=None, env=None):
    got_rc, got_out, got_err = run(args, stdin, env)
    ok = got_rc == rc
    if out is not None:
        ok = ok and got_out == out
    if err_contains is not None:
        ok = ok and err_contains.encode() in got_err
    if rc != 0:
        ok = ok and got_out == b""  # nothing on stdout when failing
    check(name, ok, f"rc={got_rc} out={got_out[:200]!r} err={got_err[:300]!r}")


# Request envelopes: byte-exact with injected IV, nonce, timestamp; and back again.
for i, v in enumerate(vectors["request_envelopes"] + [vectors["derived"][0]]):
    args = ["uid2", "encrypt-request", "--secret", v["secret_b64"], "--iv", v["iv_hex"],
            "--nonce", v["nonce_hex"], "--timestamp", str(v["timestamp_ms"])]
    expect(f"encrypt-request[{i}]", args, v["plaintext_json"].encode(), 0,
           (v["expected_envelope_b64"] + "\n").encode())
    expect(f"encrypt-request[{i}] trailing newline ignored", args, (v["plaintext_json"] + "\n").encode(), 0,
           (v["expected_envelope_b64"] + "\n").encode())
    expect(f"decrypt-request[{i}]", ["uid2", "decrypt-request", "--secret", v["secret_b64"],
                                     "--now", str(v["timestamp_ms"])],
           (v["expected_envelope_b64"] + "\n").encode(), 0, (v["plaintext_json"] + "\n").encode())

# The secret may come from the environment instead of argv.
v = vectors["request_envelopes"][0]
expect("secret from UID2_CLIENT_SECRET", ["uid2", "encrypt-request", "--iv", v["iv_hex"], "--nonce", v["nonce_hex"],
                                          "--timestamp", str(v["timestamp_ms"])],
       v["plaintext_json"].encode(), 0, (v["expected_envelope_b64"] + "\n").encode(),
       env={"UID2_CLIENT_SECRET": v["secret_b64"]})

# Without injected values every envelope differs, and still opens.
rc1, out1, _ = run(["uid2", "encrypt-request", "--secret", v["secret_b64"]], b'{"email":"a@b.com"}')
rc2, out2, _ = run(["uid2", "encrypt-request", "--secret", v["secret_b64"]], b'{"email":"a@b.com"}')
check("fresh envelopes differ", rc1 == 0 and rc2 == 0 and out1 != out2)
expect("fresh envelope opens now", ["uid2", "decrypt-request", "--secret", v["secret_b64"]], out1, 0,
       b'{"email":"a@b.com"}\n')

# Responses.
r = vectors["derived"][1]
expect("encrypt-response", ["uid2", "encrypt-response", "--secret", r["secret_b64"], "--nonce", r["nonce_hex"],
                            "--iv", r["iv_hex"], "--timestamp", str(r["timestamp_ms"])],
       b'{"status":"optout"}', 0, (r["expected_response_b64"] + "\n").encode())
expect("decrypt-response", ["uid2", "decrypt-response", "--secret", r["secret_b64"], "--nonce", r["nonce_hex"]],
       r["expected_response_b64"].encode(), 0, b'{"status":"optout"}\n')
expect("decrypt-response nonce mismatch", ["uid2", "decrypt-response", "--secret", r["secret_b64"],
                                           "--nonce", "0000000000000000"],
       r["expected_response_b64"].encode(), 1, err_contains="nonce does not match")
tampered = r["expected_response_b64"][:20] + ("A" if r["expected_response_b64"][20] != "A" else "B") + r["expected_response_b64"][21:]
expect("decrypt-response tampered", ["uid2", "decrypt-response", "--secret", r["secret_b64"], "--nonce", r["nonce_hex"]],
       tampered.encode(), 1, err_contains="authentication failed")
f = vectors["derived"][2]
expect("encrypt-response --refresh", ["uid2", "encrypt-response", "--refresh", "--key", f["key_b64"], "--iv", f["iv_hex"]],
       b'{"status":"optout"}', 0, (f["expected_response_b64"] + "\n").encode())
expect("decrypt-response --refresh", ["uid2", "decrypt-response", "--refresh", "--key", f["key_b64"]],
       f["expected_response_b64"].encode(), 0, b'{"status":"optout"}\n')

# Operator-side errors, verbatim.
ov = operator["valid_request"]
expect("operator envelope", ["uid2", "decrypt-request", "--secret", ov["secret_b64"], "--now", str(ov["now_ms"])],
       ov["body"].encode(), 0)
mj = operator["malformed_json_request"]
expect("operator malformed json", ["uid2", "decrypt-request", "--secret", mj["secret_b64"], "--now", str(mj["now_ms"])],
       mj["body"].encode(), 1, err_contains=mj["expected_message"])
expect("operator stale timestamp", ["uid2", "decrypt-request", "--secret", ov["secret_b64"]], ov["body"].encode(), 1,
       err_contains=operator["messages"]["timestamp"])
expect("operator unencrypted json", ["uid2", "decrypt-request", "--secret", ov["secret_b64"]],
       b'{"email_hash": "x"}', 1, err_contains=operator["messages"]["unencrypted_uid2"])
expect("operator euid link", ["uid2", "decrypt-request", "--euid", "--secret", ov["secret_b64"]],
       b'{"email_hash": "x"}', 1, err_contains=operator["messages"]["docs_euid"])
expect("operator missing body", ["uid2", "decrypt-request", "--secret", ov["secret_b64"]], b"", 1,
       err_contains=operator["messages"]["missing"])
expect("operator not base64", ["uid2", "decrypt-request", "--secret", ov["secret_b64"]], b"test string", 1,
       err_contains=operator["messages"]["not_base64_prefix"])

# Normalization and hashing.
for row in vectors["email_normalization"] + extra["email_normalization"]:
    expect(f"normalize-email {row['input']!r}", ["uid2", "normalize-email", "--", row["input"]], b"", 0,
           (row["normalized"] + "\n").encode())
    expect(f"hash-email {row['input']!r}", ["uid2", "hash-email", "--", row["input"]], b"", 0,
           (row["hash_b64"] + "\n").encode())
for bad in vectors["invalid_emails"]:
    expect(f"invalid email {bad!r}", ["uid2", "hash-email", "--", bad], b"", 1, err_contains="email: ")
expect("hash-phone", ["uid2", "hash-phone", vectors["phone_hash"]["phone"]], b"", 0,
       (vectors["phone_hash"]["hash_b64"] + "\n").encode())
for bad in vectors["invalid_phones"]:
    expect(f"invalid phone {bad!r}", ["uid2", "hash-phone", "--", bad], b"", 1, err_contains="phone: ")

# Bad input: data errors exit 1 with a message naming the field.
sec = v["secret_b64"]
expect("bad secret", ["uid2", "encrypt-request", "--secret", "abc"], b"{}", 1, err_contains="--secret: ")
expect("short secret", ["uid2", "encrypt-request", "--secret", "AAAA"], b"{}", 1,
       err_contains="--secret: expected base64 of 32 bytes, got 3 bytes")
expect("bad iv", ["uid2", "encrypt-request", "--secret", sec, "--iv", "zz"], b"{}", 1, err_contains="--iv: ")
expect("bad nonce", ["uid2", "encrypt-request", "--secret", sec, "--nonce", "0011"], b"{}", 1,
       err_contains="--nonce: expected 16 hex digits")
expect("bad timestamp", ["uid2", "encrypt-request", "--secret", sec, "--timestamp", "12x"], b"{}", 2,
       err_contains="--timestamp: expected an integer (milliseconds since the Unix epoch), got '12x'")
expect("stdin not json", ["uid2", "encrypt-request", "--secret", sec], b"{email:1}", 1, err_contains="not valid JSON")
expect("stdin not an object", ["uid2", "encrypt-request", "--secret", sec], b"[1,2]", 1, err_contains="JSON object")
expect("stdin binary garbage", ["uid2", "decrypt-request", "--secret", sec], bytes(range(256)), 1)
expect("stdin too large", ["uid2", "decrypt-request", "--secret", sec], b"A" * (5 << 20), 1, err_contains="more than")
expect("response garbage", ["uid2", "decrypt-response", "--secret", sec, "--nonce", "0011223344556677"], b"%%%", 1,
       err_contains="not valid base64")

# Usage errors exit 2.
expect("no args", [], b"", 2)
expect("unknown group", ["nope"], b"", 2)
expect("unknown command", ["uid2", "nope"], b"", 2)
expect("unknown option", ["uid2", "encrypt-request", "--bogus"], b"", 2, err_contains="unknown option --bogus")
expect("missing secret", ["uid2", "encrypt-request"], b"{}", 2, err_contains="--secret is required")
expect("missing value", ["uid2", "encrypt-request", "--secret"], b"{}", 2, err_contains="needs a value")
expect("repeated option", ["uid2", "encrypt-request", "--secret", sec, "--secret", sec], b"{}", 2,
       err_contains="given twice")
expect("missing nonce", ["uid2", "decrypt-response", "--secret", sec], b"AAAA", 2, err_contains="--nonce is required")
expect("refresh with secret", ["uid2", "decrypt-response", "--refresh", "--secret", sec], b"AAAA", 2)
expect("two emails", ["uid2", "hash-email", "a@b.com", "c@d.com"], b"", 2)
expect("help", ["--help"], b"", 0)

# Every command answers --help on stdout with exit 0: what it does, and one described line per
# option; every option its help lists is one it accepts (never "unknown option").
COMMANDS = {
    "uid2": ["generate", "client-generate", "refresh", "validate", "map", "keys", "encrypt-request",
             "decrypt-response", "decrypt-request", "encrypt-response", "normalize-email", "hash-email",
             "hash-phone", "decrypt-token", "encrypt-token"],
    "hubspot": ["visitor-token", "oauth-token", "oauth-introspect", "oauth-revoke", "authorize-url"],
    "benchling": ["token"],
    "alterian": ["create-static-token", "create-impersonation-token", "delete-static-token",
                 "update-static-token", "list-tokens"],
    "sandbox": [None],
}
for group, commands in COMMANDS.items():
    rc, out, _ = run([group, "--help"])
    check(f"{group} --help", rc == 0 and (out.startswith(b"usage: tokenmint") or out.startswith(b"Serves")), out[:200])
    for command in commands:
        argv = [group] + ([command] if command else [])
        name = " ".join(argv)
        rc, out, err = run([*argv, "--help"])
        text = out.decode()
        options = re.findall(r"^  (--[a-z0-9-]+)( [A-Z:]+)? +(.*)$", text, re.M)
        check(f"{name} --help: exit 0, usage line, every option described",
              rc == 0 and err == b"" and f"Usage: tokenmint {name} [OPTIONS]" in text
              and text.split("\n")[0].strip() != "" and all(o[2].strip() for o in options),
              f"rc={rc} {text[:400]!r}")
        unknown = [o[0] for o in options if b"unknown option" in run([*argv, o[0]])[2]]
        check(f"{name}: every option in its help is accepted", not unknown, unknown)
expect("-h is --help too", ["uid2", "keys", "-h"], b"", 0)

# A mistyped option, command or group gets a suggestion (and exit 2).
expect("option typo suggested", ["uid2", "generate", "--emial", "a@b.com"], b"", 2,
       err_contains="unknown option --emial (did you mean --email?)")
expect("option typo: where to look", ["uid2", "generate", "--emial", "a@b.com"], b"", 2,
       err_contains="see: tokenmint uid2 generate --help")
expect("command typo suggested", ["uid2", "genrate"], b"", 2, err_contains="did you mean 'generate'?")
expect("hubspot command typo suggested", ["hubspot", "visitor-tokn"], b"", 2, err_contains="did you mean 'visitor-token'?")
expect("group typo suggested", ["uid3", "generate"], b"", 2, err_contains="did you mean 'uid2'?")
expect("nothing close: no suggestion", ["uid2", "generate", "--zzzzzzzz"], b"", 2, err_contains="unknown option --zzzzzzzz\n")
expect("sandbox option typo", ["sandbox", "--prot", "0"], b"", 2, err_contains="did you mean --port?")
v0 = vectors["request_envelopes"][0]
expect("--name=value is --name value", ["uid2", "encrypt-request", "--secret=" + v0["secret_b64"], "--iv=" + v0["iv_hex"],
                                         "--nonce", v0["nonce_hex"], "--timestamp=" + str(v0["timestamp_ms"])],
       v0["plaintext_json"].encode(), 0, (v0["expected_envelope_b64"] + "\n").encode())
expect("flag given twice", ["uid2", "keys", "--sharing", "--sharing"], b"", 2, err_contains="--sharing given twice")
expect("stray argument", ["uid2", "keys", "extra"], b"", 2, err_contains="unexpected argument 'extra'")
expect("version", ["--version"], b"", 0, b"tokenmint 0.1.0\n")

# No secret ever reaches the output streams, on success or failure.
for args in (["uid2", "encrypt-request", "--secret", sec], ["uid2", "decrypt-request", "--secret", sec]):
    for stdin in (b"{}", b"garbage", b""):
        _, out, err = run(args, stdin)
        check(f"no secret in output {args[1]} {stdin!r}", sec.encode() not in out + err)

# ---------------------------------------------------------------------------------------------
# decrypt-token / encrypt-token offline: the published v4 vector and its keys.
import tempfile  # noqa: E402
tv = json.load(open(os.path.join(data, "uid2_tokens.json")))["advertising_tokens"][0]
vdir = tempfile.mkdtemp()
def key_file(name, extra_body):
    body = {"identity_scope": "UID2", "keys": [
        {"id": k["id"], "created": 1609459200, "activates": 1609459200, "expires": 2524608000, "secret": k["secret_b64"]}
        for k in (tv["master_key"], tv["site_key"])], **extra_body}
    path = os.path.join(vdir, name)
    json.dump({"body": body, "status": "success"}, open(path, "w"))
    return path
vkeys = key_file("plain.json", {})
at = str(tv["expected"]["created_ms"] + 1000)
rc, out, err = run(["uid2", "decrypt-token", "--keys", vkeys, "--bidstream", "--now", at], tv["token"].encode())
e = tv["expected"]
check("decrypt-token: the published v4 vector", rc == 0 and json.loads(out) == {
    "status": "success", "uid": e["uid"], "established": e["established_ms"], "site_id": e["site_id"], "site_key_site_id": 0,
    "identity_type": "email", "version": 4, "client_side_generated": False, "expires": e["expires_ms"]}, f"{out!r} {err!r}")
limited = key_file("limited.json", {"max_bidstream_lifetime_seconds": 259210})
rc, out, err = run(["uid2", "decrypt-token", "--keys", limited, "--bidstream", "--now", at], tv["token"].encode())
check("the vector's 20-year lifetime is refused with a limit", rc == 1 and out == b'{"status":"invalid_token_lifetime"}\n', out)
rc, out, err = run(["uid2", "decrypt-token", "--keys", vkeys, "--bidstream", "--now", str(e["expires_ms"] + 1)], tv["token"].encode())
check("expired vector", rc == 1 and out == b'{"status":"expired_token"}\n', out)
sharing_keys = key_file("sharing.json", {"caller_site_id": 9000, "master_keyset_id": 1, "default_keyset_id": 2,
                                          "token_expiry_seconds": "86400"})
sk = json.load(open(sharing_keys))
sk["body"]["keys"][0]["keyset_id"], sk["body"]["keys"][1]["keyset_id"] = 1, 2
json.dump(sk, open(sharing_keys, "w"))
ivargs = ["--master-iv", "0102030405060708090a0b0c", "--site-iv", "0c0b0a090807060504030201", "--now", at]
rc1, t1, _ = run(["uid2", "encrypt-token", "--keys", sharing_keys, "--raw-uid", e["uid"], *ivargs])
rc2, t2, _ = run(["uid2", "encrypt-token", "--keys", sharing_keys, "--raw-uid", e["uid"], *ivargs])
check("encrypt-token with fixed IVs is reproducible", rc1 == 0 and t1 == t2 and len(t1.strip()) == 218, t1)
rc, out, _ = run(["uid2", "decrypt-token", "--keys", sharing_keys, "--sharing", "--now", at], t1)
check("encrypt-token output decrypts", rc == 0 and json.loads(out)["uid"] == e["uid"]
      and json.loads(out)["expires"] == int(at) + 86_400_000, out)
rc, out, _ = run(["uid2", "encrypt-token", "--keys", sharing_keys, "--raw-uid", "not-base64", "--now", at])
check("encrypt-token bad raw UID", rc == 1 and out == b"encryption_failure\n", out)

# Online subcommands against the sandbox operator.
sandbox, info = start_sandbox(exe, "--api-key", "cli-key")
try:
    check("sandbox prints its base URLs and credentials",
          info.get("api_key") == "cli-key" and info.get("uid2_base_url", "").startswith("http://127.0.0.1:")
          and info.get("euid_base_url") == info.get("uid2_base_url", "") + "/euid" and len(info.get("client_secret", "")) == 44,
          repr(info))
    url, eurl, key, secret = info["uid2_base_url"], info["euid_base_url"], info["api_key"], info["client_secret"]
    creds = ["--api-key", key, "--secret", secret]

    def online(args, stdin=b"", env=None):
        rc, out, err = run(args, stdin, env)
        if rc != 0:
            print(f"  (rc={rc} err={err[:300]!r})")
        return rc, out, err

    before = int(time.time() * 1000)
    rc, out, err = online(["uid2", "generate", "--base-url", url, *creds, "--email", " Jane.Doe@Example.com "])
    ident = json.loads(out) if rc == 0 else {}
    check("generate prints an identity", rc == 0 and len(ident.get("refresh_token", "")) == 388
          and ident["identity_expires"] - ident["refresh_from"] == 2_700_000
          and before <= ident["refresh_from"] - 900_000 <= int(time.time() * 1000), out[:300])
    rc, out2, _ = online(["uid2", "refresh", "--base-url", url], stdin=out)
    new = json.loads(out2) if rc == 0 else {}
    check("refresh reads an identity on stdin, prints the new one",
          rc == 0 and new.get("refresh_token") not in (None, ident.get("refresh_token"))
          and new.get("refresh_response_key") != ident.get("refresh_response_key"), out2[:200])
    token = new.get("advertising_token", "x")
    expect("validate true", ["uid2", "validate", "--base-url", url, *creds, "--token", token, "--email", "jane.doe@example.com"],
           b"", 0, b"true\n")
    expect("validate false", ["uid2", "validate", "--base-url", url, *creds, "--token", token, "--email", "x@example.com"],
           b"", 0, b"false\n")
    expect("generate optout", ["uid2", "generate", "--base-url", url, *creds, "--email", "optout@example.com"], b"", 0,
           b'{"status":"optout"}\n')
    expect("generate phone optout", ["uid2", "generate", "--base-url", url, *creds, "--phone", "+00000000000"], b"", 0,
           b'{"status":"optout"}\n')
    rc, out, _ = online(["uid2", "generate", "--base-url", eurl, *creds, "--euid", "--email", "user@example.com", "--tcf",
                         "CPhJRpMPhJRpMABAMBFRACBoALAAAEJAAIYgAKwAQAKgArABAAqAAA"])
    check("euid sufficient consent", rc == 0 and json.loads(out)["refresh_token"].startswith("E"), out[:200])
    expect("euid insufficient consent", ["uid2", "generate", "--base-url", eurl, *creds, "--euid", "--email", "user@example.com",
                                         "--tcf", "CPehXK9PehXK9ABAMBFRACBoADAAAEJAAIYgAKwAQAKgArABAAqAAA"], b"", 0,
           b'{"status":"insufficient_user_consent"}\n')
    expect("euid invalid consent", ["uid2", "generate", "--base-url", eurl, *creds, "--euid", "--email", "user@example.com",
                                    "--tcf", "garbage"], b"", 1, err_contains="HTTP 400 client_error: User consent is invalid")
    expect("tcf without euid", ["uid2", "generate", "--base-url", url, *creds, "--email", "a@b.com", "--tcf", "x"], b"", 2)
    rc, out, _ = online(["uid2", "map", "--base-url", url, *creds, "--email", "a@example.com", "optout@example.com",
                         "A@Example.com"])
    m = json.loads(out) if rc == 0 else []
    check("map aligned with the values", rc == 0 and len(m) == 3 and m[1] == {"index": 1, "identifier": "optout@example.com",
                                                                                "unmapped": "optout"}
          and m[0]["uid"] == m[2]["uid"] and m[2]["identifier"] == "A@Example.com", out[:300])
    expect("wrong api key", ["uid2", "generate", "--base-url", url, "--api-key", "nope", "--secret", secret, "--email", "a@b.com"],
           b"", 1, err_contains="HTTP 401 unauthorized")
    expect("wrong secret", ["uid2", "generate", "--base-url", url, "--api-key", key, "--secret", vectors["request_envelopes"][0]["secret_b64"],
                            "--email", "a@b.com"], b"", 1, err_contains="HTTP 400 client_error: Invalid body: Check encryption key")
    expect("credentials from the environment", ["uid2", "generate", "--base-url", url, "--email", "optout@example.com"], b"", 0,
           b'{"status":"optout"}\n', env={"UID2_API_KEY": key, "UID2_CLIENT_SECRET": secret})
    port = url.rsplit(":", 1)[1]
    expect("--resolve", ["uid2", "generate", "--base-url", f"http://sandbox.test:{port}", "--resolve", f"sandbox.test:{port}:127.0.0.1",
                         *creds, "--email", "optout@example.com"], b"", 0, b'{"status":"optout"}\n')
    expect("bad phone before any request", ["uid2", "generate", "--base-url", url, *creds, "--phone", "555-555-5555"], b"", 1,
           err_contains="phone")
    expect("missing base url", ["uid2", "generate", *creds, "--email", "a@b.com"], b"", 2, err_contains="--base-url is required")
    expect("two identities", ["uid2", "generate", "--base-url", url, *creds, "--email", "a@b.com", "--phone", "+12345678901"], b"", 2)
    expect("unreadable ca file", ["uid2", "generate", "--base-url", url, *creds, "--ca-file", "/nonexistent.pem", "--email", "a@b.com"],
           b"", 1, err_contains="tls.ca_file")
    expect("refresh bad stdin", ["uid2", "refresh", "--base-url", url], b"{}", 1, err_contains="stdin: identity: missing member")
    # Advertising tokens: a DSP and a sharer fetch the sandbox's keys, decrypt and encrypt offline.
    import tempfile
    keydir = tempfile.mkdtemp()
    kfiles = {}
    for role in ("bidstream", "sharing"):
        rc, out, _ = online(["uid2", "keys", "--base-url", url, *creds, f"--{role}"])
        doc = json.loads(out) if rc == 0 else {}
        check(f"keys --{role} prints the key answer", rc == 0 and doc.get("status") == "success"
              and len(doc["body"]["keys"]) == 2, out[:200])
        kfiles[role] = os.path.join(keydir, role + ".json")
        open(kfiles[role], "wb").write(out)
    check("sharing keys carry the operator's string token_expiry_seconds",
          json.load(open(kfiles["sharing"]))["body"].get("token_expiry_seconds") == "2592000")
    rc, out, _ = online(["uid2", "map", "--base-url", url, *creds, "--email", "dsp@example.com"])
    mapped_uid = json.loads(out)[0]["uid"] if rc == 0 else "?"
    rc, out, _ = online(["uid2", "generate", "--base-url", url, *creds, "--email", "dsp@example.com"])
    adtoken = json.loads(out)["advertising_token"] if rc == 0 else "x"
    rc, out, err = run(["uid2", "decrypt-token", "--keys", kfiles["bidstream"], "--bidstream"], (adtoken + "\n").encode())
    d = json.loads(out) if rc == 0 else {}
    check("decrypt-token: the generated token holds the mapped raw UID2",
          rc == 0 and list(d) == ["status", "uid", "established", "site_id", "site_key_site_id", "identity_type", "version",
                                  "client_side_generated", "expires"]
          and d["uid"] == mapped_uid and d["identity_type"] == "email" and d["version"] == 4 and d["site_id"] == 999
          and d["client_side_generated"] is False, f"{out[:300]!r} {err[:200]!r}")
    rc, out, err = run(["uid2", "encrypt-token", "--keys", kfiles["sharing"], "--raw-uid", mapped_uid])
    shared = out.decode().strip()
    check("encrypt-token prints a v4 token", rc == 0 and len(shared) == 219 and shared.startswith("A4"), f"{out!r} {err!r}")
    rc, out, _ = run(["uid2", "decrypt-token", "--keys", kfiles["sharing"], "--sharing"], shared.encode())
    check("a sharer decrypts it", rc == 0 and json.loads(out)["uid"] == mapped_uid, out[:200])
    rc, out, err = run(["uid2", "decrypt-token", "--keys", kfiles["bidstream"], "--bidstream"], shared.encode())
    check("a 30-day sharing token is not a bid token", rc == 1 and out == b'{"status":"invalid_token_lifetime"}\n'
          and b"invalid_token_lifetime: " in err and err.count(b"\n") == 1, f"{out!r} {err!r}")
    rc, out, err = run(["uid2", "decrypt-token", "--keys", kfiles["bidstream"], "--bidstream"], b"!!!!garbage")
    check("garbage is invalid_payload", rc == 1 and out == b'{"status":"invalid_payload"}\n', f"{out!r} {err!r}")
    rc, out, _ = online(["uid2", "keys", "--base-url", eurl, *creds, "--euid", "--bidstream"])
    kfiles["euid"] = os.path.join(keydir, "euid.json")
    open(kfiles["euid"], "wb").write(out)
    rc, out, err = run(["uid2", "decrypt-token", "--keys", kfiles["euid"], "--bidstream", "--euid"], adtoken.encode())
    check("EUID keys refuse a UID2 token", rc == 1 and out == b'{"status":"invalid_identity_scope"}\n', f"{out!r} {err!r}")
    rc, out, err = run(["uid2", "encrypt-token", "--keys", kfiles["bidstream"], "--raw-uid", mapped_uid])
    check("bidstream keys cannot encrypt", rc == 1 and out == b"not_authorized_for_master_key\n", f"{out!r} {err!r}")
    expect("decrypt-token needs a role", ["uid2", "decrypt-token", "--keys", kfiles["sharing"]], b"x", 2)
    expect("decrypt-token missing keys file", ["uid2", "decrypt-token", "--keys", "/nonexistent", "--sharing"], b"x", 1,
           err_contains="cannot read")
    expect("keys wrong api key", ["uid2", "keys", "--base-url", url, "--api-key", "nope", "--secret", secret, "--sharing"],
           b"", 1, err_contains="HTTP 401")
    # Client-side generate: no API key; the sandbox serves the operator's published fixture pair.
    cv = json.load(open(os.path.join(data, "uid2_tokens.json")))["cstg_ecdh"]
    check("sandbox prints the client-side key and subscription",
          info.get("cstg_public_key") == cv["server_public_key"] and info.get("cstg_subscription_id") == cv["subscription_id"]
          and info.get("euid_cstg_public_key") == "EUID-X-L-" + cv["server_public_key"][9:]
          and info.get("cstg_domains") == "example.com" and info.get("cstg_app_names") == "com.example.app", repr(info))
    cstg = ["uid2", "client-generate", "--base-url", url, "--subscription-id", cv["subscription_id"], "--public-key",
            cv["server_public_key"]]
    rc, out, _ = online([*cstg, "--origin", "https://example.com", "--email", "dsp@example.com"])
    cident = json.loads(out) if rc == 0 else {}
    check("client-generate prints an identity", rc == 0 and len(cident.get("refresh_token", "")) == 388, out[:200])
    ctoken = cident.get("advertising_token", "x")
    for domain, want in (("example.com", 0), ("com.example.app", 0), ("other.example", 1)):
        rc, out, err = run(["uid2", "decrypt-token", "--keys", kfiles["bidstream"], "--bidstream", "--domain", domain],
                           ctoken.encode())
        d = json.loads(out) if out else {}
        ok = (rc == 0 and d.get("uid") == mapped_uid and d.get("client_side_generated") is True) if want == 0 else \
            (rc == 1 and d == {"status": "domain_or_app_name_check_failed"})
        check(f"a DSP decrypts the client-side token seen on {domain}: {'success' if want == 0 else 'refused'}", ok,
              f"{out!r} {err!r}")
    rc, out, _ = online(["uid2", "refresh", "--base-url", url], stdin=json.dumps(cident).encode())
    check("a client-side identity refreshes without an API key", rc == 0 and "advertising_token" in json.loads(out or b"{}"),
          out[:200])
    rc, out, _ = online([*cstg, "--app-name", "com.example.app", "--phone", "+12345678901"])
    check("client-generate for an app, phone", rc == 0 and json.loads(out)["advertising_token"].startswith("B4"), out[:200])
    expect("client-generate optout", [*cstg, "--origin", "https://example.com", "--email", "optout@example.com"], b"", 0,
           b'{"status":"optout"}\n')
    rc, out, _ = online(["uid2", "client-generate", "--base-url", eurl, "--subscription-id", cv["subscription_id"], "--public-key",
                         info["euid_cstg_public_key"], "--euid", "--origin", "https://example.com", "--email", "a@example.com"])
    check("client-generate --euid", rc == 0 and json.loads(out)["advertising_token"].startswith("E4"), out[:200])
    expect("client-generate wrong origin", [*cstg, "--origin", "https://evil.example", "--email", "a@example.com"], b"", 1,
           err_contains="origin https://evil.example is not allowed for subscription 4WvryDGbR5")
    expect("client-generate wrong app", [*cstg, "--app-name", "com.evil.app", "--email", "a@example.com"], b"", 1,
           err_contains="HTTP 403 invalid_app_name: unexpected app name")
    expect("client-generate unknown subscription", ["uid2", "client-generate", "--base-url", url, "--subscription-id", "nope",
                                                    "--public-key", cv["server_public_key"], "--origin", "https://example.com",
                                                    "--email", "a@example.com"], b"", 1,
           err_contains="HTTP 400 client_error: bad subscription_id")
    expect("client-generate a private key", [*cstg[:-1], cv["server_private_key"], "--origin", "https://example.com", "--email",
                                             "a@example.com"], b"", 1, err_contains="this is a private key")
    expect("client-generate needs origin or app", [*cstg, "--email", "a@example.com"], b"", 2,
           err_contains="give exactly one of --origin, --app-name")
    expect("client-generate origin with a path", [*cstg, "--origin", "https://example.com/x", "--email", "a@example.com"], b"", 1,
           err_contains="is not an origin")
    # A server that accepts and never answers: the --timeout deadline ends the call.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    start = time.time()
    expect("timeout", ["uid2", "generate", "--base-url", f"http://127.0.0.1:{silent.getsockname()[1]}", *creds, "--timeout", "300",
                       "--email", "a@b.com"], b"", 1, err_contains="deadline of 300 ms passed")
    check("timeout on time", time.time() - start < 5, f"{time.time() - start:.1f}s")
    silent.close()
    # HubSpot, Benchling and Alterian against the sandbox's endpoints for them.
    hs = ["--base-url", info["hubspot_base_url"]]
    rc, out, _ = online(["hubspot", "visitor-token", *hs, "--access-token", info["hubspot_access_token"],
                         "--email", "visitor@example.com", "--first-name", "Gob", "--last-name", "Bluth"])
    tok = json.loads(out).get("token", "") if rc == 0 else ""
    check("hubspot visitor-token prints a token", rc == 0 and tok.count(".") == 2, out[:200])
    expect("hubspot bad token", ["hubspot", "visitor-token", *hs, "--access-token", "wrong", "--email", "v@example.com"], b"", 1,
           err_contains="HTTP 401 INVALID_AUTHENTICATION")
    expect("hubspot daily limit", ["hubspot", "visitor-token", *hs, "--access-token", info["hubspot_access_token"],
                                   "--email", "daily-limit@example.com"], b"", 1, err_contains="policyName: DAILY")
    expect("hubspot bad email", ["hubspot", "visitor-token", *hs, "--access-token", "t", "--email", "nope"], b"", 1,
           err_contains="email: not an address")
    rc, _, _ = run(["hubspot", "visitor-token", *hs, "--email", "v@example.com"],
                   env={"HUBSPOT_ACCESS_TOKEN": info["hubspot_access_token"]})
    check("hubspot token from HUBSPOT_ACCESS_TOKEN", rc == 0, f"rc={rc}")
    expect("hubspot missing token", ["hubspot", "visitor-token", *hs, "--email", "v@example.com"], b"", 2,
           err_contains="--access-token is required")
    # HubSpot OAuth: the sandbox's public app (its client id, secret and a refresh token printed at start).
    app = [*hs, "--client-id", info["hubspot_client_id"], "--client-secret", info["hubspot_client_secret"]]
    rc, out, _ = online(["hubspot", "oauth-token", *app, "--refresh-token", info["hubspot_refresh_token"]])
    t = json.loads(out) if rc == 0 else {}
    check("hubspot oauth-token refreshes", rc == 0 and t.get("access_token", "").startswith("access-")
          and t.get("expires_in") == 1800 and t.get("token_use") == "access_token", out[:300])
    rc, out, _ = online(["hubspot", "visitor-token", *app, "--refresh-token", info["hubspot_refresh_token"],
                         "--email", "visitor@example.com"])
    check("hubspot visitor-token through a refresh token", rc == 0 and json.loads(out).get("token", "").count(".") == 2,
          out[:200])
    rc, _, _ = run(["hubspot", "visitor-token", *hs, "--client-id", info["hubspot_client_id"], "--email", "v@example.com"],
                   env={"HUBSPOT_CLIENT_SECRET": info["hubspot_client_secret"],
                        "HUBSPOT_REFRESH_TOKEN": info["hubspot_refresh_token"]})
    check("hubspot visitor-token: secret and refresh token from the environment", rc == 0, f"rc={rc}")
    rc, out, _ = online(["hubspot", "authorize-url", "--client-id", info["hubspot_client_id"],
                         "--redirect-uri", "http://localhost:3000/cb", "--scope", "oauth,crm.objects.contacts.read",
                         "--pkce", "--authorize-base-url", info["hubspot_base_url"]])
    login = json.loads(out) if rc == 0 else {}
    check("hubspot authorize-url", rc == 0 and "&scope=oauth%20crm.objects.contacts.read&" in login.get("url", "")
          and len(login.get("code_verifier", "")) == 43 and "code_challenge_method=S256" in login.get("url", ""), out[:300])

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a, **k):
            return None

    location = ""
    try:
        urllib.request.build_opener(NoRedirect).open(login.get("url", info["hubspot_base_url"]), timeout=10)
    except urllib.error.HTTPError as e:
        location = e.headers.get("Location", "")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    check("the sandbox approves and redirects with the state", query.get("state") == [login.get("state")], location)
    code = query.get("code", [""])[0]
    expect("hubspot oauth-token: a wrong verifier", ["hubspot", "oauth-token", *app, "--code", code, "--redirect-uri",
                                                     "http://localhost:3000/cb", "--code-verifier", "x" * 43], b"", 1,
           err_contains="code_verifier does not match")
    try:
        urllib.request.build_opener(NoRedirect).open(login.get("url", info["hubspot_base_url"]), timeout=10)
    except urllib.error.HTTPError as e:
        location = e.headers.get("Location", "")
    code = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query).get("code", [""])[0]
    rc, out, _ = online(["hubspot", "oauth-token", *app, "--v3", "--code", code, "--redirect-uri", "http://localhost:3000/cb",
                         "--code-verifier", login.get("code_verifier", "")])
    mine = json.loads(out).get("refresh_token", "") if rc == 0 else ""
    check("hubspot oauth-token exchanges the code (v3)", rc == 0 and mine.startswith("refresh-"), out[:300])
    rc, out, _ = online(["hubspot", "oauth-introspect", *app, "--token", mine])
    check("hubspot oauth-introspect", rc == 0 and json.loads(out).get("active") is True
          and json.loads(out).get("token_use") == "refresh_token", out[:300])
    expect("hubspot oauth-revoke", ["hubspot", "oauth-revoke", *app, "--token", mine], b"", 0, b'{"revoked":true}\n')
    expect("hubspot oauth-token after revoke", ["hubspot", "oauth-token", *app, "--refresh-token", mine], b"", 1,
           err_contains="BAD_REFRESH_TOKEN: missing or invalid refresh token")
    expect("hubspot oauth-token wrong secret", ["hubspot", "oauth-token", *hs, "--client-id", info["hubspot_client_id"],
                                                "--client-secret", "nope", "--refresh-token", "r"], b"", 1,
           err_contains="BAD_CLIENT_SECRET")
    expect("hubspot oauth-token without a secret", ["hubspot", "oauth-token", *hs, "--client-id", "x", "--refresh-token", "r"],
           b"", 2, err_contains="--client-secret is required")
    expect("hubspot oauth-token two grants", ["hubspot", "oauth-token", *app, "--refresh-token", "r", "--code", "c",
                                              "--redirect-uri", "http://localhost/cb"], b"", 2, err_contains="give one of")
    expect("hubspot visitor-token both credentials", ["hubspot", "visitor-token", *app, "--access-token", "t",
                                                      "--refresh-token", "r", "--email", "v@example.com"], b"", 2,
           err_contains="not both")
    bl = ["--base-url", info["benchling_base_url"], "--client-id", info["benchling_client_id"]]
    for extra in ([], ["--credentials-in-body"]):
        rc, out, _ = online(["benchling", "token", *bl, "--client-secret", info["benchling_client_secret"], *extra])
        t = json.loads(out) if rc == 0 else {}
        check(f"benchling token {extra}", rc == 0 and t.get("token_type") == "Bearer" and t.get("expires_in") == 900
              and t.get("access_token", "").startswith("bsbx_"), out[:200])
    rc, out, err = run(["benchling", "token", *bl, "--client-secret", "wrong-secret"])
    check("benchling bad secret", rc == 1 and b"HTTP 401 invalid_client" in err and b"wrong-secret" not in out + err, err[:300])
    al = ["--base-url", info["alterian_base_url"], "--api-key", info["alterian_api_key"]]
    rc, out, _ = online(["alterian", "create-static-token", *al, "--user-id", "34", "--client-id", "12"])
    created = json.loads(out) if rc == 0 else {}
    static = created.get("Result", "")
    check("alterian create-static-token", rc == 0 and created.get("StatusCode") == "Success" and len(static) == 36, out[:200])
    rc, out, _ = online(["alterian", "list-tokens", *al, "--client-id", "12", "--include-static", "--from", "0", "--to", "9"])
    listed = json.loads(out) if rc == 0 else {}
    check("alterian list-tokens with a cursor", rc == 0 and [t["Token"] for t in listed.get("Result", [])] == [static]
          and listed.get("Cursor", {}).get("Total") == 1, out[:300])
    rc, out, _ = online(["alterian", "update-static-token", *al, "--token", static, "--user-id", "35"])
    check("alterian update-static-token", rc == 0 and json.loads(out).get("Result") is True, out[:200])
    rc, out, _ = online(["alterian", "list-tokens", *al, "--client-id", "12", "--include-static"])
    check("alterian list-tokens sees the update", rc == 0 and json.loads(out)["Result"][0]["UserID"] == 35, out[:300])
    rc, out, _ = online(["alterian", "create-impersonation-token", *al, "--client-id", "12", "--user-id", "34"])
    check("alterian create-impersonation-token", rc == 0 and len(json.loads(out).get("Result", "")) == 36, out[:200])
    rc, out, _ = online(["alterian", "delete-static-token", *al, "--token", static])
    check("alterian delete-static-token", rc == 0 and json.loads(out).get("Result") is True, out[:200])
    rc, out, err = run(["alterian", "delete-static-token", *al, "--token", static])
    gone = json.loads(out) if out else {}
    check("alterian delete twice: printed, StatusCode not Success, exit 1",
          rc == 1 and gone.get("Result") is False and gone.get("Detail") and gone.get("StatusCode") != "Success"
          and b"StatusCode " + gone.get("StatusCode", "").encode() in err, f"{out[:200]!r} {err[:200]!r}")
    for flag, cmd in (("--user-id", ["alterian", "create-static-token", *al, "--user-id", "x1"]),
                      ("--client-id", ["alterian", "create-impersonation-token", *al, "--client-id", "1.5"]),
                      ("--timeout", ["uid2", "generate", "--base-url", url, *creds, "--timeout", "soon", "--email", "a@b.com"])):
        expect(f"non-integer {flag} is a usage error naming it", cmd, b"", 2, err_contains=f"{flag}: expected an integer")
    expect("alterian bad uuid", ["alterian", "delete-static-token", *al, "--token", "nope"], b"", 1, err_contains="not a GUID")
    expect("alterian unknown key", ["alterian", "list-tokens", "--base-url", info["alterian_base_url"], "--api-key",
                                    "00000000-0000-0000-0000-000000000000"], b"", 1, err_contains="HTTP 401 InvalidToken")
    expect("alterian --from without --to", ["alterian", "list-tokens", *al, "--from", "0"], b"", 2)
    expect("alterian unknown command", ["alterian", "nope"], b"", 2)

    for args in (["uid2", "generate", "--base-url", url, "--api-key", "nope", "--secret", secret, "--email", "a@b.com"],
                 ["uid2", "generate", "--base-url", url, *creds, "--email", "a@b.com"]):
        _, out, err = run(args)
        check("no client secret in online output", secret.encode() not in out + err)
finally:
    sandbox.terminate()
    try:
        sandbox.wait(5)
    except subprocess.TimeoutExpired:
        sandbox.kill()
check("sandbox exits on SIGTERM", sandbox.returncode == 0, f"rc={sandbox.returncode}")
# SIGINT (Ctrl-C) and SIGTERM end the sandbox within 200 ms, even with a client connected
# half-way through a request head (the connection is not waited for).
for sig in (signal.SIGINT, signal.SIGTERM):
    proc, sinfo = start_sandbox(exe)
    host, port = sinfo["uid2_base_url"].split("//")[1].rsplit(":", 1)
    held = socket.create_connection((host, int(port)))
    held.sendall(b"POST /v2/token/generate HTTP/1.1\r\nHost: x\r\n")
    time.sleep(0.1)
    start = time.monotonic()
    proc.send_signal(sig)
    try:
        rc = proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        rc = None
    took = time.monotonic() - start
    held.close()
    check(f"sandbox exits on {sig.name} within 200 ms", rc == 0 and took < 0.2, f"rc={rc}, {took * 1000:.0f} ms")
proc, sinfo = start_sandbox(exe, "--cstg-origin", "https://shop.test:8443", "--cstg-app-name", "com.shop.app",
                            "--cstg-subscription-id", "sub-2", "--cstg-private-key",
                            json.load(open(os.path.join(data, "uid2_tokens.json")))["cstg_ecdh"]["client_private_key_pkcs8_b64"])
try:
    check("sandbox --cstg-* options", sinfo.get("cstg_domains") == "shop.test" and sinfo.get("cstg_app_names") == "com.shop.app"
          and sinfo.get("cstg_subscription_id") == "sub-2" and sinfo.get("cstg_public_key", "").startswith("UID2-X-L-MFkw"), repr(sinfo))
    expect("client-generate against --cstg-* values",
           ["uid2", "client-generate", "--base-url", sinfo.get("uid2_base_url", "http://127.0.0.1:1"), "--subscription-id", "sub-2",
            "--public-key", sinfo.get("cstg_public_key", "x"), "--origin", "https://shop.test", "--email", "optout@example.com"],
           b"", 0, b'{"status":"optout"}\n')
finally:
    stop(proc)
expect("sandbox bad cstg key", ["sandbox", "--cstg-private-key", "UID2-Y-L-bm90IGEga2V5"], b"", 1, err_contains="cstg_private_key")
# Mapping whole lists: a sandbox that fails 10% of requests, with 2 ms of latency each.
proc, minfo = start_sandbox(exe, "--latency-ms", "2", "--fail-rate", "0.1", "--seed", "7", "--map-salt", "cli")
try:
    import random
    import signal
    import tempfile
    mdir = tempfile.mkdtemp()
    menv = {"UID2_API_KEY": minfo["api_key"], "UID2_CLIENT_SECRET": minfo["client_secret"]}
    murl = minfo["uid2_base_url"]

    def list_rows(n):
        for i in range(n):
            yield f"bad{i}" if i % 97 == 5 else (f"+1555{1000000 + i}" if i % 7 == 3 else f"user{i}@example.com")

    src = os.path.join(mdir, "in.txt")
    with open(src, "w") as f:
        f.writelines(r + "\n" for r in list_rows(30_000))
    full = os.path.join(mdir, "full.jsonl")
    rc, out, err = run(["uid2", "map", "--base-url", murl, "--input", src, "--output", full, "--concurrency", "8"], env=menv)
    lines = open(full, "rb").read().splitlines() if rc == 0 else []
    rows = [json.loads(x) for x in lines]
    check("map --input: one line per input row, in order, with its outcome",
          rc == 0 and len(rows) == 30_000 and all(r["input"] == x for r, x in zip(rows, list_rows(30_000)))
          and all(r["outcome"] == ("invalid" if i % 97 == 5 else "mapped") for i, r in enumerate(rows))
          and all(list(r) == ["input", "type", "outcome", "uid", "previous_uid", "refresh_from", "error"] for r in rows[:50]),
          f"rc={rc} {err[-300:]!r}")
    check("map --input: a summary on stderr", b"30000 rows: " in err and b"310 invalid, 0 failed" in err, err[-300:])
    # Killed (SIGKILL) at random points while it writes, resumed each time: the same bytes as the
    # uninterrupted run. Each run is killed once its output has grown by a random share of the
    # whole (polled every millisecond, so the kill lands anywhere in the run's work), until a run
    # finishes by itself.
    part = os.path.join(mdir, "part.jsonl")
    full_size = os.path.getsize(full)
    rnd = random.Random(11)
    kills = 0
    sizes = []  # the partial output's size after each kill
    size_of = lambda: os.path.getsize(part) if os.path.exists(part) else 0  # noqa: E731
    for attempt in range(20):
        target = size_of() + rnd.uniform(0.05, 0.3) * full_size
        p = subprocess.Popen([exe, "uid2", "map", "--base-url", murl, "--input", src, "--output", part, "--resume", "--quiet",
                              "--concurrency", "4"], env={**os.environ, **menv}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        while p.poll() is None and size_of() < target:
            time.sleep(0.001)
        if p.poll() is not None:
            break
        p.send_signal(signal.SIGKILL)
        p.wait()
        kills += 1
        sizes.append(size_of())
    else:
        rc, _, _ = run(["uid2", "map", "--base-url", murl, "--input", src, "--output", part, "--resume", "--quiet"], env=menv)
    check(f"map killed {kills} times and resumed: byte-identical output",
          kills >= 3 and len(set(sizes)) >= 3 and open(part, "rb").read() == open(full, "rb").read(),
          f"kills={kills} sizes after kills {sizes}, end {os.path.getsize(part)} vs {os.path.getsize(full)}")
    print(f"  map kills: partial output after each {sizes} of {os.path.getsize(full)} bytes")
    # CSV in (a column of a file with a header) and out.
    csv_in = os.path.join(mdir, "in.csv")
    with open(csv_in, "w") as f:
        f.write('id,"e-mail",note\n1,a@example.com,x\n2,"optout@example.com","y, z"\n3,nope,\n')
    rc, out, err = run(["uid2", "map", "--base-url", murl, "--input", csv_in, "--column", "e-mail", "--type", "email",
                        "--format", "csv", "--quiet"], env=menv)
    got = out.decode().splitlines()
    check("map CSV in and out", rc == 0 and got[0] == "input,type,outcome,uid,previous_uid,refresh_from,error"
          and got[1].startswith("a@example.com,email,mapped,") and got[2] == "optout@example.com,email,optout,,,,"
          and got[3].startswith("nope,email,invalid,,,,"), out.decode()[:400])
    expect("map --output exists without --resume", ["uid2", "map", "--base-url", murl, "--input", src, "--output", full], b"", 2,
           err_contains="give --resume", env=menv)
    expect("map unknown column", ["uid2", "map", "--base-url", murl, "--input", csv_in, "--column", "mail"], b"", 1,
           err_contains="no column named mail", env=menv)
    expect("map bad concurrency", ["uid2", "map", "--base-url", murl, "--input", src, "--concurrency", "0"], b"", 2, env=menv)
    rc, out, _ = run(["uid2", "map", "--base-url", murl, "--email", "a@example.com", "not-an-email", "b@example.com"], env=menv)
    arr = json.loads(out) if rc == 0 else []
    check("map values: a bad value is its row's outcome, named", rc == 0 and len(arr) == 3 and arr[1]["unmapped"] == "invalid"
          and arr[1]["identifier"] == "not-an-email" and arr[1]["error"] and "uid" in arr[2]
          and [a["index"] for a in arr] == [0, 1, 2], out[:300])
    # Memory stays flat: the peak RSS of 1,000,000 rows within 1.2x of 100,000 rows. Not under
    # AddressSanitizer (./run.sh sets ASAN_OPTIONS for that build): its quarantine holds freed
    # memory in proportion to what was allocated, up to 256 MB, which is what it is for.
    peaks = {}
    for n in (() if "ASAN_OPTIONS" in os.environ else (100_000, 1_000_000)):
        big = os.path.join(mdir, f"in{n}.txt")
        with open(big, "w") as f:
            f.writelines(f"u{i}@example.com\n" for i in range(n))
        dst = os.path.join(mdir, f"out{n}.jsonl")
        p = subprocess.Popen([exe, "uid2", "map", "--base-url", murl, "--input", big, "--output", dst, "--quiet", "--concurrency", "8"],
                             env={**os.environ, **menv}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(p.pid, 0)
        peaks[n] = (status, usage.ru_maxrss, sum(1 for _ in open(dst, "rb")))
        os.remove(big)
        os.remove(dst)
    if peaks:
        print(f"  map peak RSS: 100,000 rows {peaks[100_000][1]} KiB, 1,000,000 rows {peaks[1_000_000][1]} KiB; "
              f"killed and resumed {kills} times")
        check("map memory: 1,000,000 rows within 1.2x the peak RSS of 100,000",
              peaks[100_000][0] == 0 and peaks[1_000_000][0] == 0 and peaks[1_000_000][2] == 1_000_000
              and peaks[1_000_000][1] <= 1.2 * peaks[100_000][1], repr(peaks))
finally:
    stop(proc)
expect("sandbox bad port", ["sandbox", "--port", "70000"], b"", 2)
expect("sandbox non-integer port", ["sandbox", "--port", "80a"], b"", 2, err_contains="--port: expected an integer")
expect("sandbox bad secret", ["sandbox", "--client-secret", "c2hvcnQ="], b"", 1, err_contains="client_secret")

tally.finish()
