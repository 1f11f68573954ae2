// Retry policy, sans-io: which outcomes are worth another attempt, and how long to wait first.
// Exponential backoff with full jitter, bounded attempts and a total deadline, and the servers'
// own hints (Retry-After in seconds or as an HTTP-date, Benchling's x-rate-limit-reset).
#pragma once

#include <tokenmint/core/clock.hpp>
#include <tokenmint/core/result.hpp>
#include <tokenmint/http/message.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace tokenmint::policy {

/// How a client retries one call. An aggregate: set what you need, keep the rest.
/// The defaults retry at most twice (3 attempts), only what is safe to replay.
struct retry_policy {
  int max_attempts = 3;                                 ///< 1: never retry
  std::chrono::milliseconds base_delay{250};            ///< backoff before attempt 2 is drawn from [0, base]
  std::chrono::milliseconds max_delay{20'000};          ///< cap of the backoff window
  std::chrono::milliseconds deadline{60'000};           ///< the whole call: every attempt and every wait
  std::chrono::milliseconds max_server_wait{60'000};    ///< a server asking for a longer wait is not retried
  std::vector<int> retry_statuses{429, 502, 503, 504};  ///< answers the server did not act on
  /// Uniform in [0, 1) for the jitter; empty: a per-thread PRNG. Tests set a fixed value.
  std::function<double()> random;

  /// A policy that never retries (one attempt; the deadline still bounds the call).
  static retry_policy none() {
    retry_policy p;
    p.max_attempts = 1;
    return p;
  }
};

/// What the server said about retrying one answer.
struct server_hint {
  bool never = false;                             ///< retrying soon is pointless (HubSpot `DAILY`)
  std::optional<std::chrono::milliseconds> wait;  ///< wait at least this long (Retry-After, reset)
  std::string why;                                ///< for the error message when `never`
};

/// The verdict on one attempt.
struct decision {
  bool retry = false;
  std::chrono::milliseconds delay{0};
  std::string reason;  ///< why not (for error messages and hooks), or what is retried
};

namespace detail {

inline bool parse_uint(std::string_view s, std::int64_t& out) noexcept {
  if (s.empty() || s.size() > 12) return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size() && out >= 0;
}

using http::detail::trim_ows;

inline int month_index(std::string_view m) noexcept {
  static constexpr std::array<std::string_view, 12> names = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == m) return static_cast<int>(i) + 1;
  return 0;
}

inline bool two_digits(std::string_view s, int& out) noexcept {
  if (s.size() != 2 || s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9') return false;
  out = (s[0] - '0') * 10 + (s[1] - '0');
  return true;
}

inline bool clock_time(std::string_view s, int& h, int& m, int& sec) noexcept {
  return s.size() == 8 && s[2] == ':' && s[5] == ':' && two_digits(s.substr(0, 2), h) && two_digits(s.substr(3, 2), m) &&
         two_digits(s.substr(6, 2), sec) && h < 24 && m < 60 && sec < 61;
}

inline std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    const auto sp = s.find(' ');
    if (!s.empty()) out.push_back(s.substr(0, sp));
    if (sp == std::string_view::npos) break;
    s.remove_prefix(sp);
  }
  return out;
}

}  // namespace detail

/// An HTTP-date (RFC 9110 section 5.6.7): IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, and the
/// obsolete RFC 850 (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`)
/// forms recipients must accept. Nothing for anything else.
inline std::optional<unix_ms> parse_http_date(std::string_view text) {
  using namespace std::chrono;
  const auto w = detail::words(detail::trim_ows(text));
  int day = 0, mon = 0, year = 0, h = 0, m = 0, s = 0;
  std::int64_t y = 0;
  if (w.size() == 6 && w[0].size() == 4 && w[0][3] == ',' && w[5] == "GMT") {  // IMF-fixdate
    if (!detail::two_digits(w[1], day) || (mon = detail::month_index(w[2])) == 0 || w[3].size() != 4 ||
        !detail::parse_uint(w[3], y) || !detail::clock_time(w[4], h, m, s))
      return std::nullopt;
    year = static_cast<int>(y);
  } else if (w.size() == 4 && !w[0].empty() && w[0].back() == ',' && w[3] == "GMT") {  // RFC 850
    const auto d = w[1];
    if (d.size() != 9 || d[2] != '-' || d[6] != '-' || !detail::two_digits(d.substr(0, 2), day) ||
        (mon = detail::month_index(d.substr(3, 3))) == 0 || !detail::two_digits(d.substr(7, 2), year) ||
        !detail::clock_time(w[2], h, m, s))
      return std::nullopt;
    year += year < 70 ? 2000 : 1900;  // RFC 9110: a two-digit year more than 50 years ahead is in the past
  } else if (w.size() == 5) {         // asctime: day may be one digit after two spaces
    if ((mon = detail::month_index(w[1])) == 0 || w[2].empty() || w[2].size() > 2 || w[4].size() != 4 ||
        !detail::parse_uint(w[4], y) || !detail::clock_time(w[3], h, m, s))
      return std::nullopt;
    std::int64_t d = 0;
    if (!detail::parse_uint(w[2], d)) return std::nullopt;
    day = static_cast<int>(d);
    year = static_cast<int>(y);
  } else {
    return std::nullopt;
  }
  const year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(mon)},
                           std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return std::nullopt;
  return time_point_cast<milliseconds>(sys_days{ymd} + hours{h} + minutes{m} + seconds{s});
}

/// `Retry-After` as a wait from `now`: delay-seconds, or an HTTP-date (a date in the past is a
/// wait of 0). Nothing when the value is neither.
inline std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, unix_ms now) {
  value = detail::trim_ows(value);
  std::int64_t secs = 0;
  if (detail::parse_uint(value, secs)) return std::chrono::milliseconds{secs * 1000};
  if (auto date = parse_http_date(value)) return std::max(std::chrono::milliseconds{0}, *date - now);
  return std::nullopt;
}

/// The hints every service may send on a refused answer: `Retry-After` first, then Benchling's
/// `x-rate-limit-reset` (seconds left in the window) on a 429.
inline server_hint standard_hint(const http::response& res, unix_ms now) {
  server_hint h;
  if (auto ra = res.headers.get("retry-after")) h.wait = parse_retry_after(*ra, now);
  if (!h.wait && res.status == 429)
    if (auto reset = res.headers.get("x-rate-limit-reset")) {
      std::int64_t secs = 0;
      if (detail::parse_uint(detail::trim_ows(*reset), secs)) h.wait = std::chrono::milliseconds{secs * 1000};
    }
  return h;
}

/// Transport failures that happened before any byte of the request left: always safe to retry.
inline bool failed_before_sending(const std::error_code& ec) noexcept {
  return ec == errc::resolve_failed || ec == errc::connect_failed || ec == errc::tls_handshake_failed;
}

/// Transport failures after which the server may have acted: retried only for replay-safe requests.
inline bool failed_in_flight(const std::error_code& ec) noexcept {
  return ec == errc::timeout || ec == errc::network || ec == errc::http_truncated;
}

/// A transport failure that says nothing against the request itself (the network, the peer's or a
/// proxy's availability): worth trying again later, as a background refresher does.
inline bool transient_transport_failure(const std::error_code& ec) noexcept {
  return failed_before_sending(ec) || failed_in_flight(ec) || ec == errc::proxy_failed;
}

/// The full-jitter backoff before attempt `attempt + 1`: uniform in [0, min(max, base * 2^(attempt-1))].
inline std::chrono::milliseconds backoff(const retry_policy& p, int attempt) {
  thread_local std::mt19937_64 prng{std::random_device{}()};
  const double r = p.random ? p.random() : std::uniform_real_distribution<double>(0.0, 1.0)(prng);
  const int shift = std::clamp(attempt - 1, 0, 30);
  const auto window = std::min<std::int64_t>(p.max_delay.count(), p.base_delay.count() * (std::int64_t{1} << shift));
  return std::chrono::milliseconds{static_cast<std::int64_t>(std::clamp(r, 0.0, 1.0) * static_cast<double>(window))};
}

/// Whether attempt `attempt` (1-based) should be followed by another, and after how long.
/// `elapsed` is the time since the call began; `replay_safe` says whether the server may see the
/// request twice (idempotent methods, or a request the service dedupes).
inline decision decide(const retry_policy& p, int attempt, std::chrono::milliseconds elapsed, bool replay_safe,
                       const result<http::response>& outcome, const server_hint& hint) {
  decision d;
  if (outcome) {
    const int st = outcome->status;
    if (std::find(p.retry_statuses.begin(), p.retry_statuses.end(), st) == p.retry_statuses.end()) {
      d.reason = "HTTP " + std::to_string(st) + " is not retried";
      return d;
    }
    if (hint.never) {
      d.reason = "HTTP " + std::to_string(st) + " not retried: " + hint.why;
      return d;
    }
    d.reason = "HTTP " + std::to_string(st);
  } else {
    const auto& ec = outcome.error().code;
    if (!failed_before_sending(ec) && !(replay_safe && failed_in_flight(ec))) {
      d.reason = outcome.error().message + " (not safe to replay)";
      return d;
    }
    d.reason = outcome.error().message;
  }
  if (attempt >= p.max_attempts) {
    d.reason += "; gave up after " + std::to_string(attempt) + (attempt == 1 ? " attempt" : " attempts");
    return d;
  }
  auto delay = backoff(p, attempt);
  if (hint.wait) {
    if (*hint.wait > p.max_server_wait) {
      d.reason += "; the server asks to wait " + std::to_string(hint.wait->count()) + " ms, more than max_server_wait";
      return d;
    }
    delay = *hint.wait;
  }
  if (elapsed + delay >= p.deadline) {
    d.reason += "; waiting " + std::to_string(delay.count()) + " ms more would pass the call's deadline";
    return d;
  }
  d.retry = true;
  d.delay = delay;
  return d;
}

}  // namespace tokenmint::policy
