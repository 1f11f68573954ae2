// TLS client setup for https_transport: the one place (with crypto/detail) that touches OpenSSL's
// SSL API. Secure by default: TLS 1.2+, peer and hostname verification, SNI.
#pragma once

#include <tokenmint/detail/config.hpp>

#include <tokenmint/core/result.hpp>
#include <tokenmint/crypto/detail/openssl.hpp>
#include <tokenmint/transport/tls_options.hpp>

#include <asio/ssl.hpp>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <optional>
#include <string>

namespace tokenmint {

namespace detail {

using crypto::detail::take_error_string;

/// Builds the shared client context, or says which option could not be applied.
inline result<void> configure_tls_context(asio::ssl::context& ctx, const tls_options& o) {
  SSL_CTX* raw = ctx.native_handle();
  if (SSL_CTX_set_min_proto_version(raw, TLS1_2_VERSION) != 1)
    return error{errc::tls_handshake_failed, "tls: cannot require TLS 1.2: " + take_error_string()};
  SSL_CTX_set_options(raw, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  asio::error_code ec;
  if (!o.ca_file.empty() || !o.ca_dir.empty()) {
    if (!o.ca_file.empty() && (ctx.load_verify_file(o.ca_file, ec), ec))
      return error{errc::invalid_argument, "tls.ca_file: cannot load '" + o.ca_file + "': " + ec.message()};
    if (!o.ca_dir.empty() && (ctx.add_verify_path(o.ca_dir, ec), ec))
      return error{errc::invalid_argument, "tls.ca_dir: cannot use '" + o.ca_dir + "': " + ec.message()};
  } else if (ctx.set_default_verify_paths(ec), ec) {
    return error{errc::invalid_argument, "tls: cannot load the system CA store: " + ec.message()};
  }
  if (o.client_cert_file.empty() != o.client_key_file.empty())
    return error{errc::invalid_argument, "tls: client_cert_file and client_key_file go together"};
  if (!o.client_cert_file.empty()) {
    if (ctx.use_certificate_chain_file(o.client_cert_file, ec), ec)
      return error{errc::invalid_argument, "tls.client_cert_file: cannot load '" + o.client_cert_file + "': " + ec.message()};
    if (ctx.use_private_key_file(o.client_key_file, asio::ssl::context::pem, ec), ec)
      return error{errc::invalid_argument, "tls.client_key_file: cannot load '" + o.client_key_file + "': " + ec.message()};
    if (SSL_CTX_check_private_key(raw) != 1)
      return error{errc::invalid_argument, "tls: client key does not match the client certificate"};
  }
  ctx.set_verify_mode(o.verify_peer ? asio::ssl::verify_peer : asio::ssl::verify_none);
  return {};
}

/// Per-connection settings: SNI (for names, not IP literals) and the identity to verify.
inline result<void> prepare_tls_stream(SSL* ssl, const std::string& host, bool ip_literal, bool verify) {
  if (!ip_literal && SSL_set_tlsext_host_name(ssl, host.c_str()) != 1)
    return error{errc::tls_handshake_failed, "tls: cannot set SNI for '" + host + "'"};
  if (!verify) return {};
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  const int ok = ip_literal ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                            : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  if (ok != 1) return error{errc::tls_handshake_failed, "tls: cannot set the expected peer name '" + host + "'"};
  return {};
}

/// Turns a failed handshake into an error that says why: the certificate verdict when
/// verification failed ("certificate has expired", "hostname mismatch", ...), else OpenSSL's reason.
inline tokenmint::error handshake_error(SSL* ssl, const asio::error_code& ec, const std::string& where) {
  const long verdict = SSL_get_verify_result(ssl);
  if (verdict != X509_V_OK)
    return error{errc::certificate_rejected,
                 "tls: certificate of " + where + " rejected: " + X509_verify_cert_error_string(verdict)};
  return error{errc::tls_handshake_failed, "tls: handshake with " + where + " failed: " + ec.message()};
}

}  // namespace detail
}  // namespace tokenmint
