// Fuzz the HTTP response parser: the first two bytes pick limits and the split pattern; the rest is
// fed whole and in pieces. Whatever the split, the outcome (value or error code, status, body,
// bytes consumed) must be the same, the body must respect the limit, and nothing may crash.
#include <tokenmint/http/parser.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace tokenmint;

namespace {
struct outcome {
  bool ok = false;
  std::error_code code;
  int status = 0;
  std::string body;
  std::size_t consumed = 0;
};

outcome parse(std::string_view in, http::parser_limits limits, bool no_body, std::uint8_t seed) {
  http::response_parser p(limits);
  p.reset(no_body);
  outcome o;
  std::size_t pos = 0, step = 1 + seed % 7;
  while (pos < in.size() && !p.done()) {
    const std::size_t n = seed == 0 ? in.size() : std::min(step, in.size() - pos);
    auto used = p.feed(in.substr(pos, n));
    if (!used) {
      o.code = used.error().code;
      return o;
    }
    if (*used > n) std::abort();
    o.consumed += *used;
    if (!p.done() && *used != n) std::abort();  // only a complete response leaves bytes unused
    pos += n;
    step = step * 3 % 13 + 1;
  }
  if (!p.done()) {
    if (auto f = p.finish(); !f) {
      o.code = f.error().code;
      return o;
    }
  }
  const auto& r = p.get();
  if (r.body.size() > limits.max_body_bytes) std::abort();
  if (r.status < 200 || r.status > 599) std::abort();
  o.ok = true;
  o.status = r.status;
  o.body = r.body;
  return o;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const http::parser_limits limits{static_cast<std::size_t>(64 + data[0] * 16), static_cast<std::size_t>(data[0] * 8)};
  const bool no_body = data[1] & 1;
  const std::string_view in(reinterpret_cast<const char*>(data + 2), size - 2);
  const outcome whole = parse(in, limits, no_body, 0);
  const outcome split = parse(in, limits, no_body, static_cast<std::uint8_t>(data[1] | 1));
  if (whole.ok != split.ok || whole.code != split.code) std::abort();
  if (whole.ok && (whole.status != split.status || whole.body != split.body || whole.consumed != split.consumed)) std::abort();
  return 0;
}
