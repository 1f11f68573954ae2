// PKCE (RFC 7636) for OAuth authorization-code flows: a code verifier kept by the app and its
// S256 challenge sent in the authorize URL. Sans-io.
#pragma once

#include <tokenmint/codec/base64.hpp>
#include <tokenmint/core/result.hpp>
#include <tokenmint/core/secret.hpp>
#include <tokenmint/crypto/random.hpp>
#include <tokenmint/crypto/sha256.hpp>
#include <tokenmint/detail/cleanse.hpp>
#include <tokenmint/http/url.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tokenmint::auth {

/// `bytes` random bytes from the CSPRNG, base64url without padding: a value for an OAuth
/// `state` or a PKCE verifier (32 bytes give 43 characters, RFC 7636's recommendation).
inline result<std::string> random_url_token(std::size_t bytes = 32) {
  if (bytes == 0 || bytes > 96) return error{errc::invalid_argument, "random_url_token: 1 to 96 bytes"};
  std::vector<std::uint8_t> raw(bytes);
  if (crypto::random_bytes(raw) != errc{}) return error{errc::crypto_backend, "random_url_token: no random bytes"};
  std::string out = base64::encode(std::span<const std::uint8_t>(raw), base64::alphabet::url, base64::padding::none);
  tokenmint::detail::cleanse(raw.data(), raw.size());
  return out;
}

/// A PKCE pair: the verifier (a secret: it goes only to the token endpoint, as `code_verifier`)
/// and its challenge for the authorize URL (`code_challenge`, with `code_challenge_method`).
struct pkce {
  secret_string verifier;
  std::string challenge;             ///< BASE64URL(SHA-256(verifier)), no padding
  std::string_view method = "S256";  ///< the only method offered: "plain" gives nothing over no PKCE

  /// The pair for a verifier the app already has: 43 to 128 characters of A-Z a-z 0-9 - . _ ~
  /// (RFC 7636 section 4.1), else `invalid_argument` naming the rule.
  static result<pkce> from_verifier(secret_string verifier) {
    const std::string& v = verifier.reveal();
    if (v.size() < 43 || v.size() > 128)
      return error{errc::invalid_argument,
                   "code_verifier: " + std::to_string(v.size()) + " characters (43 to 128 needed, RFC 7636)"};
    for (const char c : v)
      if (!tokenmint::http::detail::is_unreserved(c))
        return error{errc::invalid_argument, "code_verifier: only A-Z a-z 0-9 - . _ ~ are allowed (RFC 7636)"};
    auto digest = crypto::sha256(v);
    if (!digest) return std::move(digest).error();
    pkce p;
    p.challenge = base64::encode(std::span<const std::uint8_t>(*digest), base64::alphabet::url, base64::padding::none);
    p.verifier = std::move(verifier);
    return p;
  }

  /// A fresh pair: 32 random bytes as a 43-character verifier.
  static result<pkce> generate() {
    auto v = random_url_token(32);
    if (!v) return std::move(v).error();
    return from_verifier(secret_string(std::move(*v)));
  }
};

}  // namespace tokenmint::auth
