// The keys a DSP or a sharing participant decrypts and encrypts UID2/EUID tokens with: an
// immutable container parsed from the operator's /v2/key/sharing, /v2/key/bidstream or
// /v2/key/latest answer.
#pragma once

#include <tokenmint/codec/base64.hpp>
#include <tokenmint/core/result.hpp>
#include <tokenmint/crypto/shared_key.hpp>
#include <tokenmint/json/read.hpp>
#include <tokenmint/json/value.hpp>
#include <tokenmint/uid2/flavour.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tokenmint::uid2 {

/// The service a token or a key answer belongs to (bit 4 of a v3/v4 token's first byte).
enum class identity_scope : unsigned char { uid2 = 0, euid = 1 };

constexpr identity_scope scope_of(flavour f) noexcept { return f == flavour::euid ? identity_scope::euid : identity_scope::uid2; }
constexpr std::string_view to_string(identity_scope s) noexcept { return s == identity_scope::euid ? "EUID" : "UID2"; }

/// One key of an answer. Times are Unix **seconds**, as the operator sends them.
struct key {
  std::int64_t id = 0;
  std::optional<std::int64_t> keyset_id;  ///< `/v2/key/sharing`: the caller's own keysets and the master keyset only
  std::optional<std::int64_t> site_id;    ///< `/v2/key/latest` only (-1: master key)
  std::int64_t created = 0;
  std::int64_t activates = 0;
  std::int64_t expires = 0;
  crypto::shared_aes256_key cipher;  ///< the secret, usable from any thread (never printed)

  /// `activates <= now < expires`, with `now` in milliseconds.
  bool active_at(std::int64_t now_ms) const noexcept { return activates * 1000 <= now_ms && now_ms < expires * 1000; }
};

/// A site's domain and app names: a client-side-generated token must be decrypted for one of
/// them (bidstream only).
struct site {
  std::int64_t id = 0;
  std::vector<std::string> domain_names;

  /// `name` equals one entry, ASCII case-insensitively (exact: no wildcard or suffix match).
  bool allows(std::string_view name) const noexcept {
    auto lower = [](unsigned char c) { return c >= 'A' && c <= 'Z' ? static_cast<unsigned char>(c + 32) : c; };
    return std::any_of(domain_names.begin(), domain_names.end(), [&](const std::string& d) {
      return d.size() == name.size() && std::equal(d.begin(), d.end(), name.begin(), [&](char a, char b) {
               return lower(static_cast<unsigned char>(a)) == lower(static_cast<unsigned char>(b));
             });
    });
  }
};

/// Everything a key answer holds, parsed once; immutable afterwards. Lookups by key id are O(1)
/// (an open-addressing table), whatever the number of keys.
///
/// Thread-safety: const members are safe from any thread (the keys' ciphers included).
class key_container {
 public:
  /// Parses the decrypted answer exactly as the operator sends it: `{"body": {...}, "status":
  /// "success"}` (`/v2/key/sharing`, `/v2/key/bidstream`) or `{"body": [...], ...}`
  /// (`/v2/key/latest`). Unknown members are ignored; `token_expiry_seconds` may be a number or
  /// a string (the operator sends a string); times are 64-bit. `default_scope` applies when the
  /// answer has no `identity_scope`. Errors (`invalid_json`) name the member: "key answer:
  /// body.keys[2].secret: expected base64 of 32 bytes". Nothing half-built is returned.
  static result<std::unique_ptr<const key_container>> parse(std::string_view answer,
                                                            identity_scope default_scope = identity_scope::uid2);

  // The answer's header (absent members keep the SDKs' defaults).
  std::optional<std::int64_t> caller_site_id;
  std::optional<std::int64_t> master_keyset_id;
  std::optional<std::int64_t> default_keyset_id;
  std::int64_t token_expiry_seconds = 30 * 86400;
  std::optional<std::int64_t> max_bidstream_lifetime_seconds;  ///< absent: no lifetime limit
  std::optional<std::int64_t> max_sharing_lifetime_seconds;    ///< absent: no lifetime limit
  std::int64_t allow_clock_skew_seconds = 1800;
  identity_scope scope = identity_scope::uid2;

  std::span<const key> keys() const noexcept { return {keys_.get(), key_count_}; }
  const std::vector<site>& sites() const noexcept { return sites_; }

  /// The key with this id, or null. O(1).
  const key* find(std::int64_t id) const noexcept {
    if (table_.empty()) return nullptr;
    const std::size_t mask = table_.size() - 1;
    for (std::size_t i = slot_of(id, mask);; i = (i + 1) & mask) {
      const std::uint32_t k = table_[i];
      if (k == 0) return nullptr;
      if (keys_[k - 1].id == id) return &keys_[k - 1];
    }
  }

  /// The active key of a keyset at `now_ms`: among its keys by `activates`, the last one
  /// activated at or before now that has not expired.
  const key* active_key(std::int64_t keyset_id, std::int64_t now_ms) const noexcept {
    const auto it = keysets_.find(keyset_id);
    if (it == keysets_.end()) return nullptr;
    const auto& list = it->second;  // sorted by activates
    auto end = std::upper_bound(list.begin(), list.end(), now_ms,
                                [](std::int64_t now, const key* k) { return now < k->activates * 1000; });
    while (end != list.begin()) {
      --end;
      if ((*end)->active_at(now_ms)) return *end;
    }
    return nullptr;
  }

  /// The site with this id, or null.
  const site* find_site(std::int64_t id) const noexcept {
    const auto it = site_index_.find(id);
    return it == site_index_.end() ? nullptr : &sites_[it->second];
  }

  /// Whether any key is still unexpired at `now_ms` (else decrypt says `keys_not_synced`).
  bool valid_at(std::int64_t now_ms) const noexcept { return key_count_ != 0 && now_ms < latest_expiry_s_ * 1000; }

 private:
  static std::size_t slot_of(std::int64_t id, std::size_t mask) noexcept {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(id) * 0x9E3779B97F4A7C15ull) >> 32) & mask;
  }

  std::unique_ptr<key[]> keys_;
  std::size_t key_count_ = 0;
  std::vector<std::uint32_t> table_;  // index + 1 into keys_, 0 = empty; size a power of two
  std::unordered_map<std::int64_t, std::vector<const key*>> keysets_;
  std::vector<site> sites_;
  std::unordered_map<std::int64_t, std::size_t> site_index_;
  std::int64_t latest_expiry_s_ = std::numeric_limits<std::int64_t>::min();
};

namespace detail {

inline tokenmint::error key_answer_error(std::string_view path, std::string_view what) {
  return tokenmint::error{errc::invalid_json, "key answer: " + std::string(path) + ": " + std::string(what)};
}

/// An integer member: a JSON integer, or (with `from_string`) a string of decimal digits.
/// Absent or null: nullopt. Anything else: an error naming `path.name`.
inline result<std::optional<std::int64_t>> key_int(const json::value& obj, std::string_view name, const std::string& path,
                                                   bool from_string = false) {
  const json::value* v = obj.find(name);
  if (v == nullptr || v->is_null()) return std::optional<std::int64_t>{};
  const std::string where = path + '.' + std::string(name);
  if (const auto* n = v->if_number()) {
    if (auto i = n->to_int64()) return std::optional<std::int64_t>{*i};
    return key_answer_error(where, "expected a 64-bit integer, got " + n->text);
  }
  if (const auto* s = v->if_string(); s && from_string) {
    std::int64_t i = 0;
    const auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), i);
    if (ec == std::errc{} && p == s->data() + s->size() && !s->empty()) return std::optional<std::int64_t>{i};
    return key_answer_error(where, "expected an integer or a string of digits");
  }
  return key_answer_error(where, "expected an integer");
}

inline result<std::int64_t> key_int_required(const json::value& obj, std::string_view name, const std::string& path) {
  auto v = key_int(obj, name, path);
  if (!v) return std::move(v).error();
  if (!*v) return key_answer_error(path + '.' + std::string(name), "missing");
  return **v;
}

}  // namespace detail

inline result<std::unique_ptr<const key_container>> key_container::parse(std::string_view answer, identity_scope default_scope) {
  auto doc = json::read<json::value>(answer);
  if (!doc) return tokenmint::error{errc::invalid_json, "key answer: " + doc.error().message};
  if (!doc->if_object()) return detail::key_answer_error("(document)", "expected an object");
  const json::value* status = doc->find("status");
  if (status == nullptr || status->if_string() == nullptr) return detail::key_answer_error("status", "missing");
  if (*status->if_string() != "success")
    return detail::key_answer_error("status", "\"" + *status->if_string() + "\" (expected \"success\")");
  const json::value* body = doc->find("body");
  if (body == nullptr) return detail::key_answer_error("body", "missing");

  std::unique_ptr<key_container> kc(new key_container());
  kc->scope = default_scope;
  const json::value::array_type* key_list = nullptr;
  std::string keys_path = "body";
  if (const auto* legacy = body->if_array()) {
    key_list = legacy;  // /v2/key/latest: the body is the key list
  } else if (body->if_object()) {
    const std::string b = "body";
    struct {
      const char* name;
      std::optional<std::int64_t>* out;
      bool from_string;
    } optional_ints[] = {{"caller_site_id", &kc->caller_site_id, false},
                         {"master_keyset_id", &kc->master_keyset_id, false},
                         {"default_keyset_id", &kc->default_keyset_id, false},
                         {"max_bidstream_lifetime_seconds", &kc->max_bidstream_lifetime_seconds, false},
                         {"max_sharing_lifetime_seconds", &kc->max_sharing_lifetime_seconds, false}};
    for (const auto& f : optional_ints) {
      auto v = detail::key_int(*body, f.name, b, f.from_string);
      if (!v) return std::move(v).error();
      *f.out = *v;
    }
    auto expiry = detail::key_int(*body, "token_expiry_seconds", b, true);
    if (!expiry) return std::move(expiry).error();
    if (*expiry) kc->token_expiry_seconds = **expiry;
    auto skew = detail::key_int(*body, "allow_clock_skew_seconds", b);
    if (!skew) return std::move(skew).error();
    if (*skew) kc->allow_clock_skew_seconds = **skew;
    if (const json::value* s = body->find("identity_scope"); s && !s->is_null()) {
      const auto* text = s->if_string();
      if (text == nullptr || (*text != "UID2" && *text != "EUID"))
        return detail::key_answer_error("body.identity_scope", "expected \"UID2\" or \"EUID\"");
      kc->scope = *text == "EUID" ? identity_scope::euid : identity_scope::uid2;
    }
    const json::value* keys = body->find("keys");
    if (keys == nullptr || keys->if_array() == nullptr) return detail::key_answer_error("body.keys", "missing or not an array");
    key_list = keys->if_array();
    keys_path = "body.keys";
    if (const json::value* sites = body->find("site_data"); sites && !sites->is_null()) {
      if (sites->if_array() == nullptr) return detail::key_answer_error("body.site_data", "expected an array");
      for (std::size_t i = 0; i < sites->if_array()->size(); ++i) {
        const json::value& s = (*sites->if_array())[i];
        const std::string path = "body.site_data[" + std::to_string(i) + "]";
        if (!s.if_object()) return detail::key_answer_error(path, "expected an object");
        auto id = detail::key_int_required(s, "id", path);
        if (!id) return std::move(id).error();
        site out{*id, {}};
        if (const json::value* names = s.find("domain_names"); names && !names->is_null()) {
          if (names->if_array() == nullptr) return detail::key_answer_error(path + ".domain_names", "expected an array");
          for (const auto& n : *names->if_array()) {
            if (n.if_string() == nullptr) return detail::key_answer_error(path + ".domain_names", "expected strings");
            out.domain_names.push_back(*n.if_string());
          }
        }
        if (*id == 0) continue;  // as the SDKs do: site 0 is no site
        if (auto [it, fresh] = kc->site_index_.emplace(*id, kc->sites_.size()); !fresh) {
          auto& names = kc->sites_[it->second].domain_names;  // a repeated site: its names add up
          names.insert(names.end(), out.domain_names.begin(), out.domain_names.end());
          continue;
        }
        kc->sites_.push_back(std::move(out));
      }
    }
  } else {
    return detail::key_answer_error("body", "expected an object (sharing, bidstream) or an array (latest)");
  }

  const std::size_t n = key_list->size();
  if (n > 0xFFFFFFF0u) return detail::key_answer_error(keys_path, "too many keys");
  kc->keys_.reset(new key[n]);
  kc->key_count_ = n;
  std::size_t cap = 4;
  while (cap < 2 * n) cap *= 2;
  kc->table_.assign(cap, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const json::value& k = (*key_list)[i];
    const std::string path = keys_path + '[' + std::to_string(i) + ']';
    if (!k.if_object()) return detail::key_answer_error(path, "expected an object");
    key& out = kc->keys_[i];
    for (auto [name, field] : {std::pair{"id", &out.id}, std::pair{"created", &out.created},
                               std::pair{"activates", &out.activates}, std::pair{"expires", &out.expires}}) {
      auto v = detail::key_int_required(k, name, path);
      if (!v) return std::move(v).error();
      *field = *v;
    }
    for (auto [name, field] : {std::pair{"keyset_id", &out.keyset_id}, std::pair{"site_id", &out.site_id}}) {
      auto v = detail::key_int(k, name, path);
      if (!v) return std::move(v).error();
      *field = *v;
    }
    // Times are compared in milliseconds: each one, early or late, must survive the * 1000.
    constexpr std::int64_t max_s = std::numeric_limits<std::int64_t>::max() / 1000;
    for (auto [name, t] :
         {std::pair{"created", out.created}, std::pair{"activates", out.activates}, std::pair{"expires", out.expires}})
      if (t > max_s || t < -max_s) return detail::key_answer_error(path + '.' + name, "time out of range");
    const json::value* secret = k.find("secret");
    if (secret == nullptr || secret->if_string() == nullptr) return detail::key_answer_error(path + ".secret", "missing");
    std::array<std::uint8_t, 33> raw{};  // one more than needed: a longer key is detected, not truncated
    const codec_result d = base64::decode(*secret->if_string(), std::span<std::uint8_t>(raw));
    const bool ok = d && d.size == crypto::aes256_key_size && out.cipher.assign(std::span(raw.data(), d.size)) == errc{};
    tokenmint::detail::cleanse(raw.data(), raw.size());
    if (!ok) return detail::key_answer_error(path + ".secret", "expected base64 of 32 bytes");
    // Index by id (a repeated id: the last one wins, as in the SDKs' maps).
    const std::size_t mask = cap - 1;
    for (std::size_t s = slot_of(out.id, mask);; s = (s + 1) & mask) {
      if (kc->table_[s] == 0 || kc->keys_[kc->table_[s] - 1].id == out.id) {
        kc->table_[s] = static_cast<std::uint32_t>(i + 1);
        break;
      }
    }
    kc->latest_expiry_s_ = std::max(kc->latest_expiry_s_, out.expires);
    if (out.keyset_id) kc->keysets_[*out.keyset_id].push_back(&out);
  }
  for (auto& [id, list] : kc->keysets_)
    std::stable_sort(list.begin(), list.end(), [](const key* a, const key* b) { return a->activates < b->activates; });
  return std::unique_ptr<const key_container>(std::move(kc));
}

}  // namespace tokenmint::uid2
