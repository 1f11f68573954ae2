// JSON, side by side in one run with nlohmann::json (the library most C++ services use):
//   parse_1KB/nlohmann         nlohmann::json::parse(text).get<uid2_generate_response>()
//   parse_1KB/tokenmint        json::read<uid2_generate_response>(text)       (a new model each time)
//   parse_1KB/tokenmint_reuse  json::read_into(model, text)                   (model's capacity reused)
//   write_1KB/nlohmann         nlohmann::json(model).dump()
//   write_1KB/tokenmint        json::write(model)                             (a new string each time)
//   write_1KB/tokenmint_reuse  json::write_to(out, model) with out.clear()    (capacity reused)
//   write_1KB/tokenmint_buffer json::write(model, span)                       (caller's buffer)
// The document is a 1 KB UID2 /v2/token/generate response (decrypted). allocs_per_op counts
// global operator new calls per operation.
#include "alloc_counter.hpp"

#include "../tests/common/models.hpp"

#include <benchmark/benchmark.h>
#include <nlohmann/json.hpp>

#include <string>

namespace tokenmint::test {

// nlohmann's customisation points, written the way its documentation shows.
NLOHMANN_JSON_SERIALIZE_ENUM(uid2_status, {{uid2_status::success, "success"},
                                           {uid2_status::optout, "optout"},
                                           {uid2_status::client_error, "client_error"},
                                           {uid2_status::unauthorized, "unauthorized"}})

inline void to_json(nlohmann::json& j, const uid2_identity& v) {
  j = nlohmann::json{{"advertising_token", v.advertising_token}, {"refresh_token", v.refresh_token},
                     {"identity_expires", v.identity_expires},   {"refresh_expires", v.refresh_expires},
                     {"refresh_from", v.refresh_from},           {"refresh_response_key", v.refresh_response_key}};
}
inline void from_json(const nlohmann::json& j, uid2_identity& v) {
  j.at("advertising_token").get_to(v.advertising_token);
  j.at("refresh_token").get_to(v.refresh_token);
  j.at("identity_expires").get_to(v.identity_expires);
  j.at("refresh_expires").get_to(v.refresh_expires);
  j.at("refresh_from").get_to(v.refresh_from);
  j.at("refresh_response_key").get_to(v.refresh_response_key);
}
inline void to_json(nlohmann::json& j, const uid2_generate_response& v) {
  j = nlohmann::json::object();
  if (v.body) j["body"] = *v.body;
  j["status"] = v.status;
  if (v.message) j["message"] = *v.message;
}
inline void from_json(const nlohmann::json& j, uid2_generate_response& v) {
  if (auto it = j.find("body"); it != j.end() && !it->is_null()) v.body = it->get<uid2_identity>();
  j.at("status").get_to(v.status);
  if (auto it = j.find("message"); it != j.end() && !it->is_null()) v.message = it->get<std::string>();
}

}  // namespace tokenmint::test

namespace {

using namespace tokenmint;
using test::uid2_generate_response;

// A 1,024-byte generate response: token lengths as the operator issues them (refresh tokens are
// 388 characters), the advertising token padded to reach 1 KB.
const std::string& document() {
  static const std::string doc = [] {
    const std::string head = R"({"body":{"advertising_token":")";
    const std::string tail =
        R"(","refresh_token":")" + std::string(388, 'R') +
        R"(","identity_expires":1667889197644,"refresh_expires":1667971997644,)"
        R"("refresh_from":1667886497644,"refresh_response_key":"P941vVeuyjaDRVnFQ8DPd0AZnW4bPeiJPXER2K9QXcU="},"status":"success"})";
    std::string adv;
    const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    while (head.size() + adv.size() + tail.size() < 1024) adv += alphabet[adv.size() * 7 % 64];
    return head + adv + tail;
  }();
  return doc;
}

void parse_nlohmann(benchmark::State& state) {
  const std::string& doc = document();
  bench::alloc_scope a{state, static_cast<std::int64_t>(document().size())};
  for (auto _ : state) {
    auto r = nlohmann::json::parse(doc).get<uid2_generate_response>();
    benchmark::DoNotOptimize(r);
  }
}

void parse_tokenmint(benchmark::State& state) {
  const std::string& doc = document();
  if (!json::read<uid2_generate_response>(doc)) state.SkipWithError("document does not parse");
  bench::alloc_scope a{state, static_cast<std::int64_t>(document().size())};
  for (auto _ : state) {
    auto r = json::read<uid2_generate_response>(doc);
    benchmark::DoNotOptimize(r);
  }
}

void parse_tokenmint_reuse(benchmark::State& state) {
  const std::string& doc = document();
  uid2_generate_response model;
  (void)json::read_into(model, doc);
  bench::alloc_scope a{state, static_cast<std::int64_t>(document().size())};
  for (auto _ : state) {
    auto r = json::read_into(model, doc);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(model);
  }
}

const uid2_generate_response& model() {
  static const uid2_generate_response m = json::read<uid2_generate_response>(document()).value();
  return m;
}

void write_nlohmann(benchmark::State& state) {
  const auto& m = model();
  // nlohmann::json sorts keys, so its text differs; it must still carry the same model.
  if (json::read<uid2_generate_response>(nlohmann::json(m).dump()).value() != m)
    state.SkipWithError("nlohmann output does not read back to the model");
  bench::alloc_scope a{state, static_cast<std::int64_t>(document().size())};
  for (auto _ : state) {
    std::string s = nlohmann::json(m).dump();
    benchmark::DoNotOptimize(s);
  }
}

void write_tokenmint(benchmark::State& state) {
  const auto& m = model();
  if (json::write(m) != document()) state.SkipWithError("tokenmint output differs from the document");
  bench::alloc_scope a{state, static_cast<std::int64_t>(document().size())};
  for (auto _ : state) {
    std::string s = json::write(m);
    benchmark::DoNotOptimize(s);
  }
}

void write_tokenmint_reuse(benchmark::State& state) {
  const auto& m = model();
  std::string out;
  json::write_to(out, m);
  bench::alloc_scope a{state, static_cast<std::int64_t>(document().size())};
  for (auto _ : state) {
    out.clear();
    json::write_to(out, m);
    benchmark::DoNotOptimize(out);
  }
}

void write_tokenmint_buffer(benchmark::State& state) {
  const auto& m = model();
  std::array<char, 2048> buf{};
  bench::alloc_scope a{state, static_cast<std::int64_t>(document().size())};
  for (auto _ : state) {
    auto n = json::write(m, std::span<char>(buf));
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(buf);
  }
}

}  // namespace

BENCHMARK(parse_nlohmann)->Name("parse_1KB/nlohmann");
BENCHMARK(parse_tokenmint)->Name("parse_1KB/tokenmint");
BENCHMARK(parse_tokenmint_reuse)->Name("parse_1KB/tokenmint_reuse");
BENCHMARK(write_nlohmann)->Name("write_1KB/nlohmann");
BENCHMARK(write_tokenmint)->Name("write_1KB/tokenmint");
BENCHMARK(write_tokenmint_reuse)->Name("write_1KB/tokenmint_reuse");
BENCHMARK(write_tokenmint_buffer)->Name("write_1KB/tokenmint_buffer");

BENCHMARK_MAIN();
