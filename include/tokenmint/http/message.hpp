// HTTP/1.1 messages as plain values: header fields with case-insensitive lookup, a request and a
// response. Sans-io: nothing here touches a socket.
#pragma once

#include <tokenmint/detail/config.hpp>
#include <tokenmint/http/detail/chars.hpp>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tokenmint::http {

/// ASCII case-insensitive comparison, as HTTP field names and tokens need.
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

/// One header field as received or to be sent.
struct field {
  std::string name;
  std::string value;
  friend bool operator==(const field&, const field&) = default;
};

/// Header fields in order of arrival. Lookup ignores the case of names; repeated fields are kept
/// (`get` returns the first, `all` every one). A value type; not thread-safe for writes.
class fields {
 public:
  fields() = default;
  fields(std::initializer_list<field> init) : items_(init) {}

  /// The first value of `name`, or nothing.
  std::optional<std::string_view> get(std::string_view name) const noexcept {
    for (const auto& f : items_)
      if (iequals(f.name, name)) return std::string_view{f.value};
    return std::nullopt;
  }
  bool contains(std::string_view name) const noexcept { return get(name).has_value(); }

  /// Every value of `name`, in order.
  std::vector<std::string_view> all(std::string_view name) const {
    std::vector<std::string_view> out;
    for (const auto& f : items_)
      if (iequals(f.name, name)) out.emplace_back(f.value);
    return out;
  }

  /// Appends a field, keeping any earlier one of the same name.
  void add(std::string name, std::string value) { items_.push_back({std::move(name), std::move(value)}); }

  /// Replaces every field of `name` with one field.
  void set(std::string_view name, std::string value) {
    erase(name);
    items_.push_back({std::string(name), std::move(value)});
  }

  /// Removes every field of `name`; returns how many were removed.
  std::size_t erase(std::string_view name) {
    const auto before = items_.size();
    std::erase_if(items_, [&](const field& f) { return iequals(f.name, name); });
    return before - items_.size();
  }

  void clear() noexcept { items_.clear(); }
  bool empty() const noexcept { return items_.empty(); }
  std::size_t size() const noexcept { return items_.size(); }
  auto begin() const noexcept { return items_.begin(); }
  auto end() const noexcept { return items_.end(); }

  friend bool operator==(const fields&, const fields&) = default;

 private:
  std::vector<field> items_;
};

/// Request methods tokenmint's clients use.
enum class verb { get, head, post, put, patch, delete_, options };

constexpr std::string_view to_string(verb v) noexcept {
  switch (v) {
    case verb::get: return "GET";
    case verb::head: return "HEAD";
    case verb::post: return "POST";
    case verb::put: return "PUT";
    case verb::patch: return "PATCH";
    case verb::delete_: return "DELETE";
    case verb::options: return "OPTIONS";
  }
  return "GET";
}

/// Methods RFC 9110 calls idempotent: a request with one of them may be sent again after a
/// connection failed without knowing whether the server acted on it.
constexpr bool is_idempotent(verb v) noexcept { return v != verb::post && v != verb::patch; }

/// A request to send. `url` is absolute (`https://host[:port]/path?query`); the transport parses it,
/// connects to its origin and sends the path and query as the request target.
struct request {
  verb method = verb::get;
  std::string url;
  http::fields headers;
  std::string body;
};

/// A complete response. `body` is the decoded payload (chunked framing removed); `trailers`
/// holds the fields of a chunked trailer section, if any.
struct response {
  int status = 0;
  int version_minor = 1;  ///< HTTP/1.<minor>
  std::string reason;
  http::fields headers;
  std::string body;
  http::fields trailers;

  /// Whether the connection may carry another request after this response.
  bool keep_alive() const noexcept {
    bool close = false, keep = false;
    for (const auto& f : headers) {
      if (!iequals(f.name, "connection")) continue;
      // Connection is a comma-separated token list.
      std::string_view v = f.value;
      while (!v.empty()) {
        const auto comma = v.find(',');
        const std::string_view tok = detail::trim_ows(v.substr(0, comma));
        if (iequals(tok, "close")) close = true;
        if (iequals(tok, "keep-alive")) keep = true;
        if (comma == std::string_view::npos) break;
        v.remove_prefix(comma + 1);
      }
    }
    if (close) return false;
    return version_minor >= 1 || keep;
  }
};

}  // namespace tokenmint::http
