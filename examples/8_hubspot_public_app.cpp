// Example 8: a HubSpot public app. It sends the installing user to HubSpot's authorize page,
// exchanges the code the redirect brings for tokens, persists the refresh token, and from then on
// mints visitor identification tokens through a token provider that refreshes the 30-minute
// access token ahead of expiry and hands every rotated refresh token to the app before use.
//
//   8_hubspot_public_app
//
// It runs against the in-process sandbox with a simulated clock, so that an hour of HubSpot time
// (two access-token expiries) passes in a moment; against HubSpot, drop the sandbox, keep
// `base_url` at https://api.hubapi.com and use your app's client id and secret.
#include <tokenmint/hubspot/client.hpp>
#include <tokenmint/hubspot/oauth_client.hpp>
#include <tokenmint/service/blocking.hpp>
#include <tokenmint/testing/sandbox.hpp>

#include <asio/io_context.hpp>

#include <chrono>
#include <iostream>
#include <string>

namespace hubspot = tokenmint::hubspot;
using namespace std::chrono_literals;

namespace {

/// Where the app keeps the refresh token between runs (a database row in a real app).
struct token_store {
  tokenmint::secret_string refresh_token;
  int writes = 0;
  void save(const tokenmint::secret_string& t) {
    refresh_token = t;
    ++writes;
  }
};

/// The browser's part, which a server never does itself: open the authorize URL, let the user
/// approve, follow the redirect. The sandbox approves at once and answers the redirect.
asio::awaitable<tokenmint::result<std::string>> user_approves(tokenmint::https_transport& transport, std::string url) {
  tokenmint::http::request get;
  get.url = std::move(url);
  auto res = co_await transport.async_send(std::move(get), {});
  if (!res) co_return std::move(res).error();
  if (res->status != 302) co_return tokenmint::error{tokenmint::errc::service_error, "authorize: no redirect"};
  co_return std::string(res->headers.get("location").value_or(""));
}

std::string query_value(const std::string& url, const std::string& name) {
  const auto at = url.find(name + "=");
  if (at == std::string::npos) return {};
  const auto start = at + name.size() + 1;
  return tokenmint::http::percent_decode(url.substr(start, url.find('&', start) - start)).value_or("");
}

asio::awaitable<int> public_app(tokenmint::https_transport& transport, tokenmint::testing::sandbox& box,
                                tokenmint::fixed_clock& clock) {
  // 1. The authorize URL, with a per-login state and a PKCE pair the app keeps until the redirect.
  const auto& app = box.services().hubspot_oauth;  // the sandbox's client id and secret
  auto pkce = tokenmint::auth::pkce::generate().value();
  hubspot::authorize_options login;
  login.base_url = box.hubspot_base_url();  // HubSpot: https://app.hubspot.com (the default)
  login.client_id = app.client_id;
  login.redirect_uri = "http://localhost:3000/oauth-callback";
  login.scopes = {"oauth", "conversations.visitor_identification.tokens.create"};
  login.state = tokenmint::auth::random_url_token().value();
  login.pkce = pkce;
  auto url = hubspot::authorize_url(login);
  if (!url) {
    std::cerr << "authorize url: " << url.error() << '\n';
    co_return 1;
  }
  auto redirect = co_await user_approves(transport, *url);
  if (!redirect || query_value(*redirect, "state") != login.state) {
    std::cerr << "authorize: no code came back with our state\n";
    co_return 1;
  }
  std::cout << "authorize: redirected to " << login.redirect_uri << " with a code and our state\n";

  // 2. The code for tokens. The refresh token is what the app must keep.
  hubspot::oauth_client_options oo;
  oo.base_url = box.hubspot_base_url();  // HubSpot: https://api.hubapi.com (the default)
  oo.client_id = app.client_id;
  oo.client_secret = tokenmint::secret_string(app.client_secret);
  oo.call.clock = &clock;
  hubspot::oauth_client oauth(transport, oo);
  auto grant = hubspot::code_grant(tokenmint::secret_string(query_value(*redirect, "code")), login.redirect_uri, pkce.verifier);
  auto tokens = co_await oauth.async_create_token(std::move(grant));
  if (!tokens || !tokens->refresh_token) {
    std::cerr << "code exchange: " << (tokens ? std::string("no refresh token") : tokens.error().describe()) << '\n';
    co_return 1;
  }
  token_store store;
  store.save(*tokens->refresh_token);
  std::cout << "code exchange: access token " << *tokens->access_token << " for " << tokens->expires_in.value_or(0)
            << " s, refresh token stored\n";

  // 3. The provider: one refresh however many calls wait, ahead of expiry; rotated refresh tokens
  //    reach the store before the access token that came with them is used.
  tokenmint::auth::token_cache_options cache;
  cache.clock = &clock;
  hubspot::token_provider<tokenmint::https_transport> provider(
      hubspot::refresh_token_source(oauth, store.refresh_token, [&store](const tokenmint::secret_string& t) { store.save(t); }),
      cache);
  hubspot::client_options vo;
  vo.base_url = box.hubspot_base_url();
  vo.call.clock = &clock;
  hubspot::client visitors(transport, vo, provider);  // the provider must outlive the client

  int minted = 0, failed = 0;
  for (int minute = 0; minute < 60; ++minute, clock.advance(1min)) {
    hubspot::visitor_token_request request;
    request.email = "visitor" + std::to_string(minute) + "@example.com";
    auto token = co_await visitors.async_create_visitor_token(std::move(request));
    if (token) {
      ++minted;
    } else {
      ++failed;
      std::cerr << "minute " << minute << ": " << token.error() << '\n';
    }
  }
  std::cout << "an hour: " << minted << " visitor tokens, " << failed << " failed, " << provider.refresh_count()
            << " token refreshes\n";
  std::cout << "refresh tokens stored: " << store.writes << " (the sandbox rotates them on every refresh)\n";
  co_return failed == 0 ? 0 : 1;
}

}  // namespace

int main() {
  asio::io_context io;  // first: it must outlive the sandbox, the transport and the clients
  tokenmint::fixed_clock clock(
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  tokenmint::testing::sandbox_options so;
  so.clock = &clock;
  so.services.hubspot_oauth.rotate_refresh_tokens = true;
  tokenmint::testing::sandbox box(io.get_executor(), so);
  if (!box.status()) {
    std::cerr << "sandbox: " << box.status().error() << '\n';
    return 1;
  }
  box.start();
  tokenmint::https_transport transport(io.get_executor());
  return tokenmint::service::run_to_completion(io, public_app(transport, box, clock));
}
