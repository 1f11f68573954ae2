// `tokenmint uid2 decrypt-token | encrypt-token`: a DSP's and a sharing participant's view of
// advertising tokens, offline, with a key answer saved by `tokenmint uid2 keys`.
#include "cli.hpp"
#include "commands.hpp"

#include <tokenmint/codec/hex.hpp>
#include <tokenmint/json/write.hpp>
#include <tokenmint/uid2/tokens.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

namespace tokenmint::cli {

namespace {

std::int64_t now_option(const args& a) {
  if (auto n = a.get("now")) return parse_time_ms(*n, "now");
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::unique_ptr<const uid2::key_container> keys_file(const args& a) {
  const std::string path = a.require("keys");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw data_failure("--keys: cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  auto kc = uid2::key_container::parse(text.str(), a.flag("euid") ? uid2::identity_scope::euid : uid2::identity_scope::uid2);
  if (!kc) throw data_failure(path + ": " + kc.error().message);
  return std::move(*kc);
}

/// What to tell a user about each status, in one line.
std::string_view reason(uid2::decryption_status s) {
  using uid2::decryption_status;
  switch (s) {
    case decryption_status::success: return "decrypted";
    case decryption_status::not_authorized_for_master_key:
      return "the token's master key is not in the key answer (old token, or keys out of date)";
    case decryption_status::not_authorized_for_key:
      return "the token's site key is not in the key answer (no permission to decrypt this publisher's tokens)";
    case decryption_status::not_initialized: return "no keys";
    case decryption_status::invalid_payload:
      return "not a valid token: bad base64, truncated, tampered, or encrypted with other key bytes";
    case decryption_status::expired_token: return "the token has expired";
    case decryption_status::keys_not_synced: return "every key in the key answer has expired: fetch the keys again";
    case decryption_status::version_not_supported: return "unknown token version";
    case decryption_status::invalid_identity_scope: return "a UID2 token given to EUID keys, or the reverse (--euid)";
    case decryption_status::invalid_token_lifetime:
      return "the token lives longer than the key answer allows, or was issued too far in the future";
    case decryption_status::domain_or_app_name_check_failed:
      return "a client-side-generated token, and --domain is not one of its site's domains or app names";
    case decryption_status::user_opted_out: return "the user opted out (privacy bit)";
  }
  return "";
}

std::string_view reason(uid2::encryption_status s) {
  using uid2::encryption_status;
  switch (s) {
    case encryption_status::success: return "encrypted";
    case encryption_status::not_authorized_for_master_key:
      return "no active key in the master keyset (a sharing key answer is needed)";
    case encryption_status::not_authorized_for_key:
      return "no active key in the default keyset (a sharing key answer with default_keyset_id is needed)";
    case encryption_status::not_initialized: return "no keys";
    case encryption_status::keys_not_synced: return "every key in the key answer has expired: fetch the keys again";
    case encryption_status::encryption_failure: return "--raw-uid must be standard base64 of 32 or 33 bytes (email or phone)";
  }
  return "";
}

int decrypt_token(const std::vector<std::string>& argv) {
  const args a(argv, {"keys", "domain", "now"}, {"euid", "bidstream", "sharing", "check-optout"});
  a.no_positional();
  uid2::decrypt_options o;
  o.context = bidstream_role(a) ? uid2::token_context::bidstream : uid2::token_context::sharing;
  o.check_optout = a.flag("check-optout");
  if (a.get("domain") && o.context == uid2::token_context::sharing) throw usage_failure("--domain goes with --bidstream");
  const std::int64_t now = now_option(a);
  const auto kc = keys_file(a);
  const std::string token = read_stdin();
  uid2::decryption_result r;
  uid2::decrypt_token(kc.get(), token, a.get("domain").value_or(""), now, r, o);
  if (!r.ok()) {
    print_line("{\"status\":\"" + std::string(to_string(r.status)) + "\"}");
    std::cerr << "tokenmint uid2 decrypt-token: " << to_string(r.status) << ": " << reason(r.status) << '\n';
    return data_error;
  }
  json::value::object_type out{{"status", "success"},
                               {"uid", std::string(r.uid())},
                               {"established", r.established_ms},
                               {"site_id", r.site_id},
                               {"site_key_site_id", r.site_key_site_id},
                               {"identity_type", r.type ? json::value(to_string(*r.type)) : json::value(nullptr)},
                               {"version", r.version},
                               {"client_side_generated", r.client_side_generated},
                               {"expires", r.expires_ms}};
  print_line(json::write(json::value(std::move(out))));
  return ok;
}

int encrypt_token(const std::vector<std::string>& argv) {
  const args a(argv, {"keys", "raw-uid", "now", "master-iv", "site-iv"}, {"euid"});
  a.no_positional();
  const std::string raw_uid = a.require("raw-uid");
  const std::int64_t now = now_option(a);
  std::optional<crypto::gcm_iv> master_iv, site_iv;
  if (auto h = a.get("master-iv")) master_iv = take(hex::decode_array<12>(*h, "--master-iv"));
  if (auto h = a.get("site-iv")) site_iv = take(hex::decode_array<12>(*h, "--site-iv"));
  const auto kc = keys_file(a);
  uid2::encrypt_options o;
  o.master_iv = master_iv ? &*master_iv : nullptr;
  o.site_iv = site_iv ? &*site_iv : nullptr;
  uid2::encryption_result r;
  uid2::encrypt_raw_uid(kc.get(), raw_uid, now, r, o);
  if (!r.ok()) {
    print_line(to_string(r.status));
    std::cerr << "tokenmint uid2 encrypt-token: " << to_string(r.status) << ": " << reason(r.status) << '\n';
    return data_error;
  }
  print_line(r.token());
  return ok;
}

}  // namespace

const std::map<std::string, std::function<int(const std::vector<std::string>&)>>& uid2_token_commands() {
  static const std::map<std::string, std::function<int(const std::vector<std::string>&)>> commands = {
      {"decrypt-token", decrypt_token}, {"encrypt-token", encrypt_token}};
  return commands;
}

}  // namespace tokenmint::cli
