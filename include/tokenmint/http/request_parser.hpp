// The server side of HTTP/1.1, sans-io: an incremental request parser and a response serializer.
// Used by the sandbox operator; strict in the same places as the response parser.
#pragma once

#include <tokenmint/http/parser.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tokenmint::http {

/// A request as a server receives it. `target` is in origin form ("/path?query").
struct incoming_request {
  std::string method;
  std::string target;
  int version_minor = 1;
  http::fields headers;
  std::string body;

  /// The path without the query.
  std::string_view path() const noexcept { return std::string_view(target).substr(0, target.find('?')); }
  bool keep_alive() const noexcept {
    response r;  // Connection semantics are the same in both directions
    r.version_minor = version_minor;
    r.headers = headers;
    return r.keep_alive();
  }
};

/// Parses one request at a time from bytes in pieces of any size. A body comes with
/// `Content-Length` or `Transfer-Encoding: chunked` (decoded by the response parser's chunked
/// decoder; trailers are dropped); a chunked body is refused as soon as a chunk size takes it
/// past `max_body_bytes`. Errors: `http_protocol` (answer 400), `http_limit_exceeded` (answer
/// 431 or 413 as `head_too_large()` says). Not thread-safe.
class request_parser {
 public:
  explicit request_parser(parser_limits limits = {}) : limits_(limits) {}

  void reset() { *this = request_parser(limits_); }

  /// Consumes bytes; returns how many were used (less than given only when a request completed).
  result<std::size_t> feed(std::string_view data) {
    if (failed_) return error_;
    std::size_t used = 0;
    if (!head_done_) {
      const std::size_t before = head_.size();
      const std::size_t room = limits_.max_header_bytes - std::min(before, limits_.max_header_bytes);
      head_.append(data.substr(0, std::min(data.size(), room + 4)));
      const std::size_t from = before >= 3 ? before - 3 : 0;
      const auto end = head_.find("\r\n\r\n", from);
      // Refuse at the first byte that proves this is not an HTTP/1.1 request, instead of
      // waiting for a blank line that never comes (a TLS ClientHello, a bare-LF client). Only
      // head bytes are checked: what follows the blank line is the body.
      if (auto r = early_check(before, end == std::string::npos ? head_.size() : end + 4); !r) return r.error();
      if (end == std::string::npos) {
        if (head_.size() > limits_.max_header_bytes) {
          head_too_large_ = true;
          return set_error(errc::http_limit_exceeded, "HTTP: request header section exceeds the limit of " +
                                                          std::to_string(limits_.max_header_bytes) + " bytes");
        }
        return data.size();
      }
      used = end + 4 - before;
      head_.resize(end + 2);  // keep the last line's CRLF
      if (auto r = parse_head(); !r) return r.error();
      head_done_ = true;
      if (remaining_ == 0 && !chunked_) {
        done_ = true;
        return used;
      }
    }
    if (chunked_ && !done_) {
      auto n = chunked_->feed(data.substr(used));
      if (!n)
        return set_error(n.error().code == errc::http_limit_exceeded ? errc::http_limit_exceeded : errc::http_protocol,
                         n.error().message + " (chunked request body)");
      used += *n;
      if (chunked_->done()) {
        req_.body = chunked_->release().body;
        chunked_.reset();
        done_ = true;
      }
      return used;
    }
    if (!done_) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, data.size() - used));
      req_.body.append(data.data() + used, n);
      used += n;
      remaining_ -= n;
      done_ = remaining_ == 0;
    }
    return used;
  }

  bool done() const noexcept { return done_; }
  bool started() const noexcept { return !head_.empty(); }
  /// Whether the request line and header fields have all arrived.
  bool head_done() const noexcept { return head_done_; }
  /// After an `http_limit_exceeded` error: whether the head (431) rather than the body (413) was too large.
  bool head_too_large() const noexcept { return head_too_large_; }
  incoming_request release() noexcept { return std::move(req_); }

 private:
  tokenmint::error set_error(errc c, std::string msg) {
    failed_ = true;
    error_ = tokenmint::error{c, std::move(msg)};
    return error_;
  }
  tokenmint::error fail(std::string why) { return set_error(errc::http_protocol, "HTTP: " + why); }

  /// Checks the head bytes in [from, to): the method (bytes before the first space) must be
  /// token characters, and every LF must follow a CR.
  result<void> early_check(std::size_t from, std::size_t to) {
    const std::size_t method_end = std::min(head_.find(' '), to);
    for (std::size_t i = from; i < method_end; ++i) {
      if (detail::is_tchar(head_[i])) continue;
      if (i == 0 && static_cast<unsigned char>(head_[0]) == 0x16)
        return fail("a TLS handshake on a plain-HTTP port (use http://, not https://)");
      return fail("invalid method: not an HTTP request");
    }
    for (std::size_t i = std::max<std::size_t>(from, 1); i < to; ++i)
      if (head_[i] == '\n' && head_[i - 1] != '\r') return fail("line ending without CR (bare LF)");
    return {};
  }

  result<void> parse_head() {
    std::string_view rest = head_;
    bool first = true;
    while (!rest.empty()) {
      const auto lf = rest.find('\n');
      std::string_view line = rest.substr(0, lf);
      if (line.empty() || line.back() != '\r') return fail("line ending without CR (bare LF)");
      line.remove_suffix(1);
      if (line.find('\r') != std::string_view::npos) return fail("bare CR");
      rest.remove_prefix(lf + 1);
      if (first) {
        if (auto r = request_line(line); !r) return r;
        first = false;
        continue;
      }
      if (auto r = detail::parse_field_line(line, req_.headers); !r) return fail(r.error().message);
    }
    if (req_.headers.contains("transfer-encoding")) {
      // RFC 9112 6.1: chunked must be the only (and final) coding; with Content-Length as well
      // the framing is ambiguous (request smuggling), so both are refused.
      const auto codings = req_.headers.all("transfer-encoding");
      if (codings.size() != 1 || !iequals(detail::trim_ows(codings.front()), "chunked"))
        return fail("unsupported Transfer-Encoding in a request (only chunked)");
      if (req_.headers.contains("content-length")) return fail("both Content-Length and Transfer-Encoding");
      chunked_.emplace(limits_);
      chunked_->begin_chunked_body();
      return {};
    }
    std::uint64_t length = 0;
    if (const char* why = detail::fold_content_length(req_.headers.all("content-length"), length)) return fail(why);
    if (length > limits_.max_body_bytes)
      return set_error(errc::http_limit_exceeded, "HTTP: request body of " + std::to_string(length) +
                                                      " bytes exceeds the limit of " + std::to_string(limits_.max_body_bytes));
    remaining_ = length;
    req_.body.reserve(static_cast<std::size_t>(length));
    return {};
  }

  result<void> request_line(std::string_view line) {
    const auto sp1 = line.find(' ');
    const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos) return fail("malformed request line");
    const std::string_view method = line.substr(0, sp1);
    const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    const std::string_view version = line.substr(sp2 + 1);
    if (!detail::valid_field_name(method)) return fail("invalid method");
    if (target.empty() || target.front() != '/') return fail("request target must be in origin form");
    for (char c : target)
      if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
        return fail("invalid character in the request target");
    if (version != "HTTP/1.1" && version != "HTTP/1.0") return fail("unsupported HTTP version");
    req_.method.assign(method);
    req_.target.assign(target);
    req_.version_minor = version.back() - '0';
    return {};
  }

  parser_limits limits_;
  incoming_request req_;
  std::optional<response_parser> chunked_;  // the body decoder of a chunked request
  std::string head_;
  std::uint64_t remaining_ = 0;
  bool head_done_ = false;
  bool done_ = false;
  bool head_too_large_ = false;
  bool failed_ = false;
  tokenmint::error error_;
};

/// Appends a response: status line, `headers`, `Content-Length` (unless 1xx/204/304) and body.
inline void serialize_response(const response& res, std::string& out) {
  out += "HTTP/1.1 ";
  out += std::to_string(res.status);
  out += ' ';
  out += res.reason;
  out += "\r\n";
  for (const auto& f : res.headers) {
    out += f.name;
    out += ": ";
    out += f.value;
    out += "\r\n";
  }
  if (res.status >= 200 && res.status != 204 && res.status != 304) {
    out += "Content-Length: ";
    out += std::to_string(res.body.size());
    out += "\r\n";
  }
  out += "\r\n";
  out += res.body;
}

/// The standard reason phrase of the statuses tokenmint's servers send.
constexpr std::string_view reason_phrase(int status) noexcept {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "";
  }
}

}  // namespace tokenmint::http
