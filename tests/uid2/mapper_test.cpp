// Mapping whole lists (uid2::async_map_stream): one outcome per row in input order, failed
// batches never discarding others, local refusals never sent, stop-at-first-failure,
// cancellation, progress; and 200,000 rows through a sandbox that fails 10% of requests (429 with
// and without Retry-After, 503, dropped connections) giving the same rows as a run without faults.
#include <tokenmint/testing/fake_transport.hpp>
#include <tokenmint/testing/sandbox.hpp>
#include <tokenmint/uid2/client.hpp>
#include <tokenmint/uid2/identity_mapper.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include "../common/run.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

using namespace tokenmint;
using namespace tokenmint::uid2;
namespace tm_testing = tokenmint::testing;

namespace {

/// Rows `i` of a synthetic list: emails, a phone every 7th row, an invalid email every 97th.
map_input row(std::size_t i) {
  if (i % 97 == 5) return identity_input::from_email("not-an-email-" + std::to_string(i));
  if (i % 7 == 3) return identity_input::from_phone("+1555" + std::to_string(1000000 + i));
  if (i % 1000 == 11) return identity_input::from_email("optout@example.com");
  return identity_input::from_email("user" + std::to_string(i) + "@example.com");
}

struct counter_source {
  std::size_t next = 0, total = 0;
  std::optional<map_input> operator()() {
    if (next == total) return std::nullopt;
    return row(next++);
  }
};

/// One line per row, as a comparison key: index, outcome, uid or error code.
std::string line_of(const map_row& r) {
  std::string s = std::to_string(r.index) + ' ' + std::string(to_string(r.outcome));
  if (r.outcome == map_outcome::mapped) s += ' ' + r.mapping.uid + ' ' + std::to_string(r.mapping.refresh_from_s);
  if (r.outcome == map_outcome::failed) s += ' ' + r.error.code.message();
  return s;
}

struct sandbox_fixture {
  asio::io_context io;
  fixed_clock clock{1'800'000'000'000};
  tm_testing::sandbox box;
  https_transport transport{io.get_executor()};

  explicit sandbox_fixture(tm_testing::sandbox_faults faults = {})
      : box(io.get_executor(), [&] {
          tm_testing::sandbox_options o;
          o.clock = &clock;
          o.faults = faults;
          o.map_salt = "mapper test";  // the same raw UID2s from every sandbox
          return o;
        }()) {
    EXPECT_TRUE(box.status()) << box.status().error().message;
    box.start();
  }
  client_options options() {
    client_options o;
    o.base_url = box.base_url();
    o.api_key = secret<std::string>(box.api_key());
    o.client_secret = secret<std::string>(box.client_secret());
    o.call.clock = &clock;
    o.call.retry.max_attempts = 10;  // a 10% failure rate must not fail a batch
    o.call.retry.base_delay = std::chrono::milliseconds(5);
    o.call.retry.max_delay = std::chrono::milliseconds(50);
    return o;
  }
  std::map<int, int> answers;  // HTTP status (0: no answer) -> attempts that got it

  std::vector<std::string> map_all(std::size_t rows, std::size_t concurrency, map_counts* counts = nullptr) {
    auto opts = options();
    opts.call.observe.on_response = [this](const policy::response_event& e) { ++answers[e.status]; };
    basic_client<https_transport> c(transport, opts);
    std::vector<std::string> lines;
    lines.reserve(rows);
    map_options o;
    o.concurrency = concurrency;
    auto r = test::run_on(io, async_map_stream(
                                  c, counter_source{0, rows}, [&](map_row&& row) { lines.push_back(line_of(row)); }, o));
    EXPECT_TRUE(r) << r.error().describe();
    if (r && counts) *counts = *r;
    return lines;
  }
};

}  // namespace

TEST(IdentityMapper, FaultsChangeNothingInTheOutput) {
  constexpr std::size_t rows = 200'000;
  std::vector<std::string> clean, faulty;
  map_counts clean_counts, faulty_counts;
  {
    sandbox_fixture f;
    clean = f.map_all(rows, 1, &clean_counts);
    EXPECT_EQ(f.answers, (std::map<int, int>{{200, 40}}));
  }
  {
    sandbox_fixture f(tm_testing::sandbox_faults{std::chrono::milliseconds(0), 0.10, 42});
    faulty = f.map_all(rows, 8, &faulty_counts);
    // The faults happened (this seed: each kind at least once) and were retried away.
    EXPECT_EQ(f.answers[200], 40);
    EXPECT_GT(f.answers[429], 0);
    EXPECT_GT(f.answers[503] + f.answers[0], 0);
  }
  ASSERT_EQ(clean.size(), rows);
  ASSERT_EQ(faulty.size(), rows);
  // Row by row, in input order: the same outcome and the same raw UID2 (the sandbox is
  // deterministic per identity; both runs use the same clock).
  for (std::size_t i = 0; i < rows; ++i) {
    ASSERT_EQ(clean[i], faulty[i]) << "row " << i;
    ASSERT_TRUE(clean[i].starts_with(std::to_string(i) + ' ')) << clean[i];
  }
  EXPECT_EQ(clean_counts.failed, 0u);
  EXPECT_EQ(faulty_counts.failed, 0u);
  EXPECT_EQ(clean_counts.invalid, (rows - 5 + 96) / 97);  // refused locally, one per 97 rows
  EXPECT_GT(clean_counts.optout, 0u);
  EXPECT_EQ(clean_counts.mapped + clean_counts.optout + clean_counts.invalid, rows);
}

namespace {

/// A fake transport answering as the sandbox operator does, except that the requests whose
/// number (1-based) is in `fail` get a 500; counts requests.
struct operator_behind_fake {
  std::unique_ptr<tm_testing::sandbox_operator> op = tm_testing::sandbox_operator::create(tm_testing::sandbox_options{}).value();
  tm_testing::fake_transport fake;
  std::vector<int> fail;
  int requests = 0;

  operator_behind_fake() {
    fake.on_request([this](const http::request& req, const request_options&) -> tm_testing::fake_step {
      ++requests;
      if (std::find(fail.begin(), fail.end(), requests) != fail.end()) {
        http::response r;
        r.status = 500;
        r.body = R"({"status":"unknown","message":"boom"})";
        return {r};
      }
      http::incoming_request in;
      in.method = "POST";
      in.target = req.url.substr(req.url.find("/v3"));
      in.headers = req.headers;
      in.body = req.body;
      return {op->handle(in)};
    });
  }
  client_options options() const {
    client_options o;
    o.base_url = "https://operator.test";
    o.api_key = secret<std::string>(op->options().api_key);
    o.client_secret = secret<std::string>(op->options().client_secret);
    o.call.retry = policy::retry_policy::none();
    return o;
  }
};

std::vector<map_input> same_email(std::size_t n) { return std::vector<map_input>(n, *identity_input::from_email("a@b.com")); }

}  // namespace

TEST(IdentityMapper, LocalRefusalsAreRowOutcomesAndNeverSent) {
  asio::io_context io;
  operator_behind_fake f;
  basic_client<tm_testing::fake_transport> c(f.fake, f.options());
  std::vector<map_row> out;
  map_options mo;
  mo.batch_size = 100;
  mo.concurrency = 3;
  // Rows 300-399, a whole batch, are not identities: that batch sends nothing.
  auto source = [i = std::size_t{0}]() mutable -> std::optional<map_input> {
    if (i == 1000) return std::nullopt;
    const std::size_t n = i++;
    if (n >= 300 && n < 400) return map_input(tokenmint::error{errc::invalid_argument, "bad row " + std::to_string(n)});
    return identity_input::from_email("u" + std::to_string(n) + "@example.com");
  };
  auto r = test::run_on(io, async_map_stream(
                                c, source, [&](map_row&& row) { out.push_back(std::move(row)); }, mo));
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(out.size(), 1000u);
  for (std::size_t i = 0; i < out.size(); ++i) {
    ASSERT_EQ(out[i].index, i);
    if (i >= 300 && i < 400) {
      EXPECT_EQ(out[i].outcome, map_outcome::invalid);
      EXPECT_EQ(out[i].error.message, "bad row " + std::to_string(i));
    } else {
      EXPECT_EQ(out[i].outcome, map_outcome::mapped) << i;
    }
  }
  EXPECT_EQ(f.requests, 9);
  EXPECT_EQ(r->invalid, 100u);
  EXPECT_EQ(r->mapped, 900u);
}

TEST(IdentityMapper, PermanentFailureMarksOnlyItsBatch) {
  asio::io_context io;
  operator_behind_fake f;
  f.fail = {2};
  basic_client<tm_testing::fake_transport> c(f.fake, f.options());
  std::vector<map_row> out;
  std::vector<map_progress> seen;
  map_options mo;
  mo.batch_size = 10;
  mo.concurrency = 1;
  auto r = test::run_on(io, async_map_stream(
                                c, from_range(same_email(35)), [&](map_row&& row) { out.push_back(std::move(row)); }, mo,
                                [&](const map_progress& p) { seen.push_back(p); }));
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(out.size(), 35u);
  for (std::size_t i = 0; i < 35; ++i) {
    EXPECT_EQ(out[i].outcome, i >= 10 && i < 20 ? map_outcome::failed : map_outcome::mapped) << i;
    if (out[i].outcome == map_outcome::failed) {
      EXPECT_EQ(out[i].error.diag.service_message, "boom");
    }
  }
  EXPECT_EQ(r->failed, 10u);
  ASSERT_FALSE(seen.empty());
  EXPECT_TRUE(seen.back().finished);
  EXPECT_EQ(seen.back().counts.rows, 35u);

  // With stop_at_first_failure: rows before the failure stay delivered; the call says why it stopped.
  f.requests = 0;
  out.clear();
  mo.stop_at_first_failure = true;
  auto stopped = test::run_on(io, async_map_stream(
                                      c, from_range(same_email(35)), [&](map_row&& row) { out.push_back(std::move(row)); }, mo));
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().code, errc::service_error);
  ASSERT_EQ(out.size(), 20u);  // batch 1 mapped, batch 2 failed, nothing after
  EXPECT_EQ(out[9].outcome, map_outcome::mapped);
  EXPECT_EQ(out[19].outcome, map_outcome::failed);

  // The one-shot call over many batches keeps what succeeded.
  f.requests = 0;
  std::vector<identity_input> many(12'000, *identity_input::from_email("a@b.com"));
  auto all = test::run_on(io, c.async_map_identities(many));
  ASSERT_TRUE(all) << all.error().describe();
  ASSERT_EQ(all->size(), 12'000u);
  std::size_t failed = 0;
  for (const auto& m : *all) failed += m.unmapped_reason == "failed" && m.error.has_value();
  EXPECT_EQ(failed, 5000u);  // the second request's batch, and only it
  // A single batch that fails is the call's error, as before.
  f.requests = 1;
  auto one = test::run_on(io, c.async_map_identities(std::vector<identity_input>(3, *identity_input::from_email("a@b.com"))));
  ASSERT_FALSE(one);
  EXPECT_EQ(one.error().diag.service_message, "boom");
}

TEST(IdentityMapper, CancellationKeepsWhatWasDelivered) {
  sandbox_fixture f(tm_testing::sandbox_faults{std::chrono::milliseconds(30), 0, 1});
  basic_client<https_transport> c(f.transport, f.options());
  std::vector<map_row> out;
  asio::cancellation_signal stop;
  map_options mo;
  mo.batch_size = 50;
  mo.concurrency = 2;
  std::optional<result<map_counts>> r;
  asio::co_spawn(f.io,
                 async_map_stream(
                     c, counter_source{0, 100'000},
                     [&](map_row&& row) {
                       out.push_back(std::move(row));
                       if (out.size() == 200) asio::post(f.io, [&] { stop.emit(asio::cancellation_type::terminal); });
                     },
                     mo),
                 asio::bind_cancellation_slot(stop.slot(), [&](std::exception_ptr, result<map_counts> v) { r = std::move(v); }));
  while (!r) f.io.run_one();
  ASSERT_FALSE(*r);
  EXPECT_EQ(r->error().code, errc::cancelled);
  ASSERT_GE(out.size(), 200u);
  ASSERT_LE(out.size(), 400u);
  for (std::size_t i = 0; i < out.size(); ++i) {
    ASSERT_EQ(out[i].index, i);
    if (i < 200) EXPECT_NE(out[i].outcome, map_outcome::failed) << i;
    else EXPECT_TRUE(out[i].outcome != map_outcome::failed || out[i].error.code == errc::cancelled) << i;
  }
}

TEST(IdentityMapper, SandboxLatencyHoldsEveryAnswerAndBatchesInFlightOverlapIt) {
  // 100 ms per request: five batches one at a time wait at least 500 ms; five in flight share
  // their waits (well under 450 ms even on a loaded or sanitized build: the batches are small).
  sandbox_fixture f(tm_testing::sandbox_faults{std::chrono::milliseconds(100), 0, 1});
  basic_client<https_transport> c(f.transport, f.options());
  auto elapsed_for = [&](std::size_t concurrency) {
    map_options mo;
    mo.batch_size = 50;
    mo.concurrency = concurrency;
    const auto start = std::chrono::steady_clock::now();
    auto r = test::run_on(f.io, async_map_stream(
                                    c, counter_source{0, 250}, [](map_row&&) {}, mo));
    EXPECT_TRUE(r && r->rows == 250 && r->failed == 0) << (r ? "" : r.error().describe());
    return std::chrono::steady_clock::now() - start;
  };
  EXPECT_GE(elapsed_for(1), std::chrono::milliseconds(500));
  EXPECT_LT(elapsed_for(5), std::chrono::milliseconds(450));
}

TEST(IdentityMapper, BadOptions) {
  asio::io_context io;
  operator_behind_fake f;
  basic_client<tm_testing::fake_transport> c(f.fake, f.options());
  auto sink = [](map_row&&) {};
  map_options o;
  o.batch_size = 5001;
  EXPECT_EQ(test::run_on(io, async_map_stream(c, counter_source{0, 1}, sink, o)).error().message, "batch_size: 1 to 5000");
  o = {};
  o.concurrency = 0;
  EXPECT_EQ(test::run_on(io, async_map_stream(c, counter_source{0, 1}, sink, o)).error().message, "concurrency: 1 to 64");
  EXPECT_EQ(f.requests, 0);
}
