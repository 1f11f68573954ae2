// tokenmint::error: an error code plus everything needed to act on it.
#pragma once

#include <tokenmint/core/errc.hpp>

#include <ostream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace tokenmint {

/// What a remote service said, kept with the error so that no server message is lost.
struct diagnostics {
  int http_status = 0;          ///< HTTP status code, 0 when no response was received
  std::string service_status;   ///< the service's own status string (e.g. UID2 "client_error")
  std::string service_message;  ///< the service's own message
  std::string correlation_id;   ///< request/correlation id, where the service sends one
  std::string raw_body;         ///< the response body of a failed call (UID2: only when it is not JSON)
  /// Response headers that help act on the error: correlation ids, rate-limit counters,
  /// `Retry-After`. Never a credential.
  std::vector<std::pair<std::string, std::string>> headers;
  /// The service's itemised reasons: HubSpot `errors[]` ("in: message"), Alterian `Detail`.
  std::vector<std::string> details;
  int attempts = 0;  ///< how many times the request was sent (0: not recorded)

  /// The first kept header named `name` (ASCII case-insensitive), or empty.
  std::string header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n.size() != name.size()) continue;
      bool same = true;
      for (std::size_t i = 0; i < n.size() && same; ++i) {
        char a = n[i], b = name[i];
        if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
        same = a == b;
      }
      if (same) return v;
    }
    return {};
  }
};

/// An error: a `std::error_code`, a message that names the field or step that failed, and
/// the service's diagnostics. A value type; cheap to move. Never holds secrets in clear.
struct error {
  std::error_code code;
  std::string message;  ///< what went wrong, e.g. "client_secret: expected 32 bytes, got 31"
  diagnostics diag{};

  error() = default;
  error(std::error_code c, std::string msg = {}, diagnostics d = {}) : code(c), message(std::move(msg)), diag(std::move(d)) {}
  error(errc c, std::string msg = {}, diagnostics d = {})
      : code(make_error_code(c)), message(std::move(msg)), diag(std::move(d)) {}

  /// One line for logs: message, code, and any service diagnostics.
  std::string describe() const {
    std::string out = message.empty() ? code.message() : message;
    out += " [";
    out += code.category().name();
    out += ':';
    out += std::to_string(code.value());
    out += ' ';
    out += code.message();
    out += ']';
    if (diag.http_status != 0) {
      out += " HTTP ";
      out += std::to_string(diag.http_status);
    }
    if (!diag.service_status.empty()) {
      out += " status=";
      out += diag.service_status;
    }
    if (!diag.service_message.empty()) {
      out += " message=\"";
      out += diag.service_message;
      out += '"';
    }
    if (!diag.correlation_id.empty()) {
      out += " correlation_id=";
      out += diag.correlation_id;
    }
    for (const auto& d : diag.details) {
      out += " detail=\"";
      out += d;
      out += '"';
    }
    // A body the service's parser could not read (a proxy's HTML 500, a gateway's text): its
    // first 160 bytes, control and non-ASCII bytes as '?'. JSON bodies are left out: their
    // meaning is in the fields above, and they are where a credential could be echoed.
    if (const auto start = diag.raw_body.find_first_not_of(" \t\r\n");
        start != std::string::npos && diag.raw_body[start] != '{' && diag.raw_body[start] != '[') {
      constexpr std::size_t shown = 160;
      out += " body=\"";
      for (std::size_t i = start; i < diag.raw_body.size() && i < start + shown; ++i) {
        const auto c = static_cast<unsigned char>(diag.raw_body[i]);
        out += (c >= 0x20 && c < 0x7f && c != '"') ? static_cast<char>(c) : '?';
      }
      if (diag.raw_body.size() - start > shown) out += "...";
      out += '"';
    }
    if (diag.attempts > 1) {
      out += " attempts=";
      out += std::to_string(diag.attempts);
    }
    return out;
  }

  friend bool operator==(const error& e, errc c) noexcept { return e.code == make_error_code(c); }
  friend std::ostream& operator<<(std::ostream& os, const error& e) { return os << e.describe(); }
};

/// Thrown by `result<T>::value()` when it holds an error; carries the full `error`.
class error_with_diagnostics : public std::system_error {
 public:
  explicit error_with_diagnostics(error e)
      : std::system_error(e.code, e.message.empty() ? std::string{} : e.message), error_(std::move(e)) {}

  const error& get() const noexcept { return error_; }
  const diagnostics& diag() const noexcept { return error_.diag; }

 private:
  error error_;
};

}  // namespace tokenmint
