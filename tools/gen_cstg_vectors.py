#!/usr/bin/env python3
"""Writes tests/data/uid2_cstg_requests.json: client-side generate requests and answers built with
python3-cryptography (an implementation independent of tokenmint's) from the operator's fixture
key pairs in uid2_tokens.json (cstg_ecdh), with fixed IVs and timestamps, so that tokenmint's
sealing is checked byte for byte and its opening against bytes it did not make.

  python3 tools/gen_cstg_vectors.py tests/data/uid2_tokens.json > tests/data/uid2_cstg_requests.json
"""
import base64
import hashlib
import json
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def b64(b):
    return base64.b64encode(b).decode()


def main():
    fx = json.load(open(sys.argv[1]))["cstg_ecdh"]
    client = serialization.load_der_private_key(base64.b64decode(fx["client_private_key_pkcs8_b64"]), None)
    server_pub = serialization.load_der_public_key(base64.b64decode(fx["server_public_key"][9:]))
    secret = client.exchange(ec.ECDH(), server_pub)
    assert secret.hex() == fx["shared_secret_hex"]
    aes = AESGCM(secret)
    cases = []
    for name, kind, value, digest_input, app_name, ts, iv_hex in [
        ("email, web", "email", "User.Name+tag@gmail.com", "username@gmail.com", None, 1700000000123, "000102030405060708090a0b"),
        ("phone, app", "phone", "+12345678901", "+12345678901", "com.example.app", 1700000000456, "a0a1a2a3a4a5a6a7a8a9aaab"),
    ]:
        field = "email_hash" if kind == "email" else "phone_hash"
        payload = json.dumps({field: b64(hashlib.sha256(digest_input.encode()).digest())}, separators=(",", ":"))
        aad = json.dumps([ts] + ([app_name] if app_name else []), separators=(",", ":"))
        iv = bytes.fromhex(iv_hex)
        sealed = aes.encrypt(iv, payload.encode(), aad.encode())
        body = {"payload": b64(sealed), "iv": b64(iv), "public_key": fx["client_public_key_spki_b64"], "timestamp": ts,
                "subscription_id": fx["subscription_id"]}
        if app_name:
            body["app_name"] = app_name
        cases.append({"name": name, "kind": kind, "input": value, "app_name": app_name, "timestamp_ms": ts, "iv_hex": iv_hex,
                      "payload_plaintext": payload, "aad": aad, "body": json.dumps(body, separators=(",", ":"))})
    answers = []
    for status, plain, iv_hex in [
        ("success", {"body": {"advertising_token": "AdvertisingTokenA", "refresh_token": "RefreshTokenB",
                              "identity_expires": 1700003600000, "refresh_expires": 1702592000000,
                              "refresh_from": 1700000900000, "refresh_response_key": b64(bytes(range(32)))},
                     "status": "success"}, "0f0e0d0c0b0a090807060504"),
        ("optout", {"status": "optout"}, "1f1e1d1c1b1a191817161514"),
    ]:
        text = json.dumps(plain, separators=(",", ":"))
        iv = bytes.fromhex(iv_hex)
        answers.append({"status": status, "plaintext": text, "body": b64(iv + aes.encrypt(iv, text.encode(), None))})
    json.dump({"about": "made by tools/gen_cstg_vectors.py with python3-cryptography from cstg_ecdh of uid2_tokens.json",
               "requests": cases, "answers": answers}, sys.stdout, indent=1)
    sys.stdout.write("\n")


main()
