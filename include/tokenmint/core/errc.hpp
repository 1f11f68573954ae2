// The one error-code enum of tokenmint and its std::error_category.
#pragma once

#include <tokenmint/detail/config.hpp>

#include <string>
#include <system_error>

namespace tokenmint {

/// Every failure tokenmint reports, as a `std::error_code` in `tokenmint::category()`.
/// Values are stable: new ones are only appended.
enum class errc : int {
  // caller input
  invalid_argument = 1,  ///< an argument is malformed; the message names it
  buffer_too_small,      ///< a caller-provided output buffer cannot hold the result
  invalid_base64,        ///< not canonical RFC 4648 base64 (alphabet, padding, pad bits)
  invalid_hex,           ///< odd length or a non-hex digit
  invalid_key,           ///< key material of the wrong size or encoding
  invalid_email,         ///< an email address the operator would reject
  invalid_phone,         ///< not E.164: '+' followed by 10 to 15 digits
  invalid_json,          ///< JSON that does not follow RFC 8259 (or not the expected shape)
  // crypto and envelopes
  authentication_failed,    ///< AES-GCM tag did not verify: wrong key or tampered data
  nonce_mismatch,           ///< a response did not echo the request's nonce
  envelope_too_short,       ///< fewer bytes than the fixed envelope overhead
  envelope_version,         ///< request envelope version byte is not 1
  timestamp_out_of_window,  ///< request timestamp outside the operator's clock window
  unencrypted_payload,      ///< plain JSON where an encrypted envelope was expected
  body_missing,             ///< empty request body
  crypto_backend,           ///< OpenSSL failed internally (allocation, RNG, provider)
  // HTTP and transport
  invalid_url,           ///< a URL tokenmint cannot send to (scheme, host, port, characters)
  http_protocol,         ///< a peer sent bytes that are not valid HTTP/1.1; the message says where
  http_limit_exceeded,   ///< headers or body larger than the configured limit
  http_truncated,        ///< the connection ended before the response was complete
  timeout,               ///< the request's deadline passed (resolve, connect, TLS, write or read)
  cancelled,             ///< the caller cancelled the operation
  resolve_failed,        ///< the host name could not be resolved
  connect_failed,        ///< no resolved address accepted a TCP connection
  tls_handshake_failed,  ///< the TLS handshake failed for a reason other than the certificate
  certificate_rejected,  ///< the server's certificate did not verify; the message says why
  proxy_failed,          ///< the proxy refused or broke the CONNECT tunnel
  network,               ///< the connection failed while writing or reading (reset, broken pipe)
  // service answers
  unauthorized,            ///< the service refused the credentials (HTTP 401/403)
  service_error,           ///< the service answered with an error; `diag` holds its status and message
  invalid_response,        ///< a success answer not in the documented shape (bad JSON, missing fields)
  rate_limited,            ///< the service refused the call for its rate limit (HTTP 429) and retrying did not help
  client_secret_rejected,  ///< the UID2/EUID operator could not open the request: the client secret is wrong
  invalid_http_origin,     ///< client-side generate: the operator does not accept this Origin for the subscription (HTTP 403)
  invalid_app_name,        ///< client-side generate: the operator does not accept this app name for the subscription (HTTP 403)
};

namespace detail {

class error_category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "tokenmint"; }

  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::invalid_argument: return "invalid argument";
      case errc::buffer_too_small: return "output buffer too small";
      case errc::invalid_base64: return "invalid base64";
      case errc::invalid_hex: return "invalid hex";
      case errc::invalid_key: return "invalid key";
      case errc::invalid_email: return "invalid email address";
      case errc::invalid_phone: return "invalid phone number";
      case errc::invalid_json: return "invalid JSON";
      case errc::authentication_failed: return "authentication failed (wrong key or tampered data)";
      case errc::nonce_mismatch: return "nonce mismatch";
      case errc::envelope_too_short: return "envelope too short";
      case errc::envelope_version: return "unsupported envelope version";
      case errc::timestamp_out_of_window: return "timestamp outside the accepted window";
      case errc::unencrypted_payload: return "unencrypted payload";
      case errc::body_missing: return "body missing";
      case errc::crypto_backend: return "cryptographic backend failure";
      case errc::invalid_url: return "invalid URL";
      case errc::http_protocol: return "HTTP protocol error";
      case errc::http_limit_exceeded: return "HTTP message exceeds the configured limit";
      case errc::http_truncated: return "HTTP response truncated";
      case errc::timeout: return "deadline exceeded";
      case errc::cancelled: return "operation cancelled";
      case errc::resolve_failed: return "host name resolution failed";
      case errc::connect_failed: return "connection failed";
      case errc::tls_handshake_failed: return "TLS handshake failed";
      case errc::certificate_rejected: return "server certificate rejected";
      case errc::proxy_failed: return "proxy CONNECT failed";
      case errc::network: return "network error";
      case errc::unauthorized: return "unauthorized";
      case errc::service_error: return "service error";
      case errc::invalid_response: return "invalid response from the service";
      case errc::rate_limited: return "rate limited by the service";
      case errc::client_secret_rejected: return "client secret rejected by the operator";
      case errc::invalid_http_origin: return "HTTP origin not allowed for this subscription";
      case errc::invalid_app_name: return "app name not allowed for this subscription";
    }
    return "unknown tokenmint error";
  }
};

}  // namespace detail

/// The category of every `errc`. One instance per program (an inline variable).
inline const std::error_category& category() noexcept {
  static const detail::error_category instance;
  return instance;
}

inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), category()}; }

}  // namespace tokenmint

/// Lets a `tokenmint::errc` convert to and compare with a `std::error_code`.
template <>
struct std::is_error_code_enum<tokenmint::errc> : std::true_type {};
