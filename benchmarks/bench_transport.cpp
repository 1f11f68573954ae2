// One keep-alive connection, a small JSON POST to nginx on loopback, side by side in one run:
//   post/{http,https}/tokenmint  https_transport::async_send, one coroutine looping
//   post/{http,https}/libcurl    curl_easy_perform on one reused easy handle
// Run under tests/transport/servers.py (nginx and its certificates); wrk, the server-bound
// ceiling, is run by benchmarks/transport.py beside this program. CPU time is the whole client
// process's (MeasureProcessCPUTime), items/s the request rate over wall-clock time.
#include <tokenmint/transport/https_transport.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <benchmark/benchmark.h>
#include <curl/curl.h>

#include <cstdlib>
#include <string>

namespace {

const std::string body = R"({"email_hash":"tMmiiTI7IaAcPpQPFQ65uMVCWH8av9jw4cwf/F5HVRQ=","optout_check":1})";

std::string url(bool tls) {
  const char* port = std::getenv(tls ? "TM_NGINX_TLS_GOOD" : "TM_NGINX_HTTP");
  if (port == nullptr) return {};
  return std::string(tls ? "https://localhost:" : "http://127.0.0.1:") + port + "/bench";
}

void tokenmint_post(benchmark::State& state, bool tls) {
  const std::string target = url(tls);
  if (target.empty()) return state.SkipWithError("run under tests/transport/servers.py");
  asio::io_context io(1);
  tokenmint::https_transport_options o;
  o.tls.ca_file = std::getenv("TM_CA_FILE");
  tokenmint::https_transport transport(io.get_executor(), o);
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (auto _ : state) {
          tokenmint::http::request req;
          req.method = tokenmint::http::verb::post;
          req.url = target;
          req.headers.add("Content-Type", "application/json");
          req.body = body;
          auto res = co_await transport.async_send(std::move(req), {});
          if (!res || res->status != 200) {
            state.SkipWithError(res ? "unexpected status" : res.error().message.c_str());
            break;
          }
          benchmark::DoNotOptimize(res->body.data());
        }
      },
      asio::detached);
  io.run();
  state.SetItemsProcessed(state.iterations());
}

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

void curl_post(benchmark::State& state, bool tls) {
  const std::string target = url(tls);
  if (target.empty()) return state.SkipWithError("run under tests/transport/servers.py");
  CURL* h = curl_easy_init();
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  std::string out;
  curl_easy_setopt(h, CURLOPT_URL, target.c_str());
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &out);
  curl_easy_setopt(h, CURLOPT_CAINFO, std::getenv("TM_CA_FILE"));
  curl_easy_setopt(h, CURLOPT_USERAGENT, "curl");
  curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
  for (auto _ : state) {
    out.clear();
    const CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (rc != CURLE_OK || status != 200) {
      state.SkipWithError(curl_easy_strerror(rc));
      break;
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
  curl_slist_free_all(headers);
  curl_easy_cleanup(h);
}

}  // namespace

BENCHMARK_CAPTURE(tokenmint_post, http, false)->Name("post/http/tokenmint")->MeasureProcessCPUTime()->UseRealTime();
BENCHMARK_CAPTURE(curl_post, http, false)->Name("post/http/libcurl")->MeasureProcessCPUTime()->UseRealTime();
BENCHMARK_CAPTURE(tokenmint_post, https, true)->Name("post/https/tokenmint")->MeasureProcessCPUTime()->UseRealTime();
BENCHMARK_CAPTURE(curl_post, https, true)->Name("post/https/libcurl")->MeasureProcessCPUTime()->UseRealTime();

int main(int argc, char** argv) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  curl_global_cleanup();
  return 0;
}
