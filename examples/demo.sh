#!/usr/bin/env bash
# What `./run.sh demo` shows: the sandbox on 127.0.0.1, then the UID2 and EUID flows over real HTTP
# with the `tokenmint` CLI (generate, refresh, validate, opt-out, consent, identity map, a DSP
# decrypting the token with the bidstream keys, sharers encrypting and decrypting, client-side
# generation and a DSP's domain check on its token), HubSpot
# visitor tokens, Benchling client-credentials tokens and Alterian static tokens against the
# sandbox's endpoints for them, then a look inside the envelope offline.
set -euo pipefail
T=${TOKENMINT:?set TOKENMINT to the tokenmint binary}
step() { printf '\n\033[1m%s\033[0m\n$ %s\n' "$1" "$2"; }
short() { python3 -c 'import sys,json
d=json.load(sys.stdin)
for k in ("advertising_token","refresh_token","refresh_response_key","access_token"):
    if k in d and len(d[k])>24: d[k]=d[k][:20]+"...("+str(len(d[k]))+" chars)"
print(json.dumps(d,indent=2))'; }

WORK=$(mktemp -d)
trap 'kill $SANDBOX 2>/dev/null || true; rm -rf "$WORK"' EXIT

step "Start the sandbox (UID2 at the root, EUID under /euid, then HubSpot, Benchling, Alterian) on a free port" "tokenmint sandbox --port 0 &"
"$T" sandbox --port 0 >"$WORK/sandbox.txt" 2>&1 &
SANDBOX=$!
for _ in $(seq 100); do grep -q '^alterian_api_key:' "$WORK/sandbox.txt" 2>/dev/null && break; sleep 0.1; done
grep -q '^alterian_api_key:' "$WORK/sandbox.txt" || { cat "$WORK/sandbox.txt"; echo "sandbox did not start" >&2; exit 1; }
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

step "A DSP fetches the bidstream keys and decrypts the publisher's token locally (the raw UID2 equals the map's)" \
  "tokenmint uid2 keys --bidstream --base-url $UID2_URL > bidstream.json; echo \$TOKEN | tokenmint uid2 decrypt-token --keys bidstream.json --bidstream"
"$T" uid2 keys --bidstream --base-url "$UID2_URL" >"$WORK/bidstream.json"
AD=$("$T" uid2 generate --base-url "$UID2_URL" --email jane.doe@example.com | python3 -c 'import sys,json; print(json.load(sys.stdin)["advertising_token"])')
echo "$AD" | "$T" uid2 decrypt-token --keys "$WORK/bidstream.json" --bidstream | python3 -m json.tool
RAW=$(echo "$AD" | "$T" uid2 decrypt-token --keys "$WORK/bidstream.json" --bidstream | python3 -c 'import sys,json; print(json.load(sys.stdin)["uid"])')

step "A sharer encrypts the raw UID2 into a token; another participant decrypts it" \
  "tokenmint uid2 keys --sharing ... > sharing.json; tokenmint uid2 encrypt-token --keys sharing.json --raw-uid \$RAW | tokenmint uid2 decrypt-token --keys sharing.json --sharing"
"$T" uid2 keys --sharing --base-url "$UID2_URL" >"$WORK/sharing.json"
"$T" uid2 encrypt-token --keys "$WORK/sharing.json" --raw-uid "$RAW" | tee "$WORK/shared.txt"
"$T" uid2 decrypt-token --keys "$WORK/sharing.json" --sharing <"$WORK/shared.txt" | python3 -m json.tool

step "A 30-day sharing token is not a bid token: a status, the reason on stderr, exit status 1" \
  "tokenmint uid2 decrypt-token --keys bidstream.json --bidstream < shared.txt"
"$T" uid2 decrypt-token --keys "$WORK/bidstream.json" --bidstream <"$WORK/shared.txt" 2>&1 || echo "(exit status $?)"

CSTG_SUB=$(field cstg_subscription_id)
CSTG_KEY=$(field cstg_public_key)
step "Client-side generation, as an app or a web page does it: no API key, the email hashed and sealed under ECDH" \
  "tokenmint uid2 client-generate --base-url $UID2_URL --subscription-id $CSTG_SUB --public-key ${CSTG_KEY:0:24}... --origin https://example.com --email jane.doe@example.com"
(unset UID2_API_KEY UID2_CLIENT_SECRET
 "$T" uid2 client-generate --base-url "$UID2_URL" --subscription-id "$CSTG_SUB" --public-key "$CSTG_KEY" \
   --origin https://example.com --email jane.doe@example.com) | tee "$WORK/cstg.json"
CSTG_AD=$(python3 -c 'import sys,json; print(json.load(open(sys.argv[1]))["advertising_token"])' "$WORK/cstg.json")

step "A DSP decrypts that token seen on example.com, the site's domain (client_side_generated: true)" \
  "echo \$CSTG_TOKEN | tokenmint uid2 decrypt-token --keys bidstream.json --bidstream --domain example.com"
echo "$CSTG_AD" | "$T" uid2 decrypt-token --keys "$WORK/bidstream.json" --bidstream --domain example.com | python3 -m json.tool

step "...and refuses it seen on another domain (or with none): a client-side token is bound to its site" \
  "echo \$CSTG_TOKEN | tokenmint uid2 decrypt-token --keys bidstream.json --bidstream --domain other.example"
echo "$CSTG_AD" | "$T" uid2 decrypt-token --keys "$WORK/bidstream.json" --bidstream --domain other.example 2>&1 || echo "(exit status $?)"

step "Client-side generation from a page the subscription does not allow: a typed error, exit status 1" \
  "tokenmint uid2 client-generate ... --origin https://evil.example --email jane.doe@example.com"
"$T" uid2 client-generate --base-url "$UID2_URL" --subscription-id "$CSTG_SUB" --public-key "$CSTG_KEY" \
  --origin https://evil.example --email jane.doe@example.com 2>&1 || echo "(exit status $?)"

if [[ -x ${EXAMPLES:-}/10_client_side_generate ]]; then
  step "The same in C++: an app generates, refreshes with no credential, and an unregistered app is refused (example 10)" \
    "examples/10_client_side_generate $UID2_URL $CSTG_SUB \$CSTG_KEY"
  "$EXAMPLES/10_client_side_generate" "$UID2_URL" "$CSTG_SUB" "$CSTG_KEY"
fi

if [[ -x ${EXAMPLES:-}/9_dsp_and_sharing ]]; then
  step "The same in C++: a DSP decrypting on four threads, two sharers (example 9)" "examples/9_dsp_and_sharing $UID2_URL"
  "$EXAMPLES/9_dsp_and_sharing" "$UID2_URL"
fi

step "A wrong API key: the HTTP status and the operator's words on stderr, exit status 1" \
  "tokenmint uid2 generate --base-url $UID2_URL --api-key wrong --email jane.doe@example.com"
"$T" uid2 generate --base-url "$UID2_URL" --api-key wrong --email jane.doe@example.com 2>&1 || echo "(exit status $?)"

step "Bad input never reaches the network" "tokenmint uid2 generate --base-url $UID2_URL --phone '(555) 555-5555'"
"$T" uid2 generate --base-url "$UID2_URL" --phone '(555) 555-5555' 2>&1 || echo "(exit status $?)"

export HUBSPOT_ACCESS_TOKEN=$(field hubspot_access_token) BENCHLING_CLIENT_SECRET=$(field benchling_client_secret) \
  ALTERIAN_API_KEY=$(field alterian_api_key)
HUBSPOT_URL=$(field hubspot_base_url)
BENCHLING_URL=$(field benchling_base_url)
ALTERIAN_URL=$(field alterian_base_url)

step "HubSpot: a visitor identification token for the chat widget (Bearer access token)" \
  "tokenmint hubspot visitor-token --base-url $HUBSPOT_URL --email visitor@example.com --first-name Gob --last-name Bluth"
"$T" hubspot visitor-token --base-url "$HUBSPOT_URL" --email visitor@example.com --first-name Gob --last-name Bluth

step "HubSpot's daily limit: a typed rate_limited error, never retried (policyName DAILY)" \
  "tokenmint hubspot visitor-token --base-url $HUBSPOT_URL --email daily-limit@example.com"
"$T" hubspot visitor-token --base-url "$HUBSPOT_URL" --email daily-limit@example.com 2>&1 || echo "(exit status $?)"

export HUBSPOT_CLIENT_SECRET=$(field hubspot_client_secret) HUBSPOT_REFRESH_TOKEN=$(field hubspot_refresh_token)
HUBSPOT_APP=(--base-url "$HUBSPOT_URL" --client-id "$(field hubspot_client_id)")
step "HubSpot public app: the authorize URL a server sends the installing user to (state and PKCE generated)" \
  "tokenmint hubspot authorize-url --client-id $(field hubspot_client_id) --redirect-uri https://app.example.com/oauth-callback --scope oauth --pkce"
"$T" hubspot authorize-url --client-id "$(field hubspot_client_id)" --redirect-uri https://app.example.com/oauth-callback \
  --scope oauth --pkce | python3 -c 'import sys,json
d=json.load(sys.stdin); d["code_verifier"]=d["code_verifier"][:6]+"...(kept by the app for the code exchange)"
print(json.dumps(d,indent=2))'

step "HubSpot public app: a 30-minute access token from the refresh token (client secret and refresh token from the environment)" \
  "tokenmint hubspot oauth-token --base-url $HUBSPOT_URL --client-id $(field hubspot_client_id)"
"$T" hubspot oauth-token "${HUBSPOT_APP[@]}" | short

step "HubSpot public app: a visitor token through the refreshing token provider" \
  "tokenmint hubspot visitor-token --base-url $HUBSPOT_URL --client-id $(field hubspot_client_id) --email visitor@example.com"
"$T" hubspot visitor-token "${HUBSPOT_APP[@]}" --email visitor@example.com

step "HubSpot public app: a revoked refresh token is a clear error, exit status 1" \
  "tokenmint hubspot oauth-token --base-url $HUBSPOT_URL --client-id $(field hubspot_client_id) --refresh-token revoked-or-unknown"
"$T" hubspot oauth-token "${HUBSPOT_APP[@]}" --refresh-token revoked-or-unknown 2>&1 || echo "(exit status $?)"

if [[ -x ${EXAMPLES:-}/8_hubspot_public_app ]]; then
  step "HubSpot public app for an hour of simulated time: authorize, code exchange, two access-token expiries, rotated refresh tokens persisted" \
    "examples/8_hubspot_public_app"
  "$EXAMPLES/8_hubspot_public_app"
fi

step "Benchling: an OAuth2 client-credentials token (HTTP Basic, form-encoded grant)" \
  "tokenmint benchling token --base-url $BENCHLING_URL --client-id $(field benchling_client_id)"
"$T" benchling token --base-url "$BENCHLING_URL" --client-id "$(field benchling_client_id)" | short

step "Benchling with a wrong secret: HTTP 401 and Benchling's error type, no secret printed" \
  "tokenmint benchling token --base-url $BENCHLING_URL --client-id $(field benchling_client_id) --client-secret wrong"
"$T" benchling token --base-url "$BENCHLING_URL" --client-id "$(field benchling_client_id)" --client-secret wrong 2>&1 \
  || echo "(exit status $?)"

step "Alterian: create a static token for user 34 of client 12 (SA token in X-Api-Key)" \
  "tokenmint alterian create-static-token --base-url $ALTERIAN_URL --user-id 34 --client-id 12"
"$T" alterian create-static-token --base-url "$ALTERIAN_URL" --user-id 34 --client-id 12 | tee "$WORK/static.json"
STATIC=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Result"])' "$WORK/static.json")

step "Alterian: move it to user 35, list client 12's static tokens one page at a time, delete it" \
  "tokenmint alterian update-static-token ...; list-tokens --client-id 12 --include-static --from 0 --to 9; delete-static-token ..."
"$T" alterian update-static-token --base-url "$ALTERIAN_URL" --token "$STATIC" --user-id 35
"$T" alterian list-tokens --base-url "$ALTERIAN_URL" --client-id 12 --include-static --from 0 --to 9 | python3 -m json.tool
"$T" alterian delete-static-token --base-url "$ALTERIAN_URL" --token "$STATIC"

step "Alterian: delete it again: the answer is printed, StatusCode NotFound, exit status 1" \
  "tokenmint alterian delete-static-token --base-url $ALTERIAN_URL --token \$STATIC; echo \$?"
status=0
"$T" alterian delete-static-token --base-url "$ALTERIAN_URL" --token "$STATIC" || status=$?
echo "exit status $status"
[[ $status -eq 1 ]] || { echo "expected exit status 1" >&2; exit 1; }

step "Offline: the envelope the client sends, opened as the operator would" \
  "echo '{\"email_hash\":...}' | tokenmint uid2 encrypt-request | tokenmint uid2 decrypt-request"
HASH=$("$T" uid2 hash-email ' Jane.Doe@Example.com ')
printf '{"email_hash":"%s"}' "$HASH" | "$T" uid2 encrypt-request | tee "$WORK/envelope.b64"
echo
"$T" uid2 decrypt-request <"$WORK/envelope.b64"
echo
echo "demo finished"
