// Pieces shared by json::read and json::write: the type traits that pick how a member is read or
// written, the SWAR string scan, and the "member.path: what" form of their error messages.
#pragma once

#include <tokenmint/json/reflect.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

namespace tokenmint::json::detail {

template <class T>
inline constexpr bool is_optional_v = false;
template <class T>
inline constexpr bool is_optional_v<std::optional<T>> = true;

template <class T>
inline constexpr bool is_vector_v = false;
template <class T, class A>
inline constexpr bool is_vector_v<std::vector<T, A>> = true;

template <class T>
inline constexpr bool is_std_array_v = false;
template <class T, std::size_t N>
inline constexpr bool is_std_array_v<std::array<T, N>> = true;

template <class T>
inline constexpr bool is_string_map_v = false;
template <class T, class C, class A>
inline constexpr bool is_string_map_v<std::map<std::string, T, C, A>> = true;

template <class T>
inline constexpr bool dependent_false_v = false;

/// A model type: an aggregate struct that reflection can take apart.
template <class T>
concept model = std::is_class_v<T> && std::is_aggregate_v<T> && !std::is_union_v<T> && !is_std_array_v<T>;

template <class... M>
struct type_list {};

/// Turns the members' addresses into the list of their types (only ever used in decltype).
struct collect_member_types {
  template <class... P>
  constexpr type_list<std::remove_cv_t<P>...> operator()(P*...) const noexcept {
    return {};
  }
};

template <class T>
using member_types_t = decltype(visit_member_addresses<member_count<T>>(std::declval<T&>(), collect_member_types{}));

template <std::size_t I, class List>
struct nth_member_type;
template <std::size_t I, class... M>
struct nth_member_type<I, type_list<M...>> {
  using type = std::tuple_element_t<I, std::tuple<M...>>;
};

/// The type of member I of T.
template <class T, std::size_t I>
using member_type_t = typename nth_member_type<I, member_types_t<T>>::type;

/// Advances over bytes that need no attention in a string: not '"', '\\', a control character or
/// a non-ASCII byte. Eight bytes at a time (SWAR), then byte by byte.
inline const char* skip_plain_string_bytes(const char* p, const char* end) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ull;
  constexpr std::uint64_t highs = 0x8080808080808080ull;
  while (end - p >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    const std::uint64_t q = w ^ (ones * '"');
    const std::uint64_t b = w ^ (ones * '\\');
    const std::uint64_t special = ((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w) | w;
    if ((special & highs) != 0) break;
    p += 8;
  }
  while (p < end) {
    const auto c = static_cast<unsigned char>(*p);
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
    ++p;
  }
  return p;
}

/// "items[1].refresh_from: what" from path segments collected innermost first while unwinding
/// (a member key, or "[i]" for an element).
/// A path segment for element `i` of an array, "[i]" (built by appending: g++ 12 at -O3 warns
/// falsely (-Wrestrict) on `"[" + std::to_string(i)`).
inline std::string index_segment(std::size_t i) {
  std::string s = "[";
  s += std::to_string(i);
  s += ']';
  return s;
}

inline std::string path_message(const std::vector<std::string>& innermost_first, std::string_view what) {
  std::string msg;
  for (auto it = innermost_first.rbegin(); it != innermost_first.rend(); ++it) {
    if (!it->empty() && it->front() != '[' && !msg.empty()) msg += '.';
    msg += *it;
  }
  if (!msg.empty()) msg += ": ";
  msg += what;
  return msg;
}

}  // namespace tokenmint::json::detail
