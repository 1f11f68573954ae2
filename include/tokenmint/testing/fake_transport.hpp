// A scripted transport for tests of code that uses tokenmint clients (yours and ours).
#pragma once

#include <tokenmint/detail/asio.hpp>
#include <tokenmint/transport/transport.hpp>

#include <asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tokenmint::testing {

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_BEGIN

/// What the fake answers to one request: a response or an error, after an optional delay.
struct fake_step {
  result<http::response> outcome;
  std::chrono::milliseconds delay{0};
};

/// A recorded request with the options it was sent with.
struct fake_exchange {
  http::request request;
  request_options options;
};

/// Answers requests from a script (first in, first out), then from a callback if one is set;
/// records every request. A delay honours the request's deadline (`errc::timeout` when the
/// delay is longer) and Asio cancellation (`errc::cancelled`). Copies share one script and one
/// record, so a test can keep a copy while a client owns another. Not thread-safe: use it from
/// one thread or strand.
class fake_transport {
 public:
  using handler = std::function<fake_step(const http::request&, const request_options&)>;

  fake_transport() : state_(std::make_shared<state>()) {}

  /// Queues a response (returned as is; status codes are not errors at this layer).
  fake_transport& respond(http::response r, std::chrono::milliseconds delay = {}) {
    state_->script.push_back({std::move(r), delay});
    return *this;
  }
  /// Queues a response built from a status and a body, with `Content-Type: application/json`
  /// when the body starts like JSON.
  fake_transport& respond(int status, std::string body, http::fields headers = {}) {
    http::response r;
    r.status = status;
    if (!body.empty() && (body.front() == '{' || body.front() == '[') && !headers.contains("content-type"))
      headers.add("Content-Type", "application/json");
    r.headers = std::move(headers);
    r.body = std::move(body);
    return respond(std::move(r));
  }
  /// Queues a transport failure (e.g. `errc::network`, `errc::timeout`).
  fake_transport& fail(tokenmint::error e, std::chrono::milliseconds delay = {}) {
    state_->script.push_back({std::move(e), delay});
    return *this;
  }
  /// Answers every request after the script runs out.
  fake_transport& on_request(handler h) {
    state_->fallback = std::move(h);
    return *this;
  }

  const std::vector<fake_exchange>& exchanges() const noexcept { return state_->log; }
  std::size_t pending() const noexcept { return state_->script.size(); }

  asio::awaitable<result<http::response>> async_send(http::request req, request_options opts) {
    auto st = state_;
    st->log.push_back({req, opts});
    fake_step step{tokenmint::error{errc::invalid_argument, "fake_transport: no scripted response left for " +
                                                                std::string(http::to_string(req.method)) + ' ' + req.url}};
    if (!st->script.empty()) {
      step = std::move(st->script.front());
      st->script.pop_front();
    } else if (st->fallback) {
      step = st->fallback(st->log.back().request, opts);
    }
    if (step.delay.count() > 0) {
      const bool throw_if_cancelled = co_await asio::this_coro::throw_if_cancelled();
      co_await asio::this_coro::throw_if_cancelled(false);
      asio::steady_timer timer(co_await asio::this_coro::executor);
      const bool too_slow = step.delay > opts.timeout;
      timer.expires_after(too_slow ? opts.timeout : step.delay);
      auto [ec] = co_await timer.async_wait(tokenmint::detail::use_tuple);
      co_await asio::this_coro::throw_if_cancelled(throw_if_cancelled);
      if (ec) co_return tokenmint::error{errc::cancelled, "fake_transport: cancelled during the scripted delay"};
      if (too_slow)
        co_return tokenmint::error{errc::timeout, "fake_transport: deadline of " + std::to_string(opts.timeout.count()) +
                                                      " ms passed during the scripted delay"};
    }
    co_return std::move(step.outcome);
  }

 private:
  // Shared by the copies of one fake (clients hold their transport by value).
  struct state {
    std::deque<fake_step> script;
    handler fallback;
    std::vector<fake_exchange> log;
  };
  std::shared_ptr<state> state_;
};

static_assert(http_transport<fake_transport>);

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_END

}  // namespace tokenmint::testing
