// What https_transport's TLS is configured with: plain data, no OpenSSL or Asio.
#pragma once

#include <tokenmint/detail/config.hpp>

#include <string>

namespace tokenmint {

/// How `https_transport` authenticates servers (and, optionally, itself).
struct tls_options {
  /// Verify the server's certificate chain and that it names the URL's host. Turning this off
  /// makes TLS worthless against an active attacker; it exists for throwaway local setups only.
  bool verify_peer = true;
  /// PEM file of trusted CAs. Empty (and `ca_dir` empty): the system's default store.
  std::string ca_file;
  /// Directory of hashed CA certificates (`openssl rehash`).
  std::string ca_dir;
  /// Client certificate chain (PEM) and its private key, for servers that ask for one.
  std::string client_cert_file;
  std::string client_key_file;
};

}  // namespace tokenmint
