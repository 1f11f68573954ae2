// `tokenmint uid2 map`: identifiers to raw UID2s, either a few given on the command line (a
// JSON array back) or a whole list streamed from a file (JSON lines or CSV out, one per input row,
// in order, resumable after a kill, with progress on stderr).
#include "cli.hpp"
#include "commands.hpp"
#include "uid2_online.hpp"

#include <tokenmint/json/value.hpp>
#include <tokenmint/json/write.hpp>
#include <tokenmint/uid2/identity_mapper.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <deque>
#include <iostream>
#include <string>
#include <vector>

namespace tokenmint::cli {

namespace {

/// An identifier's text as a row of input, of a kind given or told from the text.
uid2::map_input parse_row(std::string_view kind, std::string_view text) {
  if (kind == "email") return uid2::identity_input::from_email(text);
  if (kind == "phone") return uid2::identity_input::from_phone(text);
  if (kind == "email-hash") return uid2::identity_input::from_email_hash(text);
  if (kind == "phone-hash") return uid2::identity_input::from_phone_hash(text);
  return tokenmint::error{errc::invalid_argument, "cannot tell the type: give --type"};
}

/// `--type` auto: an email has '@', a phone starts with '+'; a hash cannot be told (email or
/// phone?) and needs `--type`.
std::string_view detect_kind(std::string_view text) {
  if (text.find('@') != std::string_view::npos) return "email";
  if (text.starts_with('+')) return "phone";
  return "";
}

/// The fields of one CSV line (RFC 4180 quoting; a field may not span lines).
std::vector<std::string> csv_fields(std::string_view line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

std::string csv_field(std::string_view v) {
  if (v.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + '"';
}

constexpr const char* csv_header = "input,type,outcome,uid,previous_uid,refresh_from,error\n";

/// The input, a line at a time; knows how far it is when it reads a regular file.
struct line_reader {
  std::FILE* f = nullptr;
  bool owned = false;
  long long size = -1, consumed = 0;
  std::string name;

  explicit line_reader(const std::string& path) : name(path == "-" ? "stdin" : path) {
    f = path == "-" ? stdin : std::fopen(path.c_str(), "rb");
    if (f == nullptr) throw data_failure("--input " + path + ": " + std::strerror(errno));
    owned = path != "-";
    struct stat st {};
    if (owned && ::fstat(::fileno(f), &st) == 0 && S_ISREG(st.st_mode)) size = st.st_size;
  }
  ~line_reader() {
    if (owned) std::fclose(f);
  }
  line_reader(const line_reader&) = delete;
  line_reader& operator=(const line_reader&) = delete;

  bool next(std::string& line) {
    line.clear();
    int c;
    bool any = false;
    while ((c = std::fgetc(f)) != EOF) {
      any = true;
      ++consumed;
      if (c == '\n') break;
      line += static_cast<char>(c);
    }
    if (std::ferror(f)) throw data_failure(name + ": read error");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return any;
  }
};

/// The output: whole lines appended with one write each batch of them, so that a kill leaves at
/// most one partial line, which `--resume` drops.
struct line_writer {
  int fd = -1;
  bool owned = false;
  std::string buffer;

  ~line_writer() {
    flush();
    if (owned) ::close(fd);
  }
  void add(std::string_view line) {
    buffer += line;
    if (buffer.size() >= 64 * 1024) flush();
  }
  void flush() {
    std::size_t done = 0;
    while (done < buffer.size()) {
      const ssize_t n = ::write(fd, buffer.data() + done, buffer.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) throw data_failure(std::string("--output: write failed: ") + std::strerror(errno));
      done += static_cast<std::size_t>(n);
    }
    buffer.clear();
  }
};

/// How many whole rows an earlier run wrote to `path`; cuts a partial last line off.
std::uint64_t resume_point(const std::string& path, bool csv) {
  const int fd = ::open(path.c_str(), O_RDWR);
  if (fd < 0) return 0;  // nothing to resume: start from the first row
  std::uint64_t lines = 0;
  off_t last_newline_end = 0, pos = 0;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < n; ++i)
      if (buf[i] == '\n') ++lines, last_newline_end = pos + i + 1;
    pos += n;
  }
  if (n < 0 || ::ftruncate(fd, last_newline_end) != 0) {
    ::close(fd);
    throw data_failure("--resume: cannot read or trim " + path + ": " + std::strerror(errno));
  }
  ::close(fd);
  if (csv && lines > 0) --lines;  // the header
  return lines;
}

struct row_text {
  std::string input;
  std::string_view kind;
};

std::string jsonl_line(const row_text& t, const uid2::map_row& r) {
  auto o = json::value::reserved_object();
  o.emplace_back("input", t.input);
  o.emplace_back("type", t.kind.empty() ? json::value(nullptr) : json::value(std::string(t.kind)));
  o.emplace_back("outcome", std::string(to_string(r.outcome)));
  const bool mapped = r.outcome == uid2::map_outcome::mapped;
  o.emplace_back("uid", mapped ? json::value(r.mapping.uid) : json::value(nullptr));
  o.emplace_back("previous_uid", mapped && r.mapping.previous_uid ? json::value(*r.mapping.previous_uid) : json::value(nullptr));
  o.emplace_back("refresh_from", mapped ? json::value(r.mapping.refresh_from_s) : json::value(nullptr));
  const bool err = r.outcome == uid2::map_outcome::invalid || r.outcome == uid2::map_outcome::failed;
  o.emplace_back("error",
                 err ? json::value(r.error.message.empty() ? r.error.code.message() : r.error.message) : json::value(nullptr));
  return json::write(json::value(std::move(o))) + '\n';
}

std::string csv_line(const row_text& t, const uid2::map_row& r) {
  const bool mapped = r.outcome == uid2::map_outcome::mapped;
  const bool err = r.outcome == uid2::map_outcome::invalid || r.outcome == uid2::map_outcome::failed;
  return csv_field(t.input) + ',' + std::string(t.kind) + ',' + std::string(to_string(r.outcome)) + ',' +
         (mapped ? csv_field(r.mapping.uid) : "") + ',' +
         (mapped && r.mapping.previous_uid ? csv_field(*r.mapping.previous_uid) : "") + ',' +
         (mapped ? std::to_string(r.mapping.refresh_from_s) : "") + ',' +
         (err ? csv_field(r.error.message.empty() ? r.error.code.message() : r.error.message) : "") + '\n';
}

std::string duration_text(double s) {
  char b[32];
  if (s < 60) std::snprintf(b, sizeof b, "%.0fs", s);
  else std::snprintf(b, sizeof b, "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  return b;
}

/// A whole list from a file (or stdin) to JSON lines or CSV.
int map_stream(const args& a) {
  const std::string format = a.get("format").value_or("jsonl");
  if (format != "jsonl" && format != "csv") throw usage_failure("--format: jsonl or csv");
  const bool csv = format == "csv";
  const std::string type = a.get("type").value_or("auto");
  if (type != "auto" && type != "email" && type != "phone" && type != "email-hash" && type != "phone-hash")
    throw usage_failure("--type: email, phone, email-hash, phone-hash or auto");
  for (const auto& name : identity_options)
    if (a.get(name)) throw usage_failure("--" + name + " goes without --input (give --type for the file's rows)");
  a.no_positional();
  uid2::map_options mo;
  if (auto c = a.get("concurrency")) {
    const auto n = parse_count(*c, "concurrency");
    if (n < 1 || n > 64) throw usage_failure("--concurrency: 1 to 64");
    mo.concurrency = static_cast<std::size_t>(n);
  }
  const std::string out_path = a.get("output").value_or("-");
  const bool resume = a.flag("resume"), quiet = a.flag("quiet");
  if (resume && out_path == "-") throw usage_failure("--resume needs --output FILE");

  online o(a, true);
  line_reader in(a.require("input"));
  std::string line;
  std::optional<std::size_t> column;
  if (auto name = a.get("column")) {
    if (!in.next(line)) throw data_failure(in.name + ": empty, no header line with column " + *name);
    const auto header = csv_fields(line);
    for (std::size_t i = 0; i < header.size(); ++i)
      if (header[i] == *name) column = i;
    if (!column) throw data_failure(in.name + ": no column named " + *name + " in the header line");
  }

  line_writer out;
  std::uint64_t skip = 0;
  struct stat st {};
  const bool exists = out_path != "-" && ::stat(out_path.c_str(), &st) == 0;
  if (exists && !resume) throw usage_failure("--output " + out_path + " exists: give --resume to continue it, or remove it");
  if (resume) skip = resume_point(out_path, csv);
  if (out_path == "-") {
    out.fd = STDOUT_FILENO;
  } else {
    out.fd = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (out.fd < 0) throw data_failure("--output " + out_path + ": " + std::strerror(errno));
    out.owned = true;
  }
  if (csv && (out_path == "-" || ::lseek(out.fd, 0, SEEK_END) == 0)) out.add(csv_header);
  for (std::uint64_t i = 0; i < skip; ++i)
    if (!in.next(line)) break;  // rows an earlier run wrote

  // Rows in flight, in input order: the sink takes them off the front as their outcomes come.
  std::deque<row_text> pending;
  auto source = [&]() -> std::optional<uid2::map_input> {
    if (!in.next(line)) return std::nullopt;
    std::string text = line;
    if (column) {
      auto fields = csv_fields(line);
      text = *column < fields.size() ? fields[*column] : std::string();
    }
    const std::string_view kind = type == "auto" ? detect_kind(text) : std::string_view(type);
    pending.push_back({std::move(text), kind});
    if (pending.back().input.empty()) return uid2::map_input(tokenmint::error{errc::invalid_argument, "empty"});
    return parse_row(kind, pending.back().input);
  };
  auto sink = [&](uid2::map_row&& r) {
    out.add(csv ? csv_line(pending.front(), r) : jsonl_line(pending.front(), r));
    pending.pop_front();
  };
  const bool tty = !quiet && ::isatty(STDERR_FILENO) == 1;
  auto last_plain = std::chrono::steady_clock::now();
  auto progress = [&](const uid2::map_progress& p) {
    out.flush();  // what is counted done is on disk
    if (quiet || p.finished) return;
    const auto now = std::chrono::steady_clock::now();
    if (!tty && now - last_plain < std::chrono::seconds(5)) return;
    last_plain = now;
    std::string text = "map: " + std::to_string(skip + p.counts.rows) + " rows";
    if (in.size > 0) {
      const double frac = static_cast<double>(in.consumed) / static_cast<double>(in.size);
      char b[64];
      std::snprintf(b, sizeof b, " (%.1f%%)", 100 * frac);
      text += b;
      if (p.rows_per_second > 0 && frac > 0 && frac < 1)
        text += ", ETA " + duration_text(std::chrono::duration<double>(p.elapsed).count() * (1 - frac) / frac);
    }
    text += ", " + std::to_string(static_cast<long long>(p.rows_per_second)) + " rows/s, " + std::to_string(p.counts.failed) +
            " failed";
    std::cerr << (tty ? "\r\033[K" : "") << text << (tty ? "" : "\n") << std::flush;
  };
  const auto started = std::chrono::steady_clock::now();
  auto counts = o.run([&](auto& c) { return uid2::async_map_stream(c, source, sink, mo, progress); });
  out.flush();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!quiet) {
    if (tty) std::cerr << "\r\033[K";
    std::cerr << "map: " << counts.rows << " rows" << (skip ? " (after " + std::to_string(skip) + " already written)" : "")
              << ": " << counts.mapped << " mapped, " << counts.optout << " optout, " << counts.invalid << " invalid, "
              << counts.failed << " failed in " << duration_text(secs) << " ("
              << static_cast<long long>(secs > 0 ? static_cast<double>(counts.rows) / secs : 0) << " rows/s)\n";
  }
  return counts.failed == 0 ? ok : data_error;
}

/// A few identifiers of one kind on the command line: a JSON array aligned with them.
int map_values(const args& a) {
  std::optional<std::string> kind;
  for (const auto& name : identity_options)
    if (a.get(name)) {
      if (kind)
        throw usage_failure("give one of --email, --phone, --email-hash, --phone-hash, then the values (or --input FILE)");
      kind = name;
    }
  if (!kind) throw usage_failure("give one of --email, --phone, --email-hash, --phone-hash, then the values (or --input FILE)");
  std::vector<std::string> values{*a.get(*kind)};
  values.insert(values.end(), a.positional().begin(), a.positional().end());
  std::vector<uid2::map_input> inputs;
  for (const auto& v : values) inputs.push_back(parse_row(*kind, v));
  online o(a, true);
  json::value::array_type out;
  auto sink = [&](uid2::map_row&& r) {
    json::value::object_type m;
    m.emplace_back("index", static_cast<std::int64_t>(r.index));
    m.emplace_back("identifier", values[r.index]);
    if (r.outcome == uid2::map_outcome::mapped) {
      m.emplace_back("uid", r.mapping.uid);
      m.emplace_back("previous_uid", r.mapping.previous_uid ? json::value(*r.mapping.previous_uid) : json::value(nullptr));
      m.emplace_back("refresh_from", r.mapping.refresh_from_s);
    } else {
      m.emplace_back("unmapped", std::string(r.outcome == uid2::map_outcome::optout ? "optout" : to_string(r.outcome)));
      if (r.outcome != uid2::map_outcome::optout) m.emplace_back("error", r.error.message);
    }
    out.emplace_back(std::move(m));
  };
  auto counts = o.run([&](auto& c) { return uid2::async_map_stream(c, uid2::from_range(inputs), sink); });
  print_line(json::write(json::value(std::move(out))));
  return counts.failed == 0 ? ok : data_error;
}

}  // namespace

int map_command(const std::vector<std::string>& argv) {
  const args a(argv,
               with(with(connection_options, identity_options), {"input", "output", "format", "column", "type", "concurrency"}),
               {"euid", "resume", "quiet"});
  if (a.get("input")) return map_stream(a);
  for (const char* name : {"output", "format", "column", "type", "concurrency"})
    if (a.get(name)) throw usage_failure(std::string("--") + name + " goes with --input FILE");
  if (a.flag("resume") || a.flag("quiet")) throw usage_failure("--resume and --quiet go with --input FILE");
  return map_values(a);
}

}  // namespace tokenmint::cli
