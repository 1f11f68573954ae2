// Compile-time benchmark: the floor. What a user writes without tokenmint to make one HTTPS
// POST with Asio coroutines and OpenSSL: resolve, connect, TLS with verification and SNI, write
// a request, read the response head and a Content-Length body. No JSON, no envelope, no retries.
#include <asio/co_spawn.hpp>
#include <asio/connect.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/read_until.hpp>
#include <asio/ssl.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include <iostream>
#include <string>

asio::awaitable<void> post(asio::io_context& io, asio::ssl::context& tls, std::string host, std::string body) {
  asio::ip::tcp::resolver resolver(io);
  auto endpoints = co_await resolver.async_resolve(host, "443", asio::use_awaitable);
  asio::ssl::stream<asio::ip::tcp::socket> s(io, tls);
  co_await asio::async_connect(s.lowest_layer(), endpoints, asio::use_awaitable);
  SSL_set_tlsext_host_name(s.native_handle(), host.c_str());
  s.set_verify_mode(asio::ssl::verify_peer);
  s.set_verify_callback(asio::ssl::host_name_verification(host));
  co_await s.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
  const std::string req = "POST /v2/token/generate HTTP/1.1\r\nHost: " + host +
                          "\r\nContent-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  co_await asio::async_write(s, asio::buffer(req), asio::use_awaitable);
  std::string in;
  const auto head_end = co_await asio::async_read_until(s, asio::dynamic_buffer(in), "\r\n\r\n", asio::use_awaitable);
  std::size_t length = 0;
  if (const auto at = in.find("Content-Length: "); at != std::string::npos && at < head_end)
    length = std::stoul(in.substr(at + 16));
  if (in.size() < head_end + length)
    co_await asio::async_read(s, asio::dynamic_buffer(in), asio::transfer_exactly(head_end + length - in.size()),
                              asio::use_awaitable);
  std::cout << in.substr(0, in.find("\r\n")) << ' ' << in.size() - head_end << " body bytes\n";
}

int main() {
  asio::io_context io;
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.set_default_verify_paths();
  asio::co_spawn(io, post(io, tls, "operator-integ.uidapi.com", "AQID"), asio::detached);
  io.run();
}
