// `tokenmint uid2` offline subcommands: envelopes both ways, normalization, hashing.
#include "cli.hpp"
#include "commands.hpp"

#include <tokenmint/codec/hex.hpp>
#include <tokenmint/testing/testing.hpp>
#include <tokenmint/core/clock.hpp>
#include <tokenmint/json/validate.hpp>
#include <tokenmint/uid2/envelope.hpp>
#include <tokenmint/uid2/normalize.hpp>

#include <cstdlib>
#include <functional>
#include <iostream>
#include <map>

namespace tokenmint::cli {

namespace {

const char* const usage =
    "usage: tokenmint uid2 <command> [options]\n"
    "\n"
    "online (each also takes --ca-file PATH --timeout MS --proxy URL --resolve HOST:PORT:ADDR;\n"
    "        --euid for an EUID operator; --api-key/--secret may come from UID2_API_KEY and\n"
    "        UID2_CLIENT_SECRET instead):\n"
    "  generate --base-url URL --api-key K --secret S (--email|--phone|--email-hash|--phone-hash) V\n"
    "           [--euid [--tcf TC]]   -> identity JSON, or {\"status\":\"optout\"} /\n"
    "           {\"status\":\"insufficient_user_consent\"}\n"
    "  client-generate --base-url URL --subscription-id ID --public-key UID2-X-... (--origin URL | --app-name NAME)\n"
    "           (--email|--phone|--email-hash|--phone-hash) V [--euid]   -> identity JSON or {\"status\":\"optout\"}\n"
    "           (no API key: what an app calls; the email or phone is hashed here and sealed)\n"
    "  refresh  --base-url URL [--api-key K]   stdin: identity JSON -> new identity JSON or optout\n"
    "  validate --base-url URL --api-key K --secret S --token T (--email|...) V   -> true / false\n"
    "  map      --base-url URL --api-key K --secret S (--email|--phone|--email-hash|--phone-hash) V...\n"
    "           -> JSON array aligned with the values (a bad value is its row's outcome, not the call's)\n"
    "  map      --base-url URL --api-key K --secret S --input FILE|- [--column NAME] [--type T]\n"
    "           [--output FILE|-] [--format jsonl|csv] [--concurrency N] [--resume] [--quiet]\n"
    "           a whole list, streamed: one output line per input line, in order (input, type,\n"
    "           outcome mapped|optout|invalid|failed, uid, previous_uid, refresh_from, error);\n"
    "           --column: the input is CSV with a header line; --type email|phone|email-hash|\n"
    "           phone-hash, else told per row ('@': email, '+': phone); --resume continues an\n"
    "           interrupted --output FILE; progress and a summary on stderr; exit 1 if a row failed\n"
    "  keys     --base-url URL --api-key K --secret S (--bidstream | --sharing)\n"
    "           -> the decrypted key answer JSON, unchanged (it holds key secrets: keep it safe)\n"
    "  Service errors: HTTP status, the operator's status and message on stderr, exit 1.\n"
    "\n"
    "offline:\n"
    "  encrypt-request  --secret B64 [--iv HEX --nonce HEX --timestamp MS]\n"
    "                   stdin: request JSON -> stdout: base64 request envelope\n"
    "  decrypt-response --secret B64 --nonce HEX          stdin: base64 -> stdout: response JSON\n"
    "  decrypt-response --refresh --key B64               (refresh responses: refresh_response_key)\n"
    "  decrypt-request  --secret B64 [--now MS] [--euid]  stdin: base64 -> stdout: request JSON,\n"
    "                   or the operator's error message on stderr\n"
    "  encrypt-response --secret B64 --nonce HEX [--iv HEX --timestamp MS]\n"
    "  encrypt-response --refresh --key B64 [--iv HEX]    stdin: response JSON -> stdout: base64\n"
    "  normalize-email ADDR | hash-email ADDR | hash-phone PHONE\n"
    "  decrypt-token    --keys FILE (--bidstream | --sharing) [--domain NAME] [--now MS] [--check-optout]\n"
    "                   [--euid]   stdin: token -> {\"status\":\"success\",\"uid\":...}; another status:\n"
    "                   {\"status\":\"<name>\"} on stdout, the reason on stderr, exit 1\n"
    "  encrypt-token    --keys FILE --raw-uid B64 [--now MS] [--master-iv HEX --site-iv HEX] [--euid]\n"
    "                   -> a v4 sharing token; a status name and exit 1 when it cannot encrypt\n"
    "                   (FILE: a key answer as `keys` prints it)\n"
    "\n"
    "--secret may be left out when UID2_CLIENT_SECRET is set (keeps it out of `ps`).\n"
    "One trailing newline on stdin is ignored. --iv/--nonce/--timestamp are for reproducing\n"
    "test vectors: by default every envelope gets a fresh IV, nonce and the current time.\n";

crypto::aes256_gcm client_key(const args& a) {
  std::optional<std::string> secret = a.get("secret");
  if (!secret) {
    if (const char* env = std::getenv("UID2_CLIENT_SECRET"); env != nullptr) secret = env;
  }
  if (!secret) throw usage_failure("--secret is required (or set UID2_CLIENT_SECRET)");
  return take(uid2::make_key(*secret, "--secret"));
}

uid2::nonce_bytes nonce_option(const args& a) { return take(hex::decode_array<8>(a.require("nonce"), "--nonce")); }

std::optional<crypto::gcm_iv> iv_option(const args& a) {
  if (auto iv = a.get("iv")) return take(hex::decode_array<12>(*iv, "--iv"));
  return std::nullopt;
}

std::int64_t time_option(const args& a, const char* name) {
  if (auto t = a.get(name)) return parse_time_ms(*t, name);
  return default_clock().now_ms();
}

std::string read_json_stdin() {
  std::string json = read_stdin();
  if (auto ok = json::validate(json); !ok) throw data_failure("stdin: not valid JSON: " + ok.error().message);
  return json;
}

int encrypt_request(const std::vector<std::string>& argv) {
  const args a(argv, {"secret", "iv", "nonce", "timestamp"}, {});
  a.no_positional();
  auto key = client_key(a);
  uid2::request_params p = take(uid2::make_request_params(time_option(a, "timestamp")));
  if (a.get("nonce")) p.nonce = nonce_option(a);
  p.iv = iv_option(a);
  const std::string json = read_json_stdin();
  if (!json::is_object(json)) throw data_failure("stdin: the request must be a JSON object");
  print_line(take(uid2::seal_request(key, p, json)));
  return ok;
}

int decrypt_response(const std::vector<std::string>& argv) {
  const args a(argv, {"secret", "nonce", "key"}, {"refresh"});
  a.no_positional();
  const std::string body = read_stdin();
  std::vector<std::uint8_t> scratch;
  if (a.flag("refresh")) {
    if (a.get("secret") || a.get("nonce")) throw usage_failure("--refresh takes --key, not --secret/--nonce");
    auto key = take(uid2::make_key(a.require("key"), "--key"));
    print_line(take(uid2::open_refresh_response(key, body, scratch)));
    return ok;
  }
  if (a.get("key")) throw usage_failure("--key goes with --refresh");
  auto key = client_key(a);
  const auto nonce = nonce_option(a);
  print_line(take(uid2::open_response(key, body, nonce, scratch)).json);
  return ok;
}

int decrypt_request(const std::vector<std::string>& argv) {
  const args a(argv, {"secret", "now"}, {"euid"});
  a.no_positional();
  auto key = client_key(a);
  const std::int64_t now = time_option(a, "now");
  const std::string body = read_stdin();
  std::vector<std::uint8_t> scratch;
  auto r = tokenmint::testing::open_request(key, body, now, a.flag("euid") ? uid2::flavour::euid : uid2::flavour::uid2, scratch);
  print_line(take(std::move(r)).json);
  return ok;
}

int encrypt_response(const std::vector<std::string>& argv) {
  const args a(argv, {"secret", "nonce", "iv", "timestamp", "key"}, {"refresh"});
  a.no_positional();
  const auto iv = iv_option(a);
  if (a.flag("refresh")) {
    if (a.get("secret") || a.get("nonce") || a.get("timestamp"))
      throw usage_failure("--refresh takes --key (and --iv), not --secret/--nonce/--timestamp");
    auto key = take(uid2::make_key(a.require("key"), "--key"));
    const std::string json = read_json_stdin();
    print_line(take(tokenmint::testing::seal_refresh_response(key, json, iv)));
    return ok;
  }
  if (a.get("key")) throw usage_failure("--key goes with --refresh");
  auto key = client_key(a);
  const auto nonce = nonce_option(a);
  const std::int64_t ts = time_option(a, "timestamp");
  const std::string json = read_json_stdin();
  print_line(take(tokenmint::testing::seal_response(key, ts, nonce, json, iv)));
  return ok;
}

int normalize_email(const std::vector<std::string>& argv) {
  const args a(argv, {}, {});
  print_line(take(uid2::normalize_email(a.single_positional("email address"))));
  return ok;
}

int hash_email(const std::vector<std::string>& argv) {
  const args a(argv, {}, {});
  print_line(take(uid2::hash_email(a.single_positional("email address"))));
  return ok;
}

int hash_phone(const std::vector<std::string>& argv) {
  const args a(argv, {}, {});
  print_line(take(uid2::hash_phone(a.single_positional("phone number"))));
  return ok;
}

}  // namespace

const char* uid2_usage() { return usage; }

int run_uid2(const std::vector<std::string>& argv) {
  static const std::map<std::string, std::function<int(const std::vector<std::string>&)>> commands = {
      {"encrypt-request", encrypt_request}, {"decrypt-response", decrypt_response},
      {"decrypt-request", decrypt_request}, {"encrypt-response", encrypt_response},
      {"normalize-email", normalize_email}, {"hash-email", hash_email},
      {"hash-phone", hash_phone},
  };
  if (argv.empty()) {
    std::cerr << usage;
    return usage_error;
  }
  if (argv[0] == "--help" || argv[0] == "-h") {
    std::cout << usage;
    return ok;
  }
  std::vector<std::string> names;
  const std::function<int(const std::vector<std::string>&)>* command = nullptr;
  for (const auto* table : {&commands, &uid2_online_commands(), &uid2_token_commands()})
    for (const auto& [name, run] : *table) {
      names.push_back(name);
      if (name == argv[0]) command = &run;
    }
  if (command == nullptr) {
    const std::string hint = closest(argv[0], names);
    std::cerr << "tokenmint uid2: unknown command '" << argv[0] << "'" << (hint.empty() ? "" : " (did you mean '" + hint + "'?)")
              << "\n"
              << usage;
    return usage_error;
  }
  current_command() = "uid2 " + argv[0];
  try {
    return (*command)({argv.begin() + 1, argv.end()});
  } catch (const usage_failure& e) {
    std::cerr << "tokenmint uid2 " << argv[0] << ": " << e.what() << "\n"
              << "see: tokenmint uid2 " << argv[0] << " --help\n";
    return usage_error;
  } catch (const data_failure& e) {
    std::cerr << "tokenmint uid2 " << argv[0] << ": " << e.what() << '\n';
    return data_error;
  }
}

}  // namespace tokenmint::cli
