#!/usr/bin/env bash
# What `./run.sh demo` shows: the sandbox operator on 127.0.0.1, then the UID2 and EUID flows over
# real HTTP with the `tokenmint` CLI (generate, refresh, validate, opt-out, consent, identity map),
# then a look inside the envelope offline.
set -euo pipefail
T=${TOKENMINT:?set TOKENMINT to the tokenmint binary}
step() { printf '\n\033[1m%s\033[0m\n$ %s\n' "$1" "$2"; }
short() { python3 -c 'import sys,json
d=json.load(sys.stdin)
for k in ("advertising_token","refresh_token","refresh_response_key"):
    if k in d and len(d[k])>24: d[k]=d[k][:20]+"...("+str(len(d[k]))+" chars)"
print(json.dumps(d,indent=2))'; }

WORK=$(mktemp -d)
trap 'kill $SANDBOX 2>/dev/null || true; rm -rf "$WORK"' EXIT

step "Start the sandbox operator (UID2 at the root, EUID under /euid) on a free port" "tokenmint sandbox --port 0 &"
"$T" sandbox --port 0 >"$WORK/sandbox.txt" 2>&1 &
SANDBOX=$!
for _ in $(seq 100); do grep -q '^client_secret:' "$WORK/sandbox.txt" 2>/dev/null && break; sleep 0.1; done
grep -q '^client_secret:' "$WORK/sandbox.txt" || { cat "$WORK/sandbox.txt"; echo "sandbox did not start" >&2; exit 1; }
cat "$WORK/sandbox.txt"
field() { sed -n "s/^$1: //p" "$WORK/sandbox.txt"; }
UID2_URL=$(field uid2_base_url)
EUID_URL=$(field euid_base_url)
export UID2_API_KEY=$(field api_key) UID2_CLIENT_SECRET=$(field client_secret)  # keeps them out of `ps`

step "Generate a UID2 identity for an email (normalized and hashed before it leaves)" \
  "tokenmint uid2 generate --base-url $UID2_URL --email ' Jane.Doe@Example.com '"
"$T" uid2 generate --base-url "$UID2_URL" --email ' Jane.Doe@Example.com ' >"$WORK/identity.json"
short <"$WORK/identity.json"

step "Refresh it: the 388-character refresh token is the whole body; the answer is sealed with refresh_response_key" \
  "tokenmint uid2 refresh --base-url $UID2_URL < identity.json"
"$T" uid2 refresh --base-url "$UID2_URL" <"$WORK/identity.json" >"$WORK/refreshed.json"
short <"$WORK/refreshed.json"

TOKEN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["advertising_token"])' "$WORK/refreshed.json")
step "Validate the advertising token against the same email, then another one" \
  "tokenmint uid2 validate --base-url $UID2_URL --token \$TOKEN --email jane.doe@example.com"
"$T" uid2 validate --base-url "$UID2_URL" --token "$TOKEN" --email jane.doe@example.com
"$T" uid2 validate --base-url "$UID2_URL" --token "$TOKEN" --email someone.else@example.com

step "The opt-out test identity: an outcome, not an error" "tokenmint uid2 generate --base-url $UID2_URL --email optout@example.com"
"$T" uid2 generate --base-url "$UID2_URL" --email optout@example.com

step "EUID with sufficient TCF consent" "tokenmint uid2 generate --euid --base-url $EUID_URL --email user@example.com --tcf CPhJRpMP..."
"$T" uid2 generate --euid --base-url "$EUID_URL" --email user@example.com \
  --tcf CPhJRpMPhJRpMABAMBFRACBoALAAAEJAAIYgAKwAQAKgArABAAqAAA | short

step "EUID with insufficient TCF consent" "tokenmint uid2 generate --euid --base-url $EUID_URL --email user@example.com --tcf CPehXK9P..."
"$T" uid2 generate --euid --base-url "$EUID_URL" --email user@example.com \
  --tcf CPehXK9PehXK9ABAMBFRACBoADAAAEJAAIYgAKwAQAKgArABAAqAAA

step "Map identifiers to raw UID2s (results aligned with the input)" \
  "tokenmint uid2 map --base-url $UID2_URL --email jane.doe@example.com optout@example.com"
"$T" uid2 map --base-url "$UID2_URL" --email jane.doe@example.com optout@example.com | python3 -m json.tool

step "A wrong API key: the HTTP status and the operator's words on stderr, exit status 1" \
  "tokenmint uid2 generate --base-url $UID2_URL --api-key wrong --email jane.doe@example.com"
"$T" uid2 generate --base-url "$UID2_URL" --api-key wrong --email jane.doe@example.com 2>&1 || echo "(exit status $?)"

step "Bad input never reaches the network" "tokenmint uid2 generate --base-url $UID2_URL --phone '(555) 555-5555'"
"$T" uid2 generate --base-url "$UID2_URL" --phone '(555) 555-5555' 2>&1 || echo "(exit status $?)"

step "Offline: the envelope the client sends, opened as the operator would" \
  "echo '{\"email_hash\":...}' | tokenmint uid2 encrypt-request | tokenmint uid2 decrypt-request"
HASH=$("$T" uid2 hash-email ' Jane.Doe@Example.com ')
printf '{"email_hash":"%s"}' "$HASH" | "$T" uid2 encrypt-request | tee "$WORK/envelope.b64"
echo
"$T" uid2 decrypt-request <"$WORK/envelope.b64"
echo
echo "demo finished"
