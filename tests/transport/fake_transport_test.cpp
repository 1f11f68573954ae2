// tokenmint::testing::fake_transport: scripted answers, recorded requests, injected errors, delays against deadlines.
#include <tokenmint/testing/fake_transport.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>

#include <gtest/gtest.h>

using namespace tokenmint;

static_assert(http_transport<tokenmint::testing::fake_transport>);
static_assert(check_http_transport<tokenmint::testing::fake_transport>());

TEST(FakeTransport, AnswersFromTheScriptThenTheCallbackAndRecords) {
  tokenmint::testing::fake_transport fake;
  fake.respond(200, R"({"status":"success"})").fail(error{errc::network, "reset by peer"});
  fake.on_request([](const http::request& r, const request_options&) {
    http::response res;
    res.status = 404;
    res.body = r.url;
    return tokenmint::testing::fake_step{res};
  });
  tokenmint::testing::fake_transport copy = fake;  // shares the script and the record
  asio::io_context io;
  std::vector<result<http::response>> got;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        for (int i = 0; i < 3; ++i) {
          http::request req;
          req.method = http::verb::post;
          req.url = "https://h/" + std::to_string(i);
          got.push_back(co_await copy.async_send(req, {}));
        }
      },
      asio::detached);
  io.run();
  ASSERT_EQ(got.size(), 3u);
  ASSERT_TRUE(got[0]);
  EXPECT_EQ(got[0]->status, 200);
  EXPECT_EQ(*got[0]->headers.get("content-type"), "application/json");
  ASSERT_FALSE(got[1]);
  EXPECT_EQ(got[1].error(), errc::network);
  ASSERT_TRUE(got[2]);
  EXPECT_EQ(got[2]->body, "https://h/2");
  ASSERT_EQ(fake.exchanges().size(), 3u);
  EXPECT_EQ(fake.exchanges()[1].request.url, "https://h/1");
  EXPECT_EQ(fake.pending(), 0u);
}

TEST(FakeTransport, EmptyScriptIsAnErrorNotAHang) {
  tokenmint::testing::fake_transport fake;
  asio::io_context io;
  std::optional<result<http::response>> got;
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        // Named, not a braced temporary: g++ 12 destroys aggregate temporaries in a co_await twice.
        http::request req{http::verb::get, "https://h/x", {}, {}};
        got.emplace(co_await fake.async_send(req, {}));
      },
      asio::detached);
  io.run();
  ASSERT_FALSE(*got);
  EXPECT_NE(got->error().message.find("no scripted response left for GET https://h/x"), std::string::npos);
}

TEST(FakeTransport, DelaysHonourTheDeadline) {
  tokenmint::testing::fake_transport fake;
  http::response ok;
  ok.status = 200;
  fake.respond(ok, std::chrono::milliseconds(5));
  fake.respond(ok, std::chrono::milliseconds(10'000));
  asio::io_context io;
  std::vector<result<http::response>> got;
  const auto start = std::chrono::steady_clock::now();
  asio::co_spawn(
      io,
      [&]() -> asio::awaitable<void> {
        request_options o;
        o.timeout = std::chrono::milliseconds(50);
        http::request a{http::verb::get, "https://h/a", {}, {}};
        http::request b{http::verb::get, "https://h/b", {}, {}};
        got.push_back(co_await fake.async_send(a, o));
        got.push_back(co_await fake.async_send(b, o));
      },
      asio::detached);
  io.run();
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(got[0]);
  ASSERT_FALSE(got[1]);
  EXPECT_EQ(got[1].error(), errc::timeout);
  EXPECT_LT(took, std::chrono::seconds(2));
}

TEST(FakeTransport, DelaysHonourCancellation) {
  tokenmint::testing::fake_transport fake;
  http::response ok;
  ok.status = 200;
  fake.respond(ok, std::chrono::milliseconds(10'000));
  asio::io_context io;
  asio::cancellation_signal signal;
  std::optional<result<http::response>> got;
  http::request req{http::verb::get, "https://h/slow", {}, {}};
  asio::co_spawn(io, fake.async_send(req, {}),
                 asio::bind_cancellation_slot(signal.slot(),
                                              [&](std::exception_ptr, result<http::response> r) { got.emplace(std::move(r)); }));
  asio::steady_timer timer(io, std::chrono::milliseconds(20));
  timer.async_wait([&](auto) { signal.emit(asio::cancellation_type::terminal); });
  const auto start = std::chrono::steady_clock::now();
  io.run();
  ASSERT_TRUE(got);
  ASSERT_FALSE(*got);
  EXPECT_EQ(got->error(), errc::cancelled);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}
