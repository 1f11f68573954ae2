// Absolute http/https URLs, percent-encoding and application/x-www-form-urlencoded bodies.
// Sans-io and allocation-light; every parse error names what is wrong.
#pragma once

#include <tokenmint/core/result.hpp>
#include <tokenmint/http/detail/chars.hpp>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>
#include <utility>

namespace tokenmint::http {

/// A parsed absolute URL. `host` is lower-case and, for an IPv6 literal, without brackets.
/// `path` is never empty ("/" at least) and stays percent-encoded; `query` excludes the '?'.
/// A fragment is dropped (it is never sent). User information (`user:pass@`) is refused so that
/// credentials cannot hide in a base URL that gets logged.
struct url {
  std::string scheme;  ///< "http" or "https"
  std::string host;
  std::uint16_t port = 0;  ///< explicit or the scheme's default
  std::string path = "/";
  std::string query;
  bool ipv6 = false;  ///< host is an IPv6 literal

  bool tls() const noexcept { return scheme == "https"; }
  std::uint16_t default_port() const noexcept { return tls() ? 443 : 80; }

  /// The request target in origin form: path, plus '?' and the query when there is one.
  std::string target() const {
    std::string t = path;
    if (!query.empty()) {
      t += '?';
      t += query;
    }
    return t;
  }

  /// host[:port] with brackets for IPv6, port omitted when it is the default: the Host header.
  std::string authority() const {
    std::string a = ipv6 ? "[" + host + "]" : host;
    if (port != default_port()) {
      a += ':';
      a += std::to_string(port);
    }
    return a;
  }

  /// host:port always, brackets for IPv6: a CONNECT target and the pool's origin key.
  std::string host_port() const { return (ipv6 ? "[" + host + "]" : host) + ':' + std::to_string(port); }

  friend bool operator==(const url&, const url&) = default;
};

namespace detail {

constexpr bool is_unreserved(char c) noexcept {
  return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}
constexpr bool is_sub_delim(char c) noexcept {
  return c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' || c == '+' || c == ',' || c == ';' ||
         c == '=';
}
/// RFC 3986 pchar plus '/' and '?' (what may appear in a path or query), '%' checked separately.
constexpr bool is_path_char(char c) noexcept {
  return is_unreserved(c) || is_sub_delim(c) || c == ':' || c == '@' || c == '/' || c == '?';
}

inline bool valid_ipv6(std::string_view s) noexcept {
  // RFC 4291 text form: up to 8 groups of 1-4 hex digits, at most one "::", an optional
  // dotted IPv4 tail. Zone ids (fe80::1%25eth0) are refused: they mean nothing to a remote server.
  if (s.empty() || s.size() > 45) return false;
  int groups = 0;
  bool compressed = false;
  std::size_t i = 0;
  if (s.starts_with("::")) {
    compressed = true;
    i = 2;
    if (i == s.size()) return true;
  } else if (s.front() == ':') {
    return false;
  }
  while (i < s.size()) {
    std::size_t j = i;
    while (j < s.size() && is_hex(s[j]) && j - i < 5) ++j;
    if (j < s.size() && s[j] == '.') {
      // IPv4 tail: four decimal octets, counts as two groups.
      std::string_view v4 = s.substr(i);
      int octets = 0;
      std::size_t k = 0;
      while (k <= v4.size()) {
        std::size_t e = k;
        int val = 0;
        while (e < v4.size() && is_digit(v4[e]) && e - k < 3) val = val * 10 + (v4[e++] - '0');
        if (e == k || val > 255 || (e - k > 1 && v4[k] == '0')) return false;
        ++octets;
        if (e == v4.size()) break;
        if (v4[e] != '.') return false;
        k = e + 1;
      }
      if (octets != 4) return false;
      groups += 2;
      i = s.size();
      break;
    }
    if (j == i || j - i > 4) return false;
    ++groups;
    i = j;
    if (i == s.size()) break;
    if (s[i] != ':') return false;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (compressed) return false;
      compressed = true;
      ++i;
      if (i == s.size()) break;
    } else if (i == s.size()) {
      return false;  // trailing single ':'
    }
  }
  return compressed ? groups < 8 : groups == 8;
}

inline bool valid_reg_name(std::string_view s) noexcept {
  // DNS-style names and IPv4 literals: letters, digits, '-', '.', '_' (seen in internal hosts).
  // Percent-encoded or other sub-delims in host names are refused rather than guessed at.
  if (s.empty() || s.size() > 253) return false;
  for (char c : s)
    if (!(is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_')) return false;
  return s.front() != '.' && s.front() != '-';
}

}  // namespace detail

/// Parses an absolute `http://` or `https://` URL. Refuses anything else with `errc::invalid_url`
/// and a message that names the part: other schemes, user information, an empty or invalid host,
/// a port outside 1-65535, spaces, control characters or bad percent-escapes in path or query.
inline result<url> parse_url(std::string_view text) {
  auto fail = [&](std::string why) -> result<url> { return error{errc::invalid_url, "url: " + why}; };
  url u;
  const auto colon = text.find("://");
  if (colon == std::string_view::npos) return fail("expected an absolute URL starting with http:// or https://");
  std::string scheme(text.substr(0, colon));
  for (char& c : scheme)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (scheme != "http" && scheme != "https") return fail("unsupported scheme '" + scheme + "' (http or https)");
  u.scheme = std::move(scheme);
  std::string_view rest = text.substr(colon + 3);
  if (const auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);

  const auto path_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_start);
  std::string_view path_query = path_start == std::string_view::npos ? std::string_view{} : rest.substr(path_start);
  if (authority.find('@') != std::string_view::npos)
    return fail("user information in the URL is not supported (pass credentials as options)");
  if (authority.empty()) return fail("missing host");

  std::string_view host, port_text;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return fail("unterminated IPv6 literal");
    host = authority.substr(1, close - 1);
    if (!detail::valid_ipv6(host)) return fail("invalid IPv6 literal '" + std::string(host) + "'");
    u.ipv6 = true;
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail("unexpected characters after the IPv6 literal");
      port_text = after.substr(1);
      if (port_text.empty()) return fail("empty port");
    }
  } else {
    const auto pc = authority.rfind(':');
    host = authority.substr(0, pc);
    if (pc != std::string_view::npos) {
      port_text = authority.substr(pc + 1);
      if (port_text.empty()) return fail("empty port");
    }
    if (!detail::valid_reg_name(host)) return fail("invalid host '" + std::string(host) + "'");
  }
  u.host.assign(host);
  for (char& c : u.host)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');

  if (!port_text.empty()) {
    unsigned long port = 0;
    if (port_text.size() > 5) return fail("port out of range");
    for (char c : port_text) {
      if (!detail::is_digit(c)) return fail("port is not a number");
      port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    if (port == 0 || port > 65535) return fail("port out of range (1-65535)");
    u.port = static_cast<std::uint16_t>(port);
  } else {
    u.port = u.default_port();
  }

  for (std::size_t i = 0; i < path_query.size(); ++i) {
    const char c = path_query[i];
    if (c == '%') {
      if (i + 2 >= path_query.size() || !detail::is_hex(path_query[i + 1]) || !detail::is_hex(path_query[i + 2]))
        return fail("invalid percent-escape at offset " + std::to_string(i));
      i += 2;
    } else if (!detail::is_path_char(c)) {
      return fail("character " +
                  (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e
                       ? "0x" + std::to_string(static_cast<unsigned char>(c))
                       : std::string("'") + c + "'") +
                  " must be percent-encoded (path/query offset " + std::to_string(i) + ")");
    }
  }
  const auto q = path_query.find('?');
  std::string_view path = path_query.substr(0, q);
  if (!path.empty()) u.path.assign(path);
  if (q != std::string_view::npos) u.query.assign(path_query.substr(q + 1));
  return u;
}

/// Percent-encodes every byte that is not RFC 3986 unreserved (so the result is safe in a path
/// segment or a query value). Upper-case hex digits.
inline std::string percent_encode(std::string_view in) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(in.size());
  for (const char c : in) {
    if (detail::is_unreserved(c)) {
      out += c;
    } else {
      const auto b = static_cast<unsigned char>(c);
      out += '%';
      out += hex[b >> 4];
      out += hex[b & 15];
    }
  }
  return out;
}

/// Decodes %XX escapes; refuses a malformed escape. With `plus_is_space`, '+' decodes to ' '
/// (form bodies).
inline result<std::string> percent_decode(std::string_view in, bool plus_is_space = false) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%') {
      if (i + 2 >= in.size() || !detail::is_hex(in[i + 1]) || !detail::is_hex(in[i + 2]))
        return error{errc::invalid_argument, "percent-decoding: invalid escape at offset " + std::to_string(i)};
      out += static_cast<char>(detail::hex_value(in[i + 1]) * 16 + detail::hex_value(in[i + 2]));
      i += 2;
    } else if (plus_is_space && in[i] == '+') {
      out += ' ';
    } else {
      out += in[i];
    }
  }
  return out;
}

/// Appends one `application/x-www-form-urlencoded` name/value pair (WHATWG URL standard's
/// serializer: space as '+', `*-._` and alphanumerics kept, every other byte %XX).
inline void form_append(std::string& body, std::string_view name, std::string_view value) {
  static constexpr char hex[] = "0123456789ABCDEF";
  auto put = [&](std::string_view s) {
    for (const char c : s) {
      if (detail::is_alpha(c) || detail::is_digit(c) || c == '*' || c == '-' || c == '.' || c == '_') {
        body += c;
      } else if (c == ' ') {
        body += '+';
      } else {
        const auto b = static_cast<unsigned char>(c);
        body += '%';
        body += hex[b >> 4];
        body += hex[b & 15];
      }
    }
  };
  if (!body.empty()) body += '&';
  put(name);
  body += '=';
  put(value);
}

/// A whole form body from name/value pairs, in order.
inline std::string form_encode(std::initializer_list<std::pair<std::string_view, std::string_view>> pairs) {
  std::string body;
  for (const auto& [n, v] : pairs) form_append(body, n, v);
  return body;
}

/// One decoded `application/x-www-form-urlencoded` pair.
struct form_field {
  std::string name;
  std::string value;  ///< empty for a pair without '='
};

/// Decodes a whole form body into its pairs, in order ('+' is a space, %XX escapes decoded; an
/// empty body has no pairs). A malformed escape refuses the whole body.
inline result<std::vector<form_field>> form_decode(std::string_view body) {
  std::vector<form_field> out;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const auto pair = body.substr(0, amp);
    const auto eq = pair.find('=');
    auto name = percent_decode(pair.substr(0, eq), true);
    if (!name) return std::move(name).error();
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!value) return std::move(value).error();
    out.push_back({std::move(*name), std::move(*value)});
    if (amp == std::string_view::npos) break;
    body.remove_prefix(amp + 1);
  }
  return out;
}

}  // namespace tokenmint::http
