// tokenmint::error: an error code plus everything needed to act on it.
#pragma once

#include <tokenmint/core/errc.hpp>

#include <ostream>
#include <string>
#include <system_error>
#include <utility>

namespace tokenmint {

/// What a remote service said, kept with the error so that no server message is lost.
struct diagnostics {
  int http_status = 0;         ///< HTTP status code, 0 when no response was received
  std::string service_status;  ///< the service's own status string (e.g. UID2 "client_error")
  std::string service_message; ///< the service's own message
  std::string correlation_id;  ///< request/correlation id, where the service sends one
  std::string raw_body;        ///< the response body, when it was not the JSON expected
};

/// An error: a `std::error_code`, a message that names the field or step that failed, and
/// the service's diagnostics. A value type; cheap to move. Never holds secrets in clear.
struct error {
  std::error_code code;
  std::string message;  ///< what went wrong, e.g. "client_secret: expected 32 bytes, got 31"
  diagnostics diag{};

  error() = default;
  error(std::error_code c, std::string msg = {}, diagnostics d = {})
      : code(c), message(std::move(msg)), diag(std::move(d)) {}
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
