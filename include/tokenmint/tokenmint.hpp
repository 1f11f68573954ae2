// Umbrella header: the whole client library. The testing component (servers, the sandbox,
// fakes) is not part of it: its own umbrella is testing/testing.hpp (link tokenmint_testing).
#pragma once

#include <tokenmint/version.hpp>

#include <tokenmint/core/clock.hpp>
#include <tokenmint/core/errc.hpp>
#include <tokenmint/core/error.hpp>
#include <tokenmint/core/result.hpp>
#include <tokenmint/core/secret.hpp>

#include <tokenmint/codec/base64.hpp>
#include <tokenmint/codec/hex.hpp>
#include <tokenmint/codec/utf8.hpp>

#include <tokenmint/crypto/aes_gcm.hpp>
#include <tokenmint/crypto/ecdh.hpp>
#include <tokenmint/crypto/random.hpp>
#include <tokenmint/crypto/sha256.hpp>
#include <tokenmint/crypto/shared_key.hpp>

#include <tokenmint/json/json.hpp>

#include <tokenmint/http/message.hpp>
#include <tokenmint/http/parser.hpp>
#include <tokenmint/http/request_parser.hpp>
#include <tokenmint/http/serializer.hpp>
#include <tokenmint/http/url.hpp>

#include <tokenmint/policy/observer.hpp>
#include <tokenmint/policy/rate_limiter.hpp>
#include <tokenmint/policy/retry.hpp>

#include <tokenmint/service/blocking.hpp>
#include <tokenmint/service/call_options.hpp>
#include <tokenmint/service/helpers.hpp>
#include <tokenmint/service/send.hpp>

#include <tokenmint/auth/credentials.hpp>
#include <tokenmint/auth/oauth2.hpp>
#include <tokenmint/auth/pkce.hpp>

#include <tokenmint/transport/https_transport.hpp>
#include <tokenmint/transport/transport.hpp>

#include <tokenmint/uid2/blocking.hpp>
#include <tokenmint/uid2/client.hpp>
#include <tokenmint/uid2/client_side.hpp>
#include <tokenmint/uid2/client_side_client.hpp>
#include <tokenmint/uid2/envelope.hpp>
#include <tokenmint/uid2/flavour.hpp>
#include <tokenmint/uid2/identity.hpp>
#include <tokenmint/uid2/identity_input.hpp>
#include <tokenmint/uid2/identity_mapper.hpp>
#include <tokenmint/uid2/key_client.hpp>
#include <tokenmint/uid2/key_store.hpp>
#include <tokenmint/uid2/keys.hpp>
#include <tokenmint/uid2/models.hpp>
#include <tokenmint/uid2/normalize.hpp>
#include <tokenmint/uid2/refresher.hpp>
#include <tokenmint/uid2/tokens.hpp>

#include <tokenmint/alterian/blocking.hpp>
#include <tokenmint/alterian/client.hpp>
#include <tokenmint/alterian/models.hpp>
#include <tokenmint/benchling/blocking.hpp>
#include <tokenmint/benchling/client.hpp>
#include <tokenmint/benchling/models.hpp>
#include <tokenmint/hubspot/authorize.hpp>
#include <tokenmint/hubspot/blocking.hpp>
#include <tokenmint/hubspot/client.hpp>
#include <tokenmint/hubspot/models.hpp>
#include <tokenmint/hubspot/oauth_client.hpp>
#include <tokenmint/hubspot/oauth_models.hpp>
