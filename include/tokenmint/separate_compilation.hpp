// Separate compilation: what one .cpp of a program includes, once, to compile tokenmint's heavy
// engines (the HTTPS transport with Asio's TLS and sockets, the default clients with their JSON,
// envelope and retry code) so that every other file only declares them. Build that file and
// every other one with -DTOKENMINT_SEPARATE_COMPILATION (Meson: dependency('tokenmint-separate')
// does both). Header-only use (no macro, no .cpp) stays the default.
#pragma once

#include <tokenmint/detail/config.hpp>

#if !defined(TOKENMINT_SEPARATE_COMPILATION)
#error \
    "tokenmint: <tokenmint/separate_compilation.hpp> is for builds with -DTOKENMINT_SEPARATE_COMPILATION in every translation unit (without it, tokenmint is header-only and needs no .cpp)"
#endif

#include <tokenmint/alterian/client_impl.hpp>
#include <tokenmint/benchling/client_impl.hpp>
#include <tokenmint/hubspot/client_impl.hpp>
#include <tokenmint/hubspot/oauth_client_impl.hpp>
#include <tokenmint/transport/detail/https_transport_impl.hpp>
#include <tokenmint/uid2/client_impl.hpp>
#include <tokenmint/uid2/client_side_client_impl.hpp>

namespace tokenmint {

// The clients over the default transport, declared `extern template` by their headers.
template class uid2::basic_client<https_transport, uid2::flavour::uid2>;
template class uid2::basic_client<https_transport, uid2::flavour::euid>;
template class uid2::basic_client_side_client<https_transport, uid2::flavour::uid2>;
template class uid2::basic_client_side_client<https_transport, uid2::flavour::euid>;
template class hubspot::basic_client<https_transport>;
template class hubspot::basic_oauth_client<https_transport>;
template class hubspot::basic_refresh_token_source<https_transport>;
template class auth::token_provider<hubspot::basic_refresh_token_source<https_transport>>;
template class benchling::basic_client<https_transport>;
template class auth::token_provider<benchling::basic_client<https_transport>>;
template class alterian::basic_client<https_transport>;

}  // namespace tokenmint
