// Incremental HTTP/1.1 response parser (RFC 9112), sans-io: feed it bytes in pieces of any size.
#pragma once

#include <tokenmint/http/message.hpp>
#include <tokenmint/core/result.hpp>
#include <tokenmint/http/detail/chars.hpp>
#include <tokenmint/http/detail/content_length.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace tokenmint::http {

namespace detail {

/// One `name: value` line of a header or trailer section (without its CRLF) appended to `into`,
/// or the reason it is refused: obs-fold, a missing colon, a name that is not a token, a
/// control character in the value. Optional whitespace around the value is dropped.
inline result<void> parse_field_line(std::string_view line, fields& into) {
  auto fail = [](std::string why) { return tokenmint::error{errc::http_protocol, std::move(why)}; };
  if (line.front() == ' ' || line.front() == '\t') return fail("obsolete line folding (obs-fold) is not accepted");
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return fail("header line without ':'");
  std::string_view name = line.substr(0, colon);
  if (!valid_field_name(name)) return fail("invalid header field name '" + std::string(name.substr(0, 64)) + "'");
  const std::string_view value = trim_ows(line.substr(colon + 1));
  if (!valid_field_value(value)) return fail("control character in header field '" + std::string(name) + "'");
  into.add(std::string(name), std::string(value));
  return {};
}

}  // namespace detail

/// Bounds on what one response may make the parser hold. Exceeding either ends parsing with
/// `errc::http_limit_exceeded`; memory stays within them whatever the peer sends.
struct parser_limits {
  std::size_t max_header_bytes = 64 * 1024;      ///< status line + fields (+ 1xx heads, trailers)
  std::size_t max_body_bytes = 8 * 1024 * 1024;  ///< decoded body
};

/// Parses one response at a time. Strict where leniency lets a peer smuggle or hide bytes
/// (bare CR or LF line ends, obs-fold, bad field names, Content-Length with Transfer-Encoding,
/// conflicting lengths, bad chunk sizes) and tolerant where RFC 9112 allows (empty reason
/// phrase, chunk extensions, trailers, 1xx interim responses, which are skipped).
/// Not thread-safe; reusable through `reset`.
class response_parser {
 public:
  explicit response_parser(parser_limits limits = {}) : limits_(limits) {}

  /// Prepares for the next response. `no_body`: the request was HEAD or a successful CONNECT, so
  /// the response has no body whatever its headers say.
  void reset(bool no_body = false) {
    *this = response_parser(limits_);
    no_body_ = no_body;
  }

  /// Consumes bytes of the response. Returns how many were used: all of `data` unless the
  /// response completed inside it (the rest belongs to whatever follows). After an error, every
  /// call returns that error.
  result<std::size_t> feed(std::string_view data) {
    if (failed_) return error_;
    std::size_t i = 0;
    while (i < data.size() && state_ != state::done) {
      if (state_ == state::body_length || state_ == state::chunk_data) {
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, data.size() - i));
        res_.body.append(data.data() + i, n);
        i += n;
        offset_ += n;
        remaining_ -= n;
        if (remaining_ == 0) state_ = state_ == state::body_length ? state::done : state::chunk_data_cr;
        continue;
      }
      if (state_ == state::body_eof) {
        const std::size_t n = data.size() - i;
        if (res_.body.size() + n > limits_.max_body_bytes) return fail_limit("body", limits_.max_body_bytes);
        res_.body.append(data.data() + i, n);
        i += n;
        offset_ += n;
        continue;
      }
      if (state_ == state::chunk_data_cr || state_ == state::chunk_data_lf) {
        const char want = state_ == state::chunk_data_cr ? '\r' : '\n';
        if (data[i] != want) return fail("chunk data not followed by CRLF");
        ++i;
        ++offset_;
        state_ = state_ == state::chunk_data_cr ? state::chunk_data_lf : state::chunk_size;
        continue;
      }
      // Line-oriented states: gather up to LF, bounded.
      const char* start = data.data() + i;
      const void* lf = std::memchr(start, '\n', data.size() - i);
      const std::size_t take = lf ? static_cast<std::size_t>(static_cast<const char*>(lf) - start) + 1 : data.size() - i;
      if (in_head() || state_ == state::trailers) {
        if (head_bytes_ + take > limits_.max_header_bytes)
          return fail_limit(in_head() ? "header section" : "trailer section", limits_.max_header_bytes);
        head_bytes_ += take;
      } else if (line_.size() + take > max_chunk_line) {
        return fail_limit("chunk size line", max_chunk_line);
      }
      line_.append(start, take);
      i += take;
      if (!lf) {
        offset_ += take;
        continue;
      }
      const std::uint64_t line_offset = offset_ + take - line_.size();
      offset_ += take;
      if (line_.size() < 2 || line_[line_.size() - 2] != '\r')
        return fail("line ending without CR (bare LF) at byte " + std::to_string(line_offset + line_.size() - 1));
      std::string_view line(line_.data(), line_.size() - 2);
      if (const auto cr = line.find('\r'); cr != std::string_view::npos)
        return fail("bare CR at byte " + std::to_string(line_offset + cr));
      auto r = on_line(line);
      line_.clear();
      if (!r) return r.error();
    }
    return i;
  }

  /// The peer closed the connection. Completes a close-delimited body; anywhere else before the
  /// end of the response this is `errc::http_truncated`, never a success.
  result<void> finish() {
    if (failed_) return error_;
    if (state_ == state::done) return {};
    if (state_ == state::body_eof) {
      state_ = state::done;
      return {};
    }
    std::string where;
    switch (state_) {
      case state::status_line: where = offset_ == 0 ? "before any response byte" : "in the status line"; break;
      case state::headers: where = "in the header section"; break;
      case state::body_length:
        where =
            "after " + std::to_string(res_.body.size()) + " of " + std::to_string(res_.body.size() + remaining_) + " body bytes";
        break;
      default: where = "in the chunked body"; break;
    }
    return set_error(errc::http_truncated, "HTTP: connection closed " + where);
  }

  /// Starts in the chunked body of a message whose head was parsed elsewhere: the request
  /// parser hands chunked request bodies here, so there is one chunked decoder.
  void begin_chunked_body() noexcept { state_ = state::chunk_size; }

  bool done() const noexcept { return state_ == state::done; }
  /// Whether any byte of a response arrived (a pooled connection that closes before that was stale).
  bool started() const noexcept { return offset_ != 0; }
  /// Whether the body runs until the connection closes (then the connection cannot be reused).
  bool close_delimited() const noexcept { return close_delimited_; }

  const response& get() const noexcept { return res_; }
  response release() noexcept { return std::move(res_); }

 private:
  // Where the parser is in the message; each state consumes what its name says.
  enum class state {
    status_line,
    headers,
    body_length,
    body_eof,
    chunk_size,
    chunk_data,
    chunk_data_cr,
    chunk_data_lf,
    trailers,
    done
  };
  static constexpr std::size_t max_chunk_line = 4096;

  bool in_head() const noexcept { return state_ == state::status_line || state_ == state::headers; }

  tokenmint::error set_error(errc c, std::string msg) {
    failed_ = true;
    error_ = tokenmint::error{c, std::move(msg)};
    return error_;
  }
  tokenmint::error fail(std::string why) { return set_error(errc::http_protocol, "HTTP: " + why); }
  tokenmint::error fail_limit(std::string_view what, std::size_t limit) {
    return set_error(errc::http_limit_exceeded,
                     "HTTP: " + std::string(what) + " exceeds the limit of " + std::to_string(limit) + " bytes");
  }

  result<void> on_line(std::string_view line) {
    switch (state_) {
      case state::status_line: return status_line(line);
      case state::headers: return line.empty() ? end_of_head() : header_line(line, res_.headers);
      case state::chunk_size: return chunk_size_line(line);
      case state::trailers:
        if (line.empty()) {
          state_ = state::done;
          return {};
        }
        return header_line(line, res_.trailers);
      default: return {};
    }
  }

  result<void> status_line(std::string_view line) {
    // RFC 9112 section 2.2: a recipient ignores empty lines before a start line (a peer that ends a
    // body with an extra CRLF). They count against the header limit, so a stream of them is bounded.
    if (line.empty()) return {};
    // HTTP-version SP 3DIGIT SP reason-phrase; the reason may be empty and its SP missing.
    if (line.size() < 12 || !line.starts_with("HTTP/1.") || line[8] != ' ')
      return fail("malformed status line (expected \"HTTP/1.x NNN reason\")");
    if (line[7] != '0' && line[7] != '1') return fail("unsupported HTTP version '" + std::string(line.substr(0, 8)) + "'");
    int status = 0;
    for (std::size_t k = 9; k < 12; ++k) {
      if (!detail::is_digit(line[k])) return fail("status code is not three digits");
      status = status * 10 + (line[k] - '0');
    }
    if (status < 100 || status > 599) return fail("status code " + std::to_string(status) + " out of range");
    std::string_view reason;
    if (line.size() > 12) {
      if (line[12] != ' ') return fail("status code is not three digits");
      reason = line.substr(13);
      for (char c : reason)
        if (!detail::is_field_vchar(c)) return fail("control character in the reason phrase");
    }
    res_.status = status;
    res_.version_minor = line[7] - '0';
    res_.reason.assign(reason);
    state_ = state::headers;
    return {};
  }

  result<void> header_line(std::string_view line, fields& into) {
    if (auto r = detail::parse_field_line(line, into); !r) return fail(std::move(r).error().message);
    return {};
  }

  result<void> end_of_head() {
    if (res_.status < 200) {
      if (res_.status == 101) return fail("101 Switching Protocols is not supported");
      // An interim response: skip it, the final one follows.
      res_.headers.clear();
      state_ = state::status_line;
      return {};
    }
    const bool no_body = no_body_ || res_.status == 204 || res_.status == 304;
    const auto te = res_.headers.all("transfer-encoding");
    const auto cl = res_.headers.all("content-length");
    if (!te.empty() && !cl.empty()) return fail("both Content-Length and Transfer-Encoding (request smuggling risk)");
    if (no_body) {
      state_ = state::done;
      return {};
    }
    if (!te.empty()) {
      // Only "chunked" is decoded; a compressed coding would hand the caller bytes it did not ask for.
      std::string codings;
      for (auto v : te) {
        if (!codings.empty()) codings += ',';
        codings += v;
      }
      std::string_view rest = codings;
      bool chunked = false;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        const std::string_view tok = detail::trim_ows(rest.substr(0, comma));
        if (!tok.empty()) {
          if (!iequals(tok, "chunked") || chunked) return fail("unsupported Transfer-Encoding '" + codings + "' (only chunked)");
          chunked = true;
        }
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
      if (!chunked) return fail("empty Transfer-Encoding");
      state_ = state::chunk_size;
      return {};
    }
    if (!cl.empty()) {
      std::uint64_t length = 0;
      if (const char* why = detail::fold_content_length(cl, length)) return fail(why);
      if (length > limits_.max_body_bytes) return fail_limit("body (Content-Length)", limits_.max_body_bytes);
      remaining_ = length;
      res_.body.reserve(static_cast<std::size_t>(length));
      state_ = length == 0 ? state::done : state::body_length;
      return {};
    }
    close_delimited_ = true;
    state_ = state::body_eof;
    return {};
  }

  result<void> chunk_size_line(std::string_view line) {
    std::size_t k = 0;
    std::uint64_t size = 0;
    while (k < line.size() && detail::is_hex(line[k])) {
      if (k >= 15) return fail("chunk size too large");
      size = size * 16 + static_cast<std::uint64_t>(detail::hex_value(line[k]));
      ++k;
    }
    if (k == 0) return fail("invalid chunk size");
    // chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ): whitespace only
    // before a ';', and every ';' starts a named extension. Extensions are checked, then ignored.
    if (auto ok = check_chunk_extensions(line.substr(k)); !ok) return ok;
    if (size == 0) {
      state_ = state::trailers;
      return {};
    }
    if (res_.body.size() + size > limits_.max_body_bytes) return fail_limit("body", limits_.max_body_bytes);
    remaining_ = size;
    state_ = state::chunk_data;
    return {};
  }

  result<void> check_chunk_extensions(std::string_view ext) {
    auto skip_bws = [&ext] {
      while (!ext.empty() && (ext.front() == ' ' || ext.front() == '\t')) ext.remove_prefix(1);
    };
    auto token = [&ext] {
      std::size_t n = 0;
      while (n < ext.size() && detail::is_tchar(ext[n])) ++n;
      ext.remove_prefix(n);
      return n != 0;
    };
    for (;;) {
      const std::size_t before = ext.size();
      skip_bws();
      if (ext.empty()) {
        if (before != 0) return fail("whitespace at the end of a chunk size line");
        return {};
      }
      if (!detail::is_field_vchar(ext.front())) return fail("control character in a chunk extension");
      if (ext.front() != ';') return fail("invalid chunk size line (only ';' extensions may follow the size)");
      ext.remove_prefix(1);
      skip_bws();
      if (!token()) return fail("chunk extension without a name");
      const std::string_view after_name = ext;
      skip_bws();
      if (ext.empty() || ext.front() != '=') {
        ext = after_name;  // the whitespace, if any, is judged at the top of the loop
        continue;
      }
      ext.remove_prefix(1);
      skip_bws();
      if (!ext.empty() && ext.front() == '"') {  // quoted-string: qdtext and quoted-pairs
        ext.remove_prefix(1);
        bool closed = false;
        while (!ext.empty()) {
          const char c = ext.front();
          ext.remove_prefix(1);
          if (c == '"') {
            closed = true;
            break;
          }
          if (c == '\\') {
            if (ext.empty() || !detail::is_field_vchar(ext.front())) return fail("bad quoted-pair in a chunk extension");
            ext.remove_prefix(1);
          } else if (!detail::is_field_vchar(c)) {
            return fail("control character in a chunk extension");
          }
        }
        if (!closed) return fail("unterminated quoted string in a chunk extension");
      } else if (!token()) {
        return fail("chunk extension '=' without a value");
      }
    }
  }

  parser_limits limits_;
  response res_;
  state state_ = state::status_line;
  std::string line_;
  std::uint64_t remaining_ = 0;
  std::uint64_t offset_ = 0;
  std::size_t head_bytes_ = 0;
  bool no_body_ = false;
  bool close_delimited_ = false;
  bool failed_ = false;
  tokenmint::error error_;
};

}  // namespace tokenmint::http
