// Compile-time reflection of plain aggregates: member count, member names, references to the
// members, and the JSON keys that json::meta<T> derives from them. No macros, no registration.
//
// How it works (the technique of Boost.PFR and glaze, written anew here):
//  - the member count is the largest N for which `T{a0, ..., aN-1}` compiles, where each `ai`
//    converts to anything; C arrays (which brace elision would count per element) and base
//    classes are detected and refused with a static_assert;
//  - references to the members come from a structured binding of exactly N names
//    (detail/visit_members.hpp, generated);
//  - a member's name is read from __PRETTY_FUNCTION__ of a function template whose template
//    argument is a pointer to that member of a never-defined object (clang needs the pointer
//    wrapped in a struct to print the member), and kept as a short char array, not the signature.
#pragma once

#include <tokenmint/json/detail/visit_members.hpp>

#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

namespace tokenmint::json {

/// The most members a reflected aggregate may have.
inline constexpr std::size_t max_members = detail::visit_members_limit;

/// How JSON keys are derived from member names (snake_case members assumed):
/// `as_is`: `refresh_from`; `camel_case`: `refreshFrom`; `pascal_case`: `RefreshFrom`.
enum class naming { as_is, camel_case, pascal_case };

/// Customisation point. Specialise for a model to change its JSON shape; every member is optional:
///
///     template <> struct tokenmint::json::meta<my_model> {
///       static constexpr auto naming = json::naming::camel_case;               // whole-model policy
///       static constexpr std::pair<std::string_view, std::string_view> rename[] = {
///           {"login_id", "LoginID"}};                                          // member -> key
///       static constexpr std::string_view skip[] = {"cache"};                  // never read/written
///     };
///
/// For an enum, `enumerators` maps values to their JSON strings:
///
///     template <> struct tokenmint::json::meta<status> {
///       static constexpr std::pair<status, std::string_view> enumerators[] = {
///           {status::success, "success"}, {status::optout, "optout"}};
///     };
template <class T>
struct meta {};

namespace detail {

#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wmissing-braces"
#pragma clang diagnostic ignored "-Wundefined-inline"
#elif defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wmissing-braces"
#endif

// ---- member count -------------------------------------------------------------------------

/// Converts to any type; only ever used in unevaluated operands.
struct any_value {
  template <class U>
  operator U() const noexcept;  // NOLINT(google-explicit-constructor): declared, never defined
};
/// One per initializer position (for pack expansion), all the same type, so that the compiler's
/// conversion checks against each member type are shared by every position and every model.
template <std::size_t>
using any_member = any_value;

/// Like any_member, but refuses to become a base class of T (so `T{probe}` fails when T's
/// first aggregate element is a base).
template <class T>
struct not_a_base {
  template <class U>
    requires(std::is_base_of_v<U, T> && !std::is_same_v<U, T>)
  operator U() const = delete;
  template <class U>
  operator U() const noexcept;  // NOLINT(google-explicit-constructor)
};

template <class T, std::size_t... I>
constexpr bool init_with(std::index_sequence<I...>) {
  return requires { T{any_member<I>{}...}; };
}

/// Largest N in [Lo, Hi) such that T{a0..aN-1} is well-formed (binary search; valid counts are
/// a prefix of the naturals for aggregates whose members are default-constructible).
template <class T, std::size_t Lo, std::size_t Hi>
constexpr std::size_t count_initializers() {
  if constexpr (Hi - Lo <= 1) {
    return Lo;
  } else {
    constexpr std::size_t mid = Lo + (Hi - Lo) / 2;
    if constexpr (init_with<T>(std::make_index_sequence<mid>{})) return count_initializers<T, mid, Hi>();
    else return count_initializers<T, Lo, mid>();
  }
}

/// Doubles the bound first (1, 2, 4, ...), so that small models only try small initializer lists.
template <class T, std::size_t Bound = 1>
constexpr std::size_t count_members_upto() {
  if constexpr (Bound > max_members) {
    return count_initializers<T, Bound / 2, max_members + 2>();
  } else if constexpr (!init_with<T>(std::make_index_sequence<Bound>{})) {
    return count_initializers<T, Bound / 2, Bound>();
  } else {
    return count_members_upto<T, Bound * 2>();
  }
}

// `T{a.., {}, a..}`: the braced `{}` initialises exactly one element, so a C array member (which
// brace elision spreads over several initializers) makes the total too long and this fails.
template <class T, std::size_t... B, std::size_t... A>
constexpr bool init_braced_at(std::index_sequence<B...>, std::index_sequence<A...>) {
  return requires { T{any_member<B>{}..., {}, any_member<sizeof...(B) + 1 + A>{}...}; };
}

template <class T, std::size_t N>
constexpr bool one_initializer_per_member() {
  return []<std::size_t... K>(std::index_sequence<K...>) {
    return (init_braced_at<T>(std::make_index_sequence<K>{}, std::make_index_sequence<N - K - 1>{}) && ...);
  }(std::make_index_sequence<N>{});
}

template <class T, std::size_t N>
constexpr bool has_base_class() {
  if constexpr (N == 0) {
    return false;
  } else if constexpr (!requires { T{not_a_base<T>{}}; }) {
    return true;  // the first element refuses everything but a base of T
  } else if constexpr (N >= 2) {
    // The first element accepts a T: it is a base of T (sliced), not an ordinary member.
    return []<std::size_t... I>(std::index_sequence<I...>) {
      return requires(const T& t) { T{t, any_member<I + 1>{}...}; };
    }(std::make_index_sequence<N - 1>{});
  } else {
    return false;
  }
}

template <class T>
consteval std::size_t checked_member_count() {
  using U = std::remove_cv_t<T>;
  constexpr bool is_struct = std::is_class_v<U> && !std::is_union_v<U>;
  static_assert(is_struct, "tokenmint::json: reflection needs a struct or class (not a union, scalar or array)");
  constexpr bool aggregate = is_struct && std::is_aggregate_v<U>;
  static_assert(!is_struct || aggregate,
                "tokenmint::json: the type is not an aggregate. Models must be plain structs: public "
                "members, no user-declared constructors, no virtual functions");
  if constexpr (!aggregate) {
    return 0;  // the static_assert above has said why; 0 keeps the compiler from piling on errors
  } else {
    constexpr std::size_t n = count_members_upto<U>();
    constexpr bool within_limit = n <= max_members;
    static_assert(within_limit,
                  "tokenmint::json: more members than json::max_members (128). Group related members "
                  "into nested structs");
    constexpr bool no_base = !within_limit || !has_base_class<U, n>();
    static_assert(no_base,
                  "tokenmint::json: base classes are not supported. Make the base a member instead "
                  "(e.g. `base common;`)");
    constexpr bool one_each = !within_limit || !no_base || one_initializer_per_member<U, n>();
    static_assert(one_each,
                  "tokenmint::json: every member must be value-initializable and not a C array. Use "
                  "std::array<T, N> instead of T[N], and no reference members");
    return within_limit && no_base && one_each ? n : 0;
  }
}

// ---- member names ------------------------------------------------------------------------------

/// An object of type T that is never constructed: only its members' addresses are taken, at
/// compile time. A union with an inactive T works for any T: local types (which an undefined
/// `extern` object would not) and non-literal ones (which a constexpr object would not).
template <class T>
union fake_storage {
  char none;
  T object;
  constexpr fake_storage() : none() {}
  ~fake_storage() {}
};
template <class T>
inline fake_storage<T> fake_object{};

struct member_ptr_wrapper {
  const void* ptr;  // clang prints a member's name only when the pointer is wrapped like this
};

template <auto W>
consteval const char* signature_of() {
  return __PRETTY_FUNCTION__;
}

/// The addresses of the N members of the fake object, taken once per model (one structured
/// binding per model rather than one per member).
template <std::size_t N>
struct address_table {
  const void* at[N == 0 ? 1 : N];
};

template <class T, std::size_t N>
inline constexpr address_table<N> member_addresses = visit_member_addresses<N>(
    fake_object<T>.object, [](auto*... p) { return address_table<N>{{static_cast<const void*>(p)...}}; });

/// The member name inside the signature: gcc prints `...{((const void*)(& fake_object<X>.fake_storage<X>::object.X::name))}]`,
/// clang `...{&fake_object.object.name}]`; the name is the identifier just before the last `}`.
consteval std::string_view name_in_signature(std::string_view sig) {
  std::size_t end = sig.rfind('}');
  while (end > 0 && (sig[end - 1] == ')' || sig[end - 1] == ' ')) --end;
  std::size_t begin = end;
  auto ident = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
  };
  while (begin > 0 && ident(sig[begin - 1])) --begin;
  return sig.substr(begin, end - begin);
}

template <class T, std::size_t N, std::size_t I>
consteval std::string_view raw_member_name() {
  return name_in_signature(signature_of<member_ptr_wrapper{member_addresses<T, N>.at[I]}>());
}

template <std::size_t L>
struct fixed_name {
  std::array<char, L == 0 ? 1 : L> chars{};
  std::size_t size = 0;
  constexpr std::string_view view() const { return {chars.data(), size}; }
};

template <class T, std::size_t N, std::size_t I>
inline constexpr auto member_name_storage = [] {
  constexpr std::string_view n = raw_member_name<T, N, I>();
  fixed_name<n.size()> out;
  for (std::size_t k = 0; k < n.size(); ++k) out.chars[k] = n[k];
  out.size = n.size();
  return out;
}();

#if defined(__clang__)
#pragma clang diagnostic pop
#elif defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

}  // namespace detail

/// Number of members of aggregate T (static_assert with advice if T cannot be reflected).
template <class T>
inline constexpr std::size_t member_count = detail::checked_member_count<T>();

/// The members' names, in declaration order.
template <class T>
inline constexpr std::array<std::string_view, member_count<T>> member_names = []<std::size_t... I>(std::index_sequence<I...>) {
  return std::array<std::string_view, sizeof...(I)>{
      detail::member_name_storage<std::remove_cv_t<T>, member_count<T>, I>.view()...};
}(std::make_index_sequence<member_count<T>>{});

/// Calls f(m0, ..., mN-1) with references to t's members; returns what f returns.
template <class T, class F>
constexpr decltype(auto) visit_members(T& t, F&& f) {
  return detail::visit_member_addresses<member_count<std::remove_cv_t<T>>>(
      t, [&](auto*... p) -> decltype(auto) { return f(*p...); });
}

/// A tuple of references to t's members.
template <class T>
constexpr auto tie(T& t) {
  return visit_members(t, [](auto&... m) { return std::tie(m...); });
}

/// Calls f(std::integral_constant<std::size_t, I>{}, member_I) for each member in order.
template <class T, class F>
constexpr void for_each_member(T& t, F&& f) {
  visit_members(t, [&](auto&... m) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (f(std::integral_constant<std::size_t, I>{}, m), ...);
    }(std::index_sequence_for<decltype(m)...>{});
  });
}

// ---- keys: member names after meta<T> --------------------------------------------------------

namespace detail {

template <class T>
consteval naming naming_of() {
  if constexpr (requires { meta<T>::naming; }) return meta<T>::naming;
  else return naming::as_is;
}

template <class T>
consteval bool is_skipped(std::string_view member) {
  if constexpr (requires { meta<T>::skip; }) {
    for (const auto& s : meta<T>::skip)
      if (std::string_view(s) == member) return true;
  }
  (void)member;
  return false;
}

/// The renamed key, or an empty view when the member is not renamed.
template <class T>
consteval std::string_view rename_of(std::string_view member) {
  if constexpr (requires { meta<T>::rename; }) {
    for (const auto& r : meta<T>::rename)
      if (std::string_view(r.first) == member) return std::string_view(r.second);
  }
  (void)member;
  return {};
}

/// Every name that meta<T>::rename / skip mentions must be a member of T.
template <class T>
consteval bool meta_names_exist() {
  constexpr auto& names = member_names<T>;
  auto known = [&](std::string_view n) {
    for (auto m : names)
      if (m == n) return true;
    return false;
  };
  if constexpr (requires { meta<T>::rename; }) {
    for (const auto& r : meta<T>::rename)
      if (!known(std::string_view(r.first)) || std::string_view(r.second).empty()) return false;
  }
  if constexpr (requires { meta<T>::skip; }) {
    for (const auto& s : meta<T>::skip)
      if (!known(std::string_view(s))) return false;
  }
  return true;
}

template <std::size_t L>
consteval fixed_name<L> apply_naming(std::string_view name, naming policy) {
  fixed_name<L> out;
  bool upper_next = policy == naming::pascal_case;
  bool first = true;
  for (char c : name) {
    if (policy != naming::as_is && c == '_' && !first) {
      upper_next = true;
      continue;
    }
    if (upper_next && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (first && policy == naming::camel_case && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    upper_next = false;
    first = false;
    out.chars[out.size++] = c;
  }
  return out;
}

template <class T, std::size_t I>
inline constexpr auto key_storage = [] {
  constexpr std::string_view name = member_names<T>[I];
  return apply_naming<name.size()>(name, naming_of<T>());
}();

template <class T, std::size_t I>
consteval std::string_view key_of() {
  constexpr std::string_view name = member_names<T>[I];
  if constexpr (!rename_of<T>(name).empty()) return rename_of<T>(name);
  else return key_storage<T, I>.view();
}

}  // namespace detail

/// The JSON key of each member (after rename and naming policy); empty for skipped members.
template <class T>
inline constexpr std::array<std::string_view, member_count<T>> member_keys = []<std::size_t... I>(std::index_sequence<I...>) {
  static_assert(detail::meta_names_exist<T>(),
                "tokenmint::json: json::meta<T>::rename or ::skip names a member that T does not "
                "have (or renames one to an empty key)");
  return std::array<std::string_view, sizeof...(I)>{
      (detail::is_skipped<T>(member_names<T>[I]) ? std::string_view{} : detail::key_of<T, I>())...};
}(std::make_index_sequence<member_count<T>>{});

/// An enum with `json::meta<E>::enumerators`, read and written as its string.
template <class E>
concept described_enum = std::is_enum_v<E> && requires { meta<E>::enumerators; };

}  // namespace tokenmint::json
