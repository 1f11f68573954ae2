// Example 5: a transport of your own. Clients are templates over anything that has
//   asio::awaitable<tokenmint::result<tokenmint::http::response>> async_send(http::request, request_options)
// (the concept `tokenmint::http_transport`). Here one wraps the HTTPS transport to add a tracing
// header to every request and record each exchange for metrics; the same seam serves a recorder,
// a corporate proxy client or a mock.
//
//   UID2_API_KEY=... UID2_CLIENT_SECRET=... 5_custom_transport BASE_URL
#include <tokenmint/uid2/client.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

namespace {

/// What the wrapper records: no URL query, no header, no body, so no secret.
struct exchange {
  std::string method;
  std::string path;
  int status = 0;  // 0: no answer (the error's code says why)
  std::chrono::milliseconds took{};
};

class traced_transport {
 public:
  // Clients hold their transport by value: copies of this one share `inner` (a handle onto one
  // connection pool) and the log.
  traced_transport(tokenmint::https_transport inner, std::vector<exchange>& log) : inner_(std::move(inner)), log_(&log) {}

  asio::awaitable<tokenmint::result<tokenmint::http::response>> async_send(tokenmint::http::request req,
                                                                           tokenmint::request_options opts) {
    req.headers.set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    exchange e{std::string(tokenmint::http::to_string(req.method)), path_of(req.url), 0, {}};
    const auto start = std::chrono::steady_clock::now();
    auto res = co_await inner_.async_send(std::move(req), opts);  // deadline, cancellation: the inner transport's
    e.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    if (res) e.status = res->status;
    log_->push_back(std::move(e));
    co_return res;
  }

 private:
  static std::string path_of(const std::string& url) {
    const auto scheme = url.find("://");
    const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    const auto query = url.find('?', slash);
    return slash == std::string::npos ? "/" : url.substr(slash, query - slash);
  }

  tokenmint::https_transport inner_;
  std::vector<exchange>* log_;
};
static_assert(tokenmint::http_transport<traced_transport>);

asio::awaitable<int> run(tokenmint::uid2::basic_client<traced_transport>& client) {
  auto input = tokenmint::uid2::identity_input::from_email("jane.doe@example.com").value();
  auto generated = co_await client.async_generate_token(input);
  if (!generated || !generated->identity) {
    std::cerr << "generate: " << (generated ? "no identity" : generated.error().message) << '\n';
    co_return 1;
  }
  auto refreshed = co_await client.async_refresh_token(*generated->identity);
  if (!refreshed) {
    std::cerr << "refresh: " << refreshed.error() << '\n';
    co_return 1;
  }
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  auto api_key = tokenmint::secret_from_env("UID2_API_KEY");
  auto secret = tokenmint::secret_from_env("UID2_CLIENT_SECRET");
  if (argc != 2 || !api_key || !secret) {
    std::cerr << "usage: UID2_API_KEY=... UID2_CLIENT_SECRET=... " << argv[0] << " BASE_URL\n";
    return 2;
  }
  tokenmint::uid2::client_options options;
  options.base_url = argv[1];
  options.api_key = std::move(*api_key);
  options.client_secret = std::move(*secret);

  asio::io_context io;  // first: it must outlive the transports and the client
  std::vector<exchange> log;
  tokenmint::uid2::basic_client<traced_transport> client(traced_transport(tokenmint::https_transport(io.get_executor()), log),
                                                         options);
  int status = 1;
  asio::co_spawn(io, run(client), [&status](std::exception_ptr e, int rc) { status = e ? 1 : rc; });
  io.run();
  for (const auto& e : log)
    std::cout << "sent: " << e.method << ' ' << e.path << " -> " << e.status << " in " << e.took.count() << " ms\n";
  return status;
}
