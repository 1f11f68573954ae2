// Small command-line toolkit for the `tokenmint` program: options, stdin, exit codes.
#pragma once

#include <tokenmint/core/error.hpp>

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tokenmint::cli {

/// Exit codes: success, a data error (bad input value, crypto failure), a usage error.
enum exit_code : int { ok = 0, data_error = 1, usage_error = 2 };

/// Thrown for usage errors; main() prints the message and the command's usage, exits 2.
struct usage_failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Thrown for data errors; main() prints the message, exits 1.
struct data_failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Parsed `--name value` / `--flag` options and positional arguments, checked against what the
/// command accepts. Unknown, repeated or value-less options are usage errors.
class args {
 public:
  args(const std::vector<std::string>& argv, const std::set<std::string>& valued, const std::set<std::string>& flags) {
    bool options_done = false;
    for (std::size_t i = 0; i < argv.size(); ++i) {
      const std::string& a = argv[i];
      if (!options_done && a == "--") {
        options_done = true;  // everything after "--" is positional, even "--x@example.com"
      } else if (!options_done && a.size() > 2 && a.rfind("--", 0) == 0) {
        const std::string name = a.substr(2);
        if (flags.count(name)) {
          if (!flags_.insert(name).second) throw usage_failure("--" + name + " given twice");
        } else if (valued.count(name)) {
          if (i + 1 >= argv.size()) throw usage_failure("--" + name + " needs a value");
          if (!values_.emplace(name, argv[++i]).second) throw usage_failure("--" + name + " given twice");
        } else {
          throw usage_failure("unknown option " + a);
        }
      } else {
        positional_.push_back(a);
      }
    }
  }

  bool flag(const std::string& name) const { return flags_.count(name) != 0; }
  std::optional<std::string> get(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second;
  }
  std::string require(const std::string& name) const {
    auto v = get(name);
    if (!v) throw usage_failure("--" + name + " is required");
    return *v;
  }
  const std::vector<std::string>& positional() const { return positional_; }

  /// Exactly one positional argument (e.g. the address to normalize).
  std::string single_positional(const char* what) const {
    if (positional_.size() != 1) throw usage_failure(std::string("expected exactly one ") + what);
    return positional_[0];
  }
  void no_positional() const {
    if (!positional_.empty()) throw usage_failure("unexpected argument '" + positional_[0] + "'");
  }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> flags_;
  std::vector<std::string> positional_;
};

/// `--bidstream` or `--sharing`, exactly one: true for bidstream.
inline bool bidstream_role(const args& a) {
  if (a.flag("bidstream") == a.flag("sharing")) throw usage_failure("give exactly one of --bidstream, --sharing");
  return a.flag("bidstream");
}

/// A decimal int64 option value; anything else is a usage error that names the option.
inline std::int64_t parse_int64(const std::string& text, const char* option, const char* what = "an integer") {
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size() || text.empty())
    throw usage_failure(std::string("--") + option + ": expected " + what + ", got '" + text + "'");
  return v;
}

/// A time option: milliseconds since the Unix epoch.
inline std::int64_t parse_time_ms(const std::string& text, const char* option) {
  return parse_int64(text, option, "an integer (milliseconds since the Unix epoch)");
}

/// A count option (`--concurrency`).
inline std::int64_t parse_count(const std::string& text, const char* option) { return parse_int64(text, option); }

/// All of stdin (bounded), with one trailing newline ("\n" or "\r\n") removed so that
/// `echo '{...}' | tokenmint ...` sends exactly the JSON.
inline std::string read_stdin(std::size_t limit = std::size_t{4} << 20) {
  std::string data;
  char buf[65536];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) {
    data.append(buf, n);
    if (data.size() > limit) throw data_failure("stdin: more than " + std::to_string(limit) + " bytes");
  }
  if (std::ferror(stdin)) throw data_failure("stdin: read error");
  if (!data.empty() && data.back() == '\n') data.pop_back();
  if (!data.empty() && data.back() == '\r') data.pop_back();
  return data;
}

/// Unwrap a result or turn its error into a data failure.
template <class R>
auto take(R&& r) {
  if (!r) throw data_failure(r.error().message.empty() ? r.error().code.message() : r.error().message);
  return *std::forward<R>(r);
}

inline void print_line(std::string_view s) {
  std::cout.write(s.data(), static_cast<std::streamsize>(s.size()));
  std::cout << '\n';
}

}  // namespace tokenmint::cli
