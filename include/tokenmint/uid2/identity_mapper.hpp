// Mapping whole lists to raw UID2s: input streamed in, batches of up to 5,000 in parallel under
// the retry policy, exactly one outcome per input row, delivered in input order.
#pragma once

#include <tokenmint/detail/asio.hpp>
#include <tokenmint/service/call_options.hpp>
#include <tokenmint/uid2/identity_input.hpp>
#include <tokenmint/uid2/models.hpp>

#include <asio/bind_cancellation_slot.hpp>
#include <asio/cancellation_signal.hpp>
#include <asio/co_spawn.hpp>
#include <asio/steady_timer.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace tokenmint::uid2 {

/// What became of one input row.
enum class map_outcome : unsigned char {
  mapped,   ///< `mapping` holds the raw UID2 (and the previous one during a salt rotation)
  optout,   ///< the user opted out
  invalid,  ///< not a valid identifier: refused locally (never sent) or by the operator
  failed,   ///< its batch failed after retries (`error`), or was cancelled (`errc::cancelled`)
};

constexpr std::string_view to_string(map_outcome o) noexcept {
  switch (o) {
    case map_outcome::mapped: return "mapped";
    case map_outcome::optout: return "optout";
    case map_outcome::invalid: return "invalid";
    case map_outcome::failed: return "failed";
  }
  return "failed";
}

/// One input row's outcome, handed to the sink in input order.
struct map_row {
  std::uint64_t index = 0;  ///< 0-based position in the input
  map_outcome outcome = map_outcome::failed;
  mapped_identity mapping;  ///< when `mapped`: uid, previous_uid, refresh_from_s
  tokenmint::error error;   ///< when `invalid` (why) or `failed` (the batch's final error)
};

/// Rows per outcome so far.
struct map_counts {
  std::uint64_t rows = 0, mapped = 0, optout = 0, invalid = 0, failed = 0;
  void add(map_outcome o) noexcept {
    ++rows;
    switch (o) {
      case map_outcome::mapped: ++mapped; break;
      case map_outcome::optout: ++optout; break;
      case map_outcome::invalid: ++invalid; break;
      case map_outcome::failed: ++failed; break;
    }
  }
};

/// What the progress hook sees, a few times a second and once at the end.
struct map_progress {
  map_counts counts;                  ///< rows delivered to the sink
  std::chrono::milliseconds elapsed;  ///< since the mapping began
  double rows_per_second = 0;
  bool finished = false;  ///< the last call
};

/// A progress hook that is never called and costs nothing (the default).
struct no_map_progress {
  void operator()(const map_progress&) const noexcept {}
};

/// How a list is mapped.
struct map_options {
  /// Identifiers per request: 1 to 5,000 (the operator's limit).
  std::size_t batch_size = 5000;
  /// Requests in flight at once (1 to 64). The operator's guidance allows parallel requests of
  /// 5,000 identifiers; a few keep a connection pool busy without tripping its rate limit (a 429
  /// is retried with backoff and jitter under the client's retry policy).
  std::size_t concurrency = 4;
  /// Stop at the first batch that fails after its retries: no new batch starts, those in flight
  /// end as cancelled, and the rows delivered so far stay delivered. Off: a failed batch's rows
  /// are `failed` and the mapping goes on.
  bool stop_at_first_failure = false;
  std::chrono::milliseconds progress_interval{250};
  /// Timeout and retry policy of each batch (the client's `call` options otherwise).
  service::call_overrides per_batch{};
};

/// One row of input: the identity, or why the text is not one (a row outcome, never a failure of
/// the whole mapping, and never sent).
using map_input = result<identity_input>;

/// A source over a range of `map_input` or `identity_input` (memory is the caller's range's).
template <class It>
struct range_source {
  It it, end;
  std::optional<map_input> operator()() {
    if (it == end) return std::nullopt;
    return map_input(*it++);
  }
};
template <class Range>
auto from_range(const Range& r) {
  return range_source<decltype(std::begin(r))>{std::begin(r), std::end(r)};
}

namespace detail {

inline asio::awaitable<bool> map_cancel_requested() {
  const auto state = co_await asio::this_coro::cancellation_state;
  co_return state.cancelled() != asio::cancellation_type::none;
}

struct map_batch_state {
  std::uint64_t first = 0;
  std::size_t rows = 0;                                           ///< rows in the batch, sent or refused locally
  std::vector<std::pair<std::size_t, tokenmint::error>> refused;  ///< (row in the batch, why), in order
  result<std::vector<mapped_identity>> answer = tokenmint::error{errc::cancelled};
  bool done = false;
  asio::cancellation_signal cancel;
};

/// The outcome of a row: `refused` when it was refused locally, else its answer (the next one).
inline map_row row_outcome(std::uint64_t index, tokenmint::error* refused, result<std::vector<mapped_identity>>& answer,
                           std::size_t& next_answer) {
  map_row row;
  row.index = index;
  if (refused != nullptr) {
    row.outcome = map_outcome::invalid;
    row.error = std::move(*refused);
    return row;
  }
  if (!answer) {
    row.outcome = map_outcome::failed;
    row.error = answer.error();
    return row;
  }
  mapped_identity m = std::move((*answer)[next_answer++]);  // each answer is delivered once
  if (m.mapped()) row.outcome = map_outcome::mapped;
  else if (m.unmapped_reason == "optout") row.outcome = map_outcome::optout;
  else if (m.unmapped_reason == "invalid identifier") {
    row.outcome = map_outcome::invalid;
    row.error = tokenmint::error{errc::invalid_argument, "the operator refused the identifier (invalid identifier)"};
  } else {
    row.outcome = map_outcome::failed;
    row.error = tokenmint::error{errc::invalid_response, "unmapped for an unknown reason: " + m.unmapped_reason};
  }
  row.mapping = std::move(m);
  return row;
}

}  // namespace detail

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_BEGIN

/// Maps every row `source()` yields (`std::optional<map_input>`, `std::nullopt` at the end) through
/// `client.async_map_identities`, in batches of `batch_size` with up to `concurrency` in flight,
/// and hands `sink(map_row&&)` exactly one outcome per row, in input order. Returns the counts,
/// or the error that stopped it (`stop_at_first_failure`, or `errc::cancelled`).
///
/// Contract:
/// - Memory: at most `concurrency` batches of rows are held, whatever the input's size; `source`
///   is asked for more only when a batch may start.
/// - Lifetime: `client` (a reference) must outlive the coroutine; `source`, `sink` and `progress`
///   are taken by value.
/// - Ordering and completeness: rows reach the sink in input order, once each. A batch that fails
///   after its retries makes its rows `failed` (with the error) and never discards another batch's
///   results. Rows that are not identities (`map_input` errors) are `invalid` and never sent.
/// - Retries: each batch is one `async_map_identities` call under the client's retry policy (429
///   with backoff and jitter, 502/503/504, connections that fail before sending), a fresh envelope
///   per attempt; `per_batch` overrides the policy and the timeout per batch.
/// - Cancellation: terminal, partial or total per-operation cancellation stops the mapping: no
///   batch starts, the batches in flight are cancelled and their rows delivered as `failed` with
///   `errc::cancelled` (after every row before them); the call returns `errc::cancelled`.
/// - Thread-safety: run it on the client's strand (one thread at a time): batches are spawned on
///   the same executor. `sink` and `progress` are called there, never concurrently.
/// - Progress: `progress(const map_progress&)` every `progress_interval` and once at the end;
///   the default hook costs nothing.
template <class Client, class Source, class Sink, class Progress = no_map_progress>
asio::awaitable<result<map_counts>> async_map_stream(Client& client, Source source, Sink sink, map_options o = {},
                                                     Progress progress = {}) {
  if (o.batch_size == 0 || o.batch_size > detail::max_map_batch)
    co_return tokenmint::error{errc::invalid_argument, "batch_size: 1 to 5000"};
  if (o.concurrency == 0 || o.concurrency > 64) co_return tokenmint::error{errc::invalid_argument, "concurrency: 1 to 64"};
  constexpr bool with_progress = !std::is_same_v<Progress, no_map_progress>;
  const bool throw_if_cancelled = co_await asio::this_coro::throw_if_cancelled();
  co_await asio::this_coro::throw_if_cancelled(false);
  auto ex = co_await asio::this_coro::executor;
  asio::steady_timer wake(ex);  // cancelled by each batch that completes
  const auto start = std::chrono::steady_clock::now();
  auto last_progress = start;
  map_counts counts;
  std::deque<std::shared_ptr<detail::map_batch_state>> window;
  std::uint64_t next_index = 0;
  bool source_done = false, stopping = false;
  std::optional<tokenmint::error> stop_error;

  auto report = [&](bool finished) {
    if constexpr (with_progress) {
      const auto now = std::chrono::steady_clock::now();
      const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now - start);
      const double secs = std::chrono::duration<double>(now - start).count();
      progress(map_progress{counts, elapsed, secs > 0 ? static_cast<double>(counts.rows) / secs : 0.0, finished});
      last_progress = now;
    }
  };
  auto launch = [&]() {
    auto b = std::make_shared<detail::map_batch_state>();
    b->first = next_index;
    std::vector<identity_input> ids;
    while (b->rows < o.batch_size) {
      std::optional<map_input> in = source();
      if (!in) {
        source_done = true;
        break;
      }
      // A valid row's identity goes to the request; an invalid one leaves its error for its outcome.
      if (*in) ids.push_back(std::move(**in));
      else b->refused.emplace_back(b->rows, std::move(*in).error());
      ++b->rows;
    }
    next_index += b->rows;
    if (b->rows == 0) return;
    window.push_back(b);
    if (ids.empty()) {  // nothing to send: every row was refused locally
      b->answer = std::vector<mapped_identity>{};
      b->done = true;
      return;
    }
    asio::co_spawn(
        ex, client.async_map_identities(std::move(ids), o.per_batch),
        asio::bind_cancellation_slot(b->cancel.slot(), [b, &wake](std::exception_ptr e, result<std::vector<mapped_identity>> r) {
          if (e) b->answer = tokenmint::error{errc::invalid_response, "identity map: the batch threw"};
          else b->answer = std::move(r);
          b->done = true;
          wake.cancel();
        }));
  };
  auto deliver_front = [&]() {
    auto b = std::move(window.front());
    window.pop_front();
    if (b->answer && b->answer->size() != b->rows - b->refused.size())
      b->answer = tokenmint::error{errc::invalid_response, "identity map: results not aligned with the batch"};
    if (!b->answer && o.stop_at_first_failure && !stopping) {
      stopping = true;
      stop_error = b->answer.error();
    }
    std::size_t next_answer = 0, next_refused = 0;
    for (std::size_t i = 0; i < b->rows; ++i) {
      tokenmint::error* refused = nullptr;
      if (next_refused < b->refused.size() && b->refused[next_refused].first == i) refused = &b->refused[next_refused++].second;
      map_row row = detail::row_outcome(b->first + i, refused, b->answer, next_answer);
      counts.add(row.outcome);
      sink(std::move(row));
    }
  };

  for (;;) {
    while (!stopping && !source_done && window.size() < o.concurrency) launch();
    while (!window.empty() && window.front()->done) deliver_front();
    if (stopping)
      for (auto& b : window) b->cancel.emit(asio::cancellation_type::terminal);
    if (window.empty() && (source_done || stopping)) break;
    if (window.empty()) continue;  // room for more batches
    if (with_progress && std::chrono::steady_clock::now() - last_progress >= o.progress_interval) report(false);
    // Wait for a batch to finish (its handler cancels the timer) or for the next progress tick.
    wake.expires_after(with_progress ? o.progress_interval : std::chrono::hours(24));
    co_await wake.async_wait(tokenmint::detail::use_tuple);
    if (!stopping && co_await detail::map_cancel_requested()) {
      stopping = true;
      stop_error = tokenmint::error{errc::cancelled, "identity map: cancelled"};
      co_await asio::this_coro::reset_cancellation_state();
    }
  }
  report(true);
  co_await asio::this_coro::throw_if_cancelled(throw_if_cancelled);
  if (stop_error) co_return std::move(*stop_error);
  co_return counts;
}

TOKENMINT_SUPPRESS_COROUTINE_WARNINGS_END

}  // namespace tokenmint::uid2
