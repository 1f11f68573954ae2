// UID2 and EUID speak one protocol; a flavour holds what differs between them.
#pragma once

#include <tokenmint/detail/config.hpp>

#include <string_view>

namespace tokenmint::uid2 {

/// Which of the two services a client talks to: UID2 and EUID share one protocol and differ in
/// their operators, their tokens' prefixes and EUID's TCF consent string.
enum class flavour : unsigned char { uid2, euid };

/// "UID2" or "EUID", as error messages name the service.
constexpr std::string_view name(flavour f) noexcept { return f == flavour::euid ? "EUID" : "UID2"; }

/// "uid2" or "euid": the service identifier hooks see (`policy::request_event::service`),
/// lowercase like the other clients' "hubspot", "benchling", "alterian".
constexpr std::string_view service_id(flavour f) noexcept { return f == flavour::euid ? "euid" : "uid2"; }

/// Where the operator's error messages point users (unifiedid.com for UID2, euid.eu for EUID).
constexpr std::string_view docs_site(flavour f) noexcept {
  return f == flavour::euid ? "https://euid.eu" : "https://unifiedid.com";
}

}  // namespace tokenmint::uid2
