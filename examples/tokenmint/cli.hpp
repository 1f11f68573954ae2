// Small command-line toolkit for the `tokenmint` program: options, stdin, exit codes.
#pragma once

#include <tokenmint/core/error.hpp>

#include <algorithm>
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

/// The running command ("uid2 generate"), set by the group's dispatcher before the command
/// parses its options: it names the command's help and picks its option descriptions.
inline std::string& current_command() {
  static std::string name;
  return name;
}

/// Thrown by `args` when `--help` was given and printed; main() exits 0.
struct help_shown {};

/// The `--name` among `candidates` closest to a mistyped `given` (at most a third of its letters
/// off), for "did you mean" hints; empty when none is close.
inline std::string closest(std::string_view given, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_d = given.size() / 3 + 1;
  for (const auto& c : candidates) {
    std::vector<std::size_t> row(c.size() + 1);
    for (std::size_t j = 0; j <= c.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= given.size(); ++i) {
      std::size_t diag = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= c.size(); ++j) {
        const std::size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (given[i - 1] == c[j - 1] ? 0 : 1)});
        diag = up;
      }
    }
    if (row[c.size()] < best_d) best_d = row[c.size()], best = c;
  }
  return best;
}

/// A command's options, parsed by CLI11 against what the command accepts: `--name value` (or
/// `--name=value`), `--flag`, and positional arguments where the command takes some (its
/// description in help.hpp says). Unknown (with a "did you mean"), repeated or value-less options
/// are usage errors; `--help` prints the command's help and throws `help_shown`. A secret option
/// with an environment variable (help.hpp) takes the variable's value when not given.
class args {
 public:
  args(const std::vector<std::string>& argv, const std::set<std::string>& valued, const std::set<std::string>& flags);

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
