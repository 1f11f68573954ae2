// tokenmint's version, for User-Agent strings and diagnostics.
#pragma once

#include <tokenmint/detail/config.hpp>

#include <string_view>

namespace tokenmint {

inline constexpr int version_major = TOKENMINT_VERSION_MAJOR;
inline constexpr int version_minor = TOKENMINT_VERSION_MINOR;
inline constexpr int version_patch = TOKENMINT_VERSION_PATCH;
inline constexpr std::string_view version_string = TOKENMINT_VERSION_STRING;

}  // namespace tokenmint
