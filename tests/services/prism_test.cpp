// Every operation of the HubSpot, Benchling and Alterian clients against Prism, which serves
// the vendors' OpenAPI specs and validates each request against them. A request Prism rejects
// (401/415/422, or any sl-violations header) fails the test. Error paths are forced with
// `Prefer: code=NNN`, added by a wrapping transport (the transport seam at work).
// Run by prism.py, which starts Prism and passes its base URLs in PRISM_* variables.
#include <tokenmint/alterian/client.hpp>
#include <tokenmint/benchling/client.hpp>
#include <tokenmint/hubspot/client.hpp>
#include <tokenmint/hubspot/oauth_client.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include "../common/run.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace tokenmint;
using namespace std::chrono_literals;

namespace {

std::string env(const char* name) { return test::required_env(name, "tests/services/prism.py"); }

/// Wraps the real transport: adds a `Prefer` header when asked, records Prism's verdicts.
struct prism_transport {
  struct state {
    std::string prefer;
    std::vector<std::string> violations;
    std::vector<int> statuses;
  };
  https_transport inner;
  std::shared_ptr<state> st = std::make_shared<state>();

  asio::awaitable<result<http::response>> async_send(http::request req, request_options opts) {
    auto s = st;
    if (!s->prefer.empty()) req.headers.set("Prefer", s->prefer);
    auto res = co_await inner.async_send(std::move(req), opts);
    if (res) {
      s->statuses.push_back(res->status);
      if (auto v = res->headers.get("sl-violations")) s->violations.emplace_back(*v);
    }
    co_return res;
  }
};
static_assert(http_transport<prism_transport>);

struct Prism : ::testing::Test {
  asio::io_context io;
  prism_transport transport{https_transport(io.get_executor())};

  template <class T>
  T run(asio::awaitable<T> a) {
    return test::run_on(io, std::move(a));
  }

  static service::call_options no_retry() {
    service::call_options o;
    o.retry = policy::retry_policy::none();
    o.timeout = 20'000ms;
    return o;
  }

  void TearDown() override {
    for (const auto& v : transport.st->violations) ADD_FAILURE() << "Prism reports a spec violation: " << v;
  }
};

hubspot::visitor_token_request gob() {
  hubspot::visitor_token_request r;
  r.email = "visitor-email@example.com";
  r.first_name = "Gob";
  r.last_name = "Bluth";
  return r;
}

}  // namespace

TEST_F(Prism, HubSpotCreateVisitorToken) {
  hubspot::client_options o;
  o.base_url = env("PRISM_HUBSPOT");
  o.access_token = secret_string(std::string("pat-na1-00000000-0000-0000-0000-000000000000"));
  o.call = no_retry();
  hubspot::basic_client<prism_transport> c(transport, o);
  auto t = run(c.async_create_visitor_token(gob()));
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->token.reveal().substr(0, 20), "eyJhbGciOiJIUzI1NiIs");  // the spec's example
  EXPECT_EQ(transport.st->statuses, std::vector<int>{200});
}

TEST_F(Prism, HubSpotNewerPathWithAgentContext) {
  hubspot::client_options o;
  o.base_url = env("PRISM_HUBSPOT_NEWER");
  o.path = std::string(hubspot::paths::visitor_identification_v3);
  o.access_token = secret_string(std::string("pat"));
  o.call = no_retry();
  transport.st->prefer = "dynamic=true";  // that spec has no examples: random valid answers
  hubspot::basic_client<prism_transport> c(transport, o);
  auto r = gob();
  r.hs_customer_agent_context.emplace();
  (*r.hs_customer_agent_context)["source"] = "tokenmint";
  auto t = run(c.async_create_visitor_token(r));
  ASSERT_TRUE(t) << t.error();
  EXPECT_FALSE(t->token.empty());
}

TEST_F(Prism, HubSpotErrorsAreTyped) {
  hubspot::client_options o;
  o.base_url = env("PRISM_HUBSPOT");
  o.access_token = secret_string(std::string("pat"));
  o.call = no_retry();
  hubspot::basic_client<prism_transport> c(transport, o);
  const std::pair<const char*, errc> cases[] = {
      {"code=400", errc::service_error}, {"code=401", errc::unauthorized}, {"code=429", errc::rate_limited}};
  for (const auto& [prefer, code] : cases) {
    transport.st->prefer = prefer;
    auto t = run(c.async_create_visitor_token(gob()));
    ASSERT_FALSE(t) << prefer;
    EXPECT_EQ(t.error(), code) << prefer << ": " << t.error();
    // The spec's Error example, kept in the diagnostics.
    EXPECT_EQ(t.error().diag.service_status, "VALIDATION_ERROR");
    EXPECT_EQ(t.error().diag.correlation_id, "aeb5f871-7f07-4993-9211-075dc63e7cbf");
    EXPECT_EQ(t.error().diag.service_message, "Invalid input (details will vary based on the error)");
    auto typed = hubspot::parse_error(t.error());
    ASSERT_TRUE(typed);
    EXPECT_TRUE(typed->links);
  }
  EXPECT_EQ(transport.st->statuses, (std::vector<int>{400, 401, 429}));
}

TEST_F(Prism, HubSpotTooManyRequestsIsRetriedThenTyped) {
  hubspot::client_options o;
  o.base_url = env("PRISM_HUBSPOT");
  o.access_token = secret_string(std::string("pat"));
  o.call.retry.base_delay = 1ms;  // real waits here, kept tiny
  transport.st->prefer = "code=429";
  hubspot::basic_client<prism_transport> c(transport, o);
  auto t = run(c.async_create_visitor_token(gob()));
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error(), errc::rate_limited);
  EXPECT_EQ(t.error().diag.attempts, 3);
  EXPECT_EQ(transport.st->statuses.size(), 3u);
}

// HubSpot OAuth, both generations of the endpoints. Prism answers schema-shaped placeholders
// ("string", the most negative integers); they are the service's words and must not break the
// client nor make the provider spin.
namespace {

hubspot::oauth_client_options hubspot_oauth(const std::string& base, hubspot::oauth_api api) {
  hubspot::oauth_client_options o;
  o.base_url = base;
  o.client_id = "7fff1e36-2d40-4ae1-bbb1-5266d59564fb";
  o.client_secret = secret_string(std::string("f9a1a1e2-0000-0000-0000-000000000000"));
  o.api = api;
  o.call = Prism::no_retry();
  return o;
}

}  // namespace

TEST_F(Prism, HubSpotOAuthV1EveryOperation) {
  hubspot::basic_oauth_client<prism_transport> c(transport, hubspot_oauth(env("PRISM_HUBSPOT_OAUTH_V1"), hubspot::oauth_api::v1));
  const hubspot::token_request grants[] = {
      hubspot::code_grant(secret_string(std::string("code-1")), "https://www.example.com/auth-callback",
                          secret_string(std::string(43, 'v'))),
      hubspot::refresh_grant(secret_string(std::string("refresh-1"))), hubspot::client_credentials_grant("oauth")};
  for (const auto& g : grants) {
    auto t = run(c.async_create_token(g));
    ASSERT_TRUE(t) << t.error();
    EXPECT_EQ(t->access_token->reveal(), "string");
    EXPECT_TRUE(t->expires_in);
  }
  auto at = run(c.async_get_access_token(
      secret_string(std::string("CJSP5qf1KhICAQEYs-gDIIGOBii1hQIyGQAf3xBKmlwHjX7OIpuIFEavB2-qYAGQsF4"))));
  ASSERT_TRUE(at) << at.error();
  EXPECT_TRUE(at->signed_access_token);
  EXPECT_EQ(at->signed_access_token->hublet, "string");
  auto rt = run(c.async_get_refresh_token(secret_string(std::string("6f18f21e-a743-4509-b7fd-1a5e632fffa1"))));
  ASSERT_TRUE(rt) << rt.error();
  EXPECT_EQ(rt->client_id, "string");
  auto gone = run(c.async_archive_refresh_token(secret_string(std::string("6f18f21e-a743-4509-b7fd-1a5e632fffa1"))));
  ASSERT_TRUE(gone) << gone.error();
  EXPECT_EQ(transport.st->statuses, (std::vector<int>{200, 200, 200, 200, 200, 204}));
}

TEST_F(Prism, HubSpotOAuthV3EveryOperation) {
  hubspot::basic_oauth_client<prism_transport> c(transport, hubspot_oauth(env("PRISM_HUBSPOT_OAUTH_V3"), hubspot::oauth_api::v3));
  auto t = run(c.async_create_token(hubspot::refresh_grant(secret_string(std::string("refresh-1")))));
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->access_token->reveal(), "string");
  auto info = run(c.async_introspect_token(secret_string(std::string("refresh-1")), "refresh_token"));
  ASSERT_TRUE(info) << info.error();
  ASSERT_TRUE(info->token_use);
  auto revoked = run(c.async_revoke_token(secret_string(std::string("refresh-1")), "refresh_token"));
  ASSERT_TRUE(revoked) << revoked.error();
  EXPECT_EQ(transport.st->statuses, (std::vector<int>{200, 200, 200}));
}

TEST_F(Prism, HubSpotOAuthErrorsAreTypedWithHubSpotsMessage) {
  for (const char* base : {"PRISM_HUBSPOT_OAUTH_V1", "PRISM_HUBSPOT_OAUTH_V3"}) {
    hubspot::basic_oauth_client<prism_transport> c(
        transport, hubspot_oauth(env(base), base[sizeof "PRISM_HUBSPOT_OAUTH_V" - 1] == '3' ? hubspot::oauth_api::v3
                                                                                            : hubspot::oauth_api::v1));
    const std::pair<const char*, errc> cases[] = {{"code=400", errc::invalid_argument}, {"code=401", errc::unauthorized}};
    for (const auto& [prefer, code] : cases) {
      transport.st->prefer = prefer;
      auto t = run(c.async_create_token(hubspot::refresh_grant(secret_string(std::string("refresh-1")))));
      ASSERT_FALSE(t) << base << ' ' << prefer;
      EXPECT_EQ(t.error(), code) << prefer << ": " << t.error();
      EXPECT_NE(t.error().message.find("Invalid input (details will vary based on the error)"), std::string::npos)
          << t.error().message;
      EXPECT_EQ(t.error().diag.correlation_id, "aeb5f871-7f07-4993-9211-075dc63e7cbf");
    }
    transport.st->prefer.clear();
  }
}

TEST_F(Prism, HubSpotProviderOnPlaceholderLifetimesDoesNotSpin) {
  hubspot::token_provider<prism_transport> p(hubspot::basic_refresh_token_source<prism_transport>(
      hubspot::basic_oauth_client<prism_transport>(transport,
                                                   hubspot_oauth(env("PRISM_HUBSPOT_OAUTH_V1"), hubspot::oauth_api::v1)),
      secret_string(std::string("refresh-1"))));
  for (int i = 0; i < 10; ++i) {
    auto b = run(p.async_token());
    ASSERT_TRUE(b) << b.error();
    EXPECT_EQ(b->token.reveal(), "string");
  }
  EXPECT_EQ(p.refresh_count(), 1u);  // expires_in -9007199254740991: the assumed lifetime, not a refresh per call
}

TEST_F(Prism, BenchlingGenerateToken) {
  benchling::client_options o;
  o.base_url = env("PRISM_BENCHLING");
  o.client_id = "client-id";
  o.client_secret = secret_string(std::string("client-secret"));
  o.call = no_retry();
  benchling::basic_client<prism_transport> c(transport, o);
  auto t = run(c.async_generate_token());
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->access_token.reveal(), "eyJ...");
  EXPECT_EQ(t->expires_in, 900s);
  EXPECT_EQ(t->token_type, "Bearer");
  // The cached provider over the same client.
  benchling::token_provider<prism_transport> p(c);
  auto b = run(p.async_token());
  ASSERT_TRUE(b) << b.error();
  EXPECT_EQ(b->token.reveal(), "eyJ...");
}

TEST_F(Prism, BenchlingErrorsAreTyped) {
  benchling::client_options o;
  o.base_url = env("PRISM_BENCHLING");
  o.client_id = "client-id";
  o.client_secret = secret_string(std::string("client-secret"));
  o.call = no_retry();
  benchling::basic_client<prism_transport> c(transport, o);
  transport.st->prefer = "code=400";
  auto bad = run(c.async_generate_token());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), errc::service_error);
  EXPECT_EQ(bad.error().diag.http_status, 400);
  EXPECT_EQ(bad.error().diag.service_status, "invalid_request");  // first value of the spec's enum
  transport.st->prefer = "code=401";
  auto unauth = run(c.async_generate_token());
  ASSERT_FALSE(unauth);
  EXPECT_EQ(unauth.error(), errc::unauthorized);
  EXPECT_EQ(unauth.error().diag.service_status, "invalid_client");
}

TEST_F(Prism, AlterianEveryOperation) {
  alterian::client_options o;
  o.base_url = env("PRISM_ALTERIAN");
  o.api_key = secret_string(std::string("11111111-2222-3333-4444-555555555555"));
  o.call = no_retry();
  alterian::basic_client<prism_transport> c(transport, o);
  const std::string example_token = "046b6c7f-0b8a-43b9-b35d-6489e6daee91";

  alterian::create_static_token_request cs;
  cs.client_id = 12;
  cs.user_id = 34;
  auto created = run(c.async_create_static_token(cs));
  ASSERT_TRUE(created) << created.error();
  ASSERT_TRUE(created->result);
  EXPECT_EQ(created->result->reveal(), example_token);
  EXPECT_EQ(created->status_code, "StatusCode");
  EXPECT_EQ(created->debug_text(), "DebugMessage");
  ASSERT_TRUE(created->detail);
  EXPECT_EQ(created->detail->size(), 2u);

  alterian::create_impersonation_token_request ci;
  ci.client_id = 12;
  auto imp = run(c.async_create_impersonation_token(ci));
  ASSERT_TRUE(imp) << imp.error();
  ASSERT_TRUE(imp->result);
  EXPECT_EQ(imp->result->reveal(), example_token);

  alterian::delete_static_token_request del;
  del.token_to_delete = secret_string(std::string(example_token));
  auto deleted = run(c.async_delete_static_token(del));
  ASSERT_TRUE(deleted) << deleted.error();
  EXPECT_EQ(deleted->result, true);

  alterian::update_static_token_request up;
  up.token_to_update = secret_string(std::string(example_token));
  up.user_id = 35;
  auto updated = run(c.async_update_static_token(up));
  ASSERT_TRUE(updated) << updated.error();
  EXPECT_EQ(updated->result, true);

  alterian::get_tokens_request gt;
  gt.client_id = 12;
  gt.include_static = true;
  gt.cursor.emplace();
  gt.cursor->from = 0;
  gt.cursor->to = 49;
  auto list = run(c.async_get_tokens(gt));
  ASSERT_TRUE(list) << list.error();
  ASSERT_EQ(list->result->size(), 2u);
  ASSERT_TRUE(list->result->at(0).token);
  EXPECT_EQ(list->result->at(0).token->reveal(), example_token);
  EXPECT_EQ(list->result->at(0).is_sa_token, true);
  EXPECT_EQ(list->cursor->total, 1);
  EXPECT_EQ(transport.st->statuses, (std::vector<int>{200, 200, 200, 200, 200}));
}

TEST_F(Prism, AlterianDefaultAnswerOnAnErrorStatus) {
  alterian::client_options o;
  o.base_url = env("PRISM_ALTERIAN");
  o.api_key = secret_string(std::string("11111111-2222-3333-4444-555555555555"));
  o.call = no_retry();
  alterian::basic_client<prism_transport> c(transport, o);
  transport.st->prefer = "code=500";
  alterian::get_tokens_request gt;
  auto r = run(c.async_get_tokens(gt));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::service_error);
  EXPECT_EQ(r.error().diag.http_status, 500);
  EXPECT_EQ(r.error().diag.service_status, "StatusCode");
  EXPECT_EQ(r.error().diag.service_message, "DebugMessage");
  EXPECT_EQ(r.error().diag.details, (std::vector<std::string>{"Detail; Detail", "Detail; Detail"}));
}
