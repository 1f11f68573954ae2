#!/usr/bin/env bash
# What `./run.sh demo` shows until the UID2 client and the sandbox operator exist: the offline
# `tokenmint uid2` commands on sample inputs, end to end through a sealed request and response.
set -euo pipefail
T=${TOKENMINT:?set TOKENMINT to the tokenmint binary}
step() { printf '\n\033[1m%s\033[0m\n$ %s\n' "$1" "$2"; }

SECRET=ioG3wKxAokmp+rERx6A4kM/13qhyolUXIu14WN16Spo=   # a public test secret (protocol page, 8.1)
export UID2_CLIENT_SECRET=$SECRET

step "Normalize an email the way the UID2 operator does" "tokenmint uid2 normalize-email '  Jane.Doe+home@GMAIL.com '"
"$T" uid2 normalize-email '  Jane.Doe+home@GMAIL.com '

step "Hash it: base64(SHA-256(normalized))" "tokenmint uid2 hash-email '  Jane.Doe+home@GMAIL.com '"
HASH=$("$T" uid2 hash-email '  Jane.Doe+home@GMAIL.com ')
echo "$HASH"

step "Validate and hash a phone number (E.164)" "tokenmint uid2 hash-phone +12345678901"
"$T" uid2 hash-phone +12345678901

step "A phone that is not E.164 is refused before anything is sent" "tokenmint uid2 hash-phone '(555) 555-5555'"
"$T" uid2 hash-phone '(555) 555-5555' 2>&1 || echo "(exit status $?)"

REQ="{\"email_hash\":\"$HASH\"}"
step "Seal a /v2/token/generate request (fresh IV, nonce, timestamp)" "echo '$REQ' | tokenmint uid2 encrypt-request"
ENVELOPE=$(printf '%s' "$REQ" | "$T" uid2 encrypt-request)
echo "$ENVELOPE"

step "Open it as the operator would" "echo \$ENVELOPE | tokenmint uid2 decrypt-request"
printf '%s' "$ENVELOPE" | "$T" uid2 decrypt-request

step "The operator's answer to a stale request" "echo \$ENVELOPE | tokenmint uid2 decrypt-request --now 4102444800000"
printf '%s' "$ENVELOPE" | "$T" uid2 decrypt-request --now 4102444800000 2>&1 || echo "(exit status $?)"

step "The operator's answer to plain JSON" "echo '$REQ' | tokenmint uid2 decrypt-request"
printf '%s' "$REQ" | "$T" uid2 decrypt-request 2>&1 || echo "(exit status $?)"

NONCE=312fe5aa08b2a049
step "Seal an opt-out response for nonce $NONCE" "echo '{\"status\":\"optout\"}' | tokenmint uid2 encrypt-response --nonce $NONCE"
RESPONSE=$(printf '{"status":"optout"}' | "$T" uid2 encrypt-response --nonce $NONCE)
echo "$RESPONSE"

step "Open it as the client: the nonce must match" "echo \$RESPONSE | tokenmint uid2 decrypt-response --nonce $NONCE"
printf '%s' "$RESPONSE" | "$T" uid2 decrypt-response --nonce $NONCE

step "A response that does not echo our nonce is refused" "echo \$RESPONSE | tokenmint uid2 decrypt-response --nonce 0000000000000000"
printf '%s' "$RESPONSE" | "$T" uid2 decrypt-response --nonce 0000000000000000 2>&1 || echo "(exit status $?)"
echo
echo "demo finished"
