// Request serialization: head and body of an HTTP/1.1 request into a caller's buffer.
#pragma once

#include <tokenmint/http/detail/chars.hpp>
#include <tokenmint/http/message.hpp>
#include <tokenmint/http/url.hpp>

#include <string>
#include <string_view>

namespace tokenmint::http {

/// How the request line names its target.
enum class target_form {
  origin,    ///< "/path?query" (a direct connection or a CONNECT tunnel)
  absolute,  ///< "http://host/path?query" (a forwarding proxy)
};

/// Appends `req` to `out` as an HTTP/1.1 request for the parsed `u` (which must be `req.url`).
/// The serializer owns the framing: it writes `Host` (unless the caller set one),
/// `Content-Length` (for a body, and 0 for an empty POST/PUT/PATCH) and `User-Agent` (unless
/// set). Refuses, with `errc::invalid_argument` naming the field, a header whose name is not a
/// token or whose value holds CR, LF or another control character, and caller-set
/// `Content-Length` or `Transfer-Encoding` (the body is always sent with a length).
inline result<void> serialize(const request& req, const url& u, std::string& out, std::string_view user_agent,
                              target_form form = target_form::origin) {
  for (const auto& f : req.headers) {
    if (!detail::valid_field_name(f.name)) return error{errc::invalid_argument, "headers: invalid field name '" + f.name + "'"};
    if (!detail::valid_field_value(f.value))
      return error{errc::invalid_argument, "headers: " + f.name + ": value holds CR, LF or a control character"};
    if (iequals(f.name, "content-length") || iequals(f.name, "transfer-encoding"))
      return error{errc::invalid_argument, "headers: " + f.name + " is set by the transport from the body"};
  }
  if (!detail::valid_field_value(user_agent)) return error{errc::invalid_argument, "user_agent: control character"};

  out += to_string(req.method);
  out += ' ';
  if (form == target_form::absolute) {
    out += u.scheme;
    out += "://";
    out += u.authority();
  }
  out += u.path;
  if (!u.query.empty()) {
    out += '?';
    out += u.query;
  }
  out += " HTTP/1.1\r\n";
  if (!req.headers.contains("host")) {
    out += "Host: ";
    out += u.authority();
    out += "\r\n";
  }
  if (!user_agent.empty() && !req.headers.contains("user-agent")) {
    out += "User-Agent: ";
    out += user_agent;
    out += "\r\n";
  }
  for (const auto& f : req.headers) {
    out += f.name;
    out += ": ";
    out += f.value;
    out += "\r\n";
  }
  const bool body_expected = req.method == verb::post || req.method == verb::put || req.method == verb::patch;
  if (!req.body.empty() || body_expected) {
    out += "Content-Length: ";
    out += std::to_string(req.body.size());
    out += "\r\n";
  }
  out += "\r\n";
  out += req.body;
  return {};
}

}  // namespace tokenmint::http
