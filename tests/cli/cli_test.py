#!/usr/bin/env python3
"""End-to-end tests of the `tokenmint` CLI's offline uid2 subcommands, judged by the vector files.

usage: cli_test.py PATH/TO/tokenmint TESTS/DATA
Prints one line per failure and a closing `cli: N passed, N failed`; exits 1 on any failure.
"""
import json
import os
import subprocess
import sys

exe, data = sys.argv[1], sys.argv[2]
vectors = json.load(open(os.path.join(data, "uid2.json")))
extra = json.load(open(os.path.join(data, "uid2_normalization_extra.json")))
operator = json.load(open(os.path.join(data, "uid2_operator.json")))
passed = failed = 0


def run(args, stdin=b"", env=None):
    e = dict(os.environ)
    e.pop("UID2_CLIENT_SECRET", None)
    e.update(env or {})
    p = subprocess.run([exe, *args], input=stdin, capture_output=True, timeout=30, env=e)
    return p.returncode, p.stdout, p.stderr


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: {detail}")


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
expect("bad timestamp", ["uid2", "encrypt-request", "--secret", sec, "--timestamp", "12x"], b"{}", 1,
       err_contains="--timestamp: expected an integer")
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
expect("version", ["--version"], b"", 0, b"tokenmint 0.1.0\n")

# No secret ever reaches the output streams, on success or failure.
for args in (["uid2", "encrypt-request", "--secret", sec], ["uid2", "decrypt-request", "--secret", sec]):
    for stdin in (b"{}", b"garbage", b""):
        _, out, err = run(args, stdin)
        check(f"no secret in output {args[1]} {stdin!r}", sec.encode() not in out + err)

print(f"cli: {passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
