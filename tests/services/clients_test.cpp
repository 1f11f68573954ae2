// HubSpot, Benchling and Alterian client logic and the OAuth2 token cache over tokenmint::testing::fake_transport.
// Requests are checked against the samples of ../shared/protocols/hubspot-benchling-alterian.md
// (copied with the specs into tests/data); the specs themselves are enforced by Prism in
// integration_prism.
#include <tokenmint/testing/virtual_sleeper.hpp>
#include <tokenmint/alterian/client.hpp>
#include <tokenmint/benchling/client.hpp>
#include <tokenmint/hubspot/authorize.hpp>
#include <tokenmint/hubspot/client.hpp>
#include <tokenmint/hubspot/oauth_client.hpp>
#include <tokenmint/testing/fake_transport.hpp>

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include "../common/run.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <deque>
#include <map>
#include <sstream>

using namespace tokenmint;
using namespace std::chrono_literals;

namespace {

using tokenmint::test::run;

constexpr std::int64_t t0 = 1'700'000'000'000;

/// Call options with a virtual clock and sleeper: retries never sleep for real.
struct virtual_time {
  fixed_clock clock{t0};
  tokenmint::testing::virtual_sleeper sleeper{clock};
  service::call_options call() {
    service::call_options o;
    o.clock = &clock;
    o.sleep = &sleeper;
    o.retry.random = [] { return 0.5; };
    return o;
  }
};

const std::string jwt =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

hubspot::visitor_token_request gob() {
  hubspot::visitor_token_request r;
  r.email = "visitor-email@example.com";
  r.first_name = "Gob";
  r.last_name = "Bluth";
  return r;
}

}  // namespace

// ------------------------------------------------------------------------------------- HubSpot

TEST(HubSpot, SendsTheDocumentedRequestAndReadsTheToken) {
  virtual_time vt;
  tokenmint::testing::fake_transport fake;
  fake.respond(200, R"j({"token":")j" + jwt + R"j("})j");
  hubspot::client_options o;
  o.access_token = secret_string(std::string("pat-na1-00000000-0000-0000-0000-000000000000"));
  o.call = vt.call();
  hubspot::basic_client<tokenmint::testing::fake_transport> c(fake, o);
  auto t = run(c.async_create_visitor_token(gob()));
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->token.reveal(), jwt);
  ASSERT_EQ(fake.exchanges().size(), 1u);
  const auto& req = fake.exchanges()[0].request;
  EXPECT_EQ(req.method, http::verb::post);
  EXPECT_EQ(req.url, "https://api.hubapi.com/conversations/v3/visitor-identification/tokens/create");
  EXPECT_EQ(*req.headers.get("authorization"), "Bearer pat-na1-00000000-0000-0000-0000-000000000000");
  EXPECT_EQ(*req.headers.get("content-type"), "application/json");
  EXPECT_EQ(*req.headers.get("accept"), "application/json");
  EXPECT_EQ(req.body,
            R"j({"email":"visitor-email@example.com","firstName":"Gob","lastName":"Bluth"})j");  // the sample, byte for byte
}

TEST(HubSpot, NewerPathAndAgentContext) {
  tokenmint::testing::fake_transport fake;
  fake.respond(200, R"j({"token":"t","extra":{"ignored":[1,2]}})j");
  hubspot::client_options o;
  o.base_url = "http://127.0.0.1:9/";
  o.path = std::string(hubspot::paths::visitor_identification_v3);
  o.access_token = secret_string(std::string("x"));
  hubspot::basic_client<tokenmint::testing::fake_transport> c(fake, o);
  auto r = gob();
  r.first_name.reset();
  r.hs_customer_agent_context.emplace();
  (*r.hs_customer_agent_context)["channel"] = "web";
  auto t = run(c.async_create_visitor_token(r));
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(fake.exchanges()[0].request.url, "http://127.0.0.1:9/visitor-identification/v3/tokens/create");
  EXPECT_EQ(fake.exchanges()[0].request.body,
            R"j({"email":"visitor-email@example.com","lastName":"Bluth","hsCustomerAgentContext":{"channel":"web"}})j");
}

TEST(HubSpot, ErrorBodyKeptWhole) {
  tokenmint::testing::fake_transport fake;
  const std::string body = R"j({"status":"error","message":"Invalid input (details will vary based on the error)",)j"
                           R"j("correlationId":"aeb5f871-7f07-4993-9211-075dc63e7cbf","category":"VALIDATION_ERROR",)j"
                           R"j("errors":[{"message":"must be an email","in":"email","code":"INVALID_EMAIL"}],)j"
                           R"j("links":{"knowledge-base":"https://www.hubspot.com/products/service/knowledge-base"}})j";
  fake.respond(400, body,
               {{"X-HubSpot-Correlation-Id", "aeb5f871-7f07-4993-9211-075dc63e7cbf"},
                {"X-HubSpot-RateLimit-Remaining", "99"},
                {"Set-Cookie", "x=y"}});
  hubspot::client_options o;
  o.access_token = secret_string(std::string("x"));
  hubspot::basic_client<tokenmint::testing::fake_transport> c(fake, o);
  auto t = run(c.async_create_visitor_token(gob()));
  ASSERT_FALSE(t);
  const auto& e = t.error();
  EXPECT_EQ(e, errc::service_error);
  EXPECT_EQ(e.diag.http_status, 400);
  EXPECT_EQ(e.diag.service_status, "VALIDATION_ERROR");
  EXPECT_EQ(e.diag.service_message, "Invalid input (details will vary based on the error)");
  EXPECT_EQ(e.diag.correlation_id, "aeb5f871-7f07-4993-9211-075dc63e7cbf");
  EXPECT_EQ(e.diag.details, std::vector<std::string>{"email: must be an email (INVALID_EMAIL)"});
  EXPECT_EQ(e.diag.header("x-hubspot-ratelimit-remaining"), "99");
  EXPECT_EQ(e.diag.header("set-cookie"), "");  // only the headers that explain the error
  EXPECT_EQ(e.diag.attempts, 1);               // 400 is not retried
  auto typed = hubspot::parse_error(e);
  ASSERT_TRUE(typed);
  EXPECT_EQ(typed->links->find("knowledge-base")->if_string()->substr(0, 23), "https://www.hubspot.com");
  ASSERT_TRUE(typed->errors);
  EXPECT_EQ(typed->errors->at(0).in, "email");
}

TEST(HubSpot, UnauthorizedAndNonJsonErrors) {
  tokenmint::testing::fake_transport fake;
  fake.respond(401,
               R"j({"status":"error","message":"Authentication credentials not found","category":"INVALID_AUTHENTICATION"})j");
  fake.respond(502, "<html>Bad gateway</html>", {{"Content-Type", "text/html"}});
  hubspot::client_options o;
  o.access_token = secret_string(std::string("x"));
  o.call.retry = policy::retry_policy::none();
  hubspot::basic_client<tokenmint::testing::fake_transport> c(fake, o);
  auto a = run(c.async_create_visitor_token(gob()));
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error(), errc::unauthorized);
  EXPECT_EQ(a.error().diag.service_status, "INVALID_AUTHENTICATION");
  auto b = run(c.async_create_visitor_token(gob()));
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error(), errc::service_error);
  EXPECT_EQ(b.error().diag.raw_body, "<html>Bad gateway</html>");
}

TEST(HubSpot, DailyLimitIsNeverRetriedSecondlyIs) {
  virtual_time vt;
  tokenmint::testing::fake_transport fake;
  fake.respond(429, R"j({"status":"error","message":"You have reached your daily limit.","errorType":"RATE_LIMIT",)j"
                    R"j("correlationId":"c033cdaa-2c40-4a64-ae48-b4cec88dad24","policyName":"DAILY",)j"
                    R"j("requestId":"3d3e35b7-0dae-4b9f-a6e3-9c230cbcf8dd"})j");
  hubspot::client_options o;
  o.access_token = secret_string(std::string("x"));
  o.call = vt.call();
  hubspot::basic_client<tokenmint::testing::fake_transport> c(fake, o);
  auto daily = run(c.async_create_visitor_token(gob()));
  ASSERT_FALSE(daily);
  EXPECT_EQ(daily.error(), errc::rate_limited);
  EXPECT_EQ(daily.error().diag.attempts, 1);
  EXPECT_EQ(daily.error().diag.service_status, "RATE_LIMIT");
  EXPECT_EQ(daily.error().diag.details, std::vector<std::string>{"policyName: DAILY"});
  EXPECT_TRUE(vt.sleeper.waits().empty());

  fake.respond(429,
               R"j({"status":"error","message":"You have reached your secondly limit.","policyName":"TEN_SECONDLY_ROLLING"})j");
  fake.respond(200, R"j({"token":"t2"})j");
  auto secondly = run(c.async_create_visitor_token(gob()));
  ASSERT_TRUE(secondly) << secondly.error();
  EXPECT_EQ(vt.sleeper.waits(), std::vector<std::chrono::milliseconds>{1000ms});  // at least a second
}

TEST(HubSpot, BadInputNeverLeaves) {
  tokenmint::testing::fake_transport fake;
  hubspot::client_options o;
  o.access_token = secret_string(std::string("x"));
  hubspot::basic_client<tokenmint::testing::fake_transport> c(fake, o);
  for (const char* email : {"", "no-at-sign", "@example.com", "a@", "a b@example.com", "a@example.com\r\nX: y"}) {
    auto r = gob();
    r.email = email;
    auto t = run(c.async_create_visitor_token(r));
    ASSERT_FALSE(t) << email;
    EXPECT_EQ(t.error(), errc::invalid_argument);
    EXPECT_EQ(t.error().message.rfind("email:", 0), 0u) << t.error().message;
  }
  auto r = gob();
  r.first_name = "Gob\n";
  EXPECT_EQ(run(c.async_create_visitor_token(r)).error(), errc::invalid_argument);
  hubspot::basic_client<tokenmint::testing::fake_transport> no_token(fake, hubspot::client_options{});
  EXPECT_EQ(run(no_token.async_create_visitor_token(gob())).error(), errc::invalid_argument);
  EXPECT_TRUE(fake.exchanges().empty());
}

// ----------------------------------------------------------------------------------- Benchling

namespace {

benchling::client_options benchling_options() {
  benchling::client_options o;
  o.base_url = benchling::tenant_url("example-tenant");
  o.client_id = "client-id";
  o.client_secret = secret_string(std::string("client-secret"));
  return o;
}

}  // namespace

TEST(Benchling, BasicCredentialsAndTheSampleAnswer) {
  tokenmint::testing::fake_transport fake;
  fake.respond(200, R"j({"access_token":"eyJ...","expires_in":900,"token_type":"Bearer"})j",
               {{"x-rate-limit-limit", "60"}, {"x-rate-limit-remaining", "59"}, {"x-rate-limit-reset", "30"}});
  benchling::basic_client<tokenmint::testing::fake_transport> c(fake, benchling_options());
  auto t = run(c.async_generate_token());
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->access_token.reveal(), "eyJ...");
  EXPECT_EQ(t->token_type, "Bearer");
  EXPECT_EQ(t->expires_in, 900s);
  const auto& req = fake.exchanges().at(0).request;
  EXPECT_EQ(req.url, "https://example-tenant.benchling.com/api/v2/token");
  EXPECT_EQ(*req.headers.get("authorization"), "Basic Y2xpZW50LWlkOmNsaWVudC1zZWNyZXQ=");  // the protocol page's sample
  EXPECT_EQ(*req.headers.get("content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(req.body, "grant_type=client_credentials");
}

TEST(Benchling, CredentialsInTheFormBody) {
  tokenmint::testing::fake_transport fake;
  fake.respond(200, R"j({"access_token":"a","expires_in":60,"token_type":"Bearer"})j");
  auto o = benchling_options();
  o.credentials_in_body = true;
  o.client_secret = secret_string(std::string("s&c=r t"));
  benchling::basic_client<tokenmint::testing::fake_transport> c(fake, o);
  ASSERT_TRUE(run(c.async_generate_token()));
  const auto& req = fake.exchanges().at(0).request;
  EXPECT_FALSE(req.headers.contains("authorization"));
  EXPECT_EQ(req.body, "grant_type=client_credentials&client_id=client-id&client_secret=s%26c%3Dr+t");
}

TEST(Benchling, TypedErrors) {
  tokenmint::testing::fake_transport fake;
  fake.respond(401,
               R"j({"error":{"message":"Invalid client","type":"invalid_client","userMessage":"Check your app's secret"}})j");
  fake.respond(400, R"j({"error":{"message":"bad grant","type":"unsupported_grant_type","userMessage":"bad grant"}})j");
  fake.respond(200, R"j({"access_token":"a","token_type":"mac"})j");
  fake.respond(200, R"j({"token_type":"Bearer","expires_in":900})j");
  fake.respond(200, R"j({"access_token":"a","expires_in":-1})j");
  auto o = benchling_options();
  benchling::basic_client<tokenmint::testing::fake_transport> c(fake, o);
  auto a = run(c.async_generate_token());
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error(), errc::unauthorized);
  EXPECT_EQ(a.error().diag.service_status, "invalid_client");
  EXPECT_EQ(a.error().diag.service_message, "Invalid client");
  EXPECT_EQ(a.error().diag.details, std::vector<std::string>{"userMessage: Check your app's secret"});
  EXPECT_EQ(benchling::parse_error(a.error())->error->user_message, "Check your app's secret");
  auto b = run(c.async_generate_token());
  EXPECT_EQ(b.error(), errc::service_error);
  EXPECT_EQ(b.error().diag.service_status, "unsupported_grant_type");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(run(c.async_generate_token()).error(), errc::invalid_response);
  // The secret never appears in an error, even one about the credentials.
  auto bad = benchling_options();
  bad.client_id = "";
  benchling::basic_client<tokenmint::testing::fake_transport> no_id(fake, bad);
  auto e = run(no_id.async_generate_token());
  EXPECT_EQ(e.error(), errc::invalid_argument);
  EXPECT_EQ(e.error().describe().find("client-secret"), std::string::npos);
}

TEST(Benchling, RateLimitWaitsForTheReset) {
  virtual_time vt;
  tokenmint::testing::fake_transport fake;
  fake.respond(
      429,
      R"j({"error":{"message":"Rate limit exceeded.","type":"invalid_request_error","userMessage":"Rate limit exceeded."}})j",
      {{"x-rate-limit-limit", "60"}, {"x-rate-limit-remaining", "0"}, {"x-rate-limit-reset", "21"}});
  fake.respond(200, R"j({"access_token":"a","expires_in":900,"token_type":"Bearer"})j");
  auto o = benchling_options();
  o.call = vt.call();
  benchling::basic_client<tokenmint::testing::fake_transport> c(fake, o);
  ASSERT_TRUE(run(c.async_generate_token()));
  EXPECT_EQ(vt.sleeper.waits(), std::vector<std::chrono::milliseconds>{21'000ms});
  // Past max_attempts the 429 is a typed error with the rate-limit headers.
  for (int i = 0; i < 3; ++i) fake.respond(429, R"j({"error":{"type":"invalid_request_error"}})j", {{"x-rate-limit-reset", "1"}});
  auto e = run(c.async_generate_token());
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error(), errc::rate_limited);
  EXPECT_EQ(e.error().diag.attempts, 3);
  EXPECT_EQ(e.error().diag.header("x-rate-limit-reset"), "1");
}

// ------------------------------------------------------------------------------------ Alterian

namespace {

alterian::client_options alterian_options() {
  alterian::client_options o;
  o.base_url = "https://alterian.example.com/services/api.svc/jsonsdk";
  o.api_key = secret_string(std::string("11111111-2222-3333-4444-555555555555"));
  return o;
}

const std::string get_tokens_sample =
    R"j({"StatusCode":"<constant>","DebugMessage":"","Detail":[],)j"
    R"j("Cursor":{"From":0,"To":49,"Total":1,"SortDescending":false,"SortProperty":null},)j"
    R"j("Result":[{"ID":0,"LoginID":null,"Token":"046b6c7f-0b8a-43b9-b35d-6489e6daee91","TimezoneID":null,)j"
    R"j("UserID":34,"ClientID":12,"LastActivity":"2024-01-23T04:56:07+00:00",)j"
    R"j("Created":"2024-01-23T04:56:07+00:00","Culture":"en-GB","IsStatic":true,"IsSAtoken":false}]})j";

}  // namespace

TEST(Alterian, EveryOperationAsTheSamplesShowIt) {
  tokenmint::testing::fake_transport fake;
  fake.respond(200,
               R"j({"StatusCode":"<constant>","DebugMessage":"","Detail":[],"Result":"046b6c7f-0b8a-43b9-b35d-6489e6daee91"})j");
  fake.respond(200, get_tokens_sample);
  fake.respond(200, R"j({"StatusCode":"OK","Result":true})j");
  fake.respond(200, R"j({"StatusCode":"OK","Result":true,"DebugMessage":[]})j");
  fake.respond(200, R"j({"StatusCode":"OK","DebugMessage":"","Detail":[],"Result":"146b6c7f-0b8a-43b9-b35d-6489e6daee91"})j");
  alterian::basic_client<tokenmint::testing::fake_transport> c(fake, alterian_options());

  alterian::create_static_token_request cs;
  cs.client_id = 12;
  cs.user_id = 34;
  auto created = run(c.async_create_static_token(cs));
  ASSERT_TRUE(created) << created.error();
  ASSERT_TRUE(created->result);
  EXPECT_EQ(created->result->reveal(), "046b6c7f-0b8a-43b9-b35d-6489e6daee91");
  EXPECT_EQ(created->status_code, "<constant>");

  alterian::get_tokens_request gt;
  gt.client_id = 12;
  gt.include_static = true;
  gt.cursor.emplace();
  gt.cursor->from = 0;
  gt.cursor->to = 49;
  auto list = run(c.async_get_tokens(gt));
  ASSERT_TRUE(list) << list.error();
  ASSERT_EQ(list->result->size(), 1u);
  const auto& tok = list->result->at(0);
  ASSERT_TRUE(tok.token);
  EXPECT_EQ(tok.token->reveal(), "046b6c7f-0b8a-43b9-b35d-6489e6daee91");
  EXPECT_EQ(tok.user_id, 34);
  EXPECT_EQ(tok.client_id, 12);
  EXPECT_FALSE(tok.login_id);
  EXPECT_EQ(tok.is_static, true);
  EXPECT_EQ(tok.is_sa_token, false);
  EXPECT_EQ(list->cursor->total, 1);

  alterian::update_static_token_request up;
  up.token_to_update = secret_string(std::string("046b6c7f-0b8a-43b9-b35d-6489e6daee91"));
  up.user_id = 35;
  auto updated = run(c.async_update_static_token(up));
  ASSERT_TRUE(updated) << updated.error();
  EXPECT_EQ(updated->result, true);

  alterian::delete_static_token_request del;
  del.token_to_delete = secret_string(std::string("046b6c7f-0b8a-43b9-b35d-6489e6daee91"));
  auto deleted = run(c.async_delete_static_token(del));
  ASSERT_TRUE(deleted) << deleted.error();
  EXPECT_EQ(deleted->debug_text(), "");  // documented default: []

  alterian::create_impersonation_token_request imp;
  imp.client_id = 12;
  auto impersonated = run(c.async_create_impersonation_token(imp));
  ASSERT_TRUE(impersonated) << impersonated.error();

  const auto& ex = fake.exchanges();
  ASSERT_EQ(ex.size(), 5u);
  const char* paths[] = {"/CreateStaticToken", "/GetTokens", "/UpdateStaticToken", "/DeleteStaticToken",
                         "/CreateImpersonationToken"};
  const char* bodies[] = {
      R"j({"ClientID":12,"UserID":34})j",
      R"j({"ClientID":12,"IncludeStatic":true,"IncludeSA":false,"IncludeStandard":false,"IncludeNonUser":false,"Cursor":{"From":0,"To":49}})j",
      R"j({"TokenToUpdate":"046b6c7f-0b8a-43b9-b35d-6489e6daee91","UserID":35})j",
      R"j({"TokenToDelete":"046b6c7f-0b8a-43b9-b35d-6489e6daee91"})j", R"j({"ClientID":12})j"};
  for (std::size_t i = 0; i < ex.size(); ++i) {
    EXPECT_EQ(ex[i].request.url, "https://alterian.example.com/services/api.svc/jsonsdk" + std::string(paths[i]));
    EXPECT_EQ(*ex[i].request.headers.get("x-api-key"), "11111111-2222-3333-4444-555555555555");
    EXPECT_EQ(*ex[i].request.headers.get("content-type"), "application/json");
    EXPECT_EQ(nlohmann::json::parse(ex[i].request.body), nlohmann::json::parse(bodies[i])) << paths[i];
  }
}

TEST(Alterian, LogicalFailuresAreResultsTransportFailuresAreErrors) {
  tokenmint::testing::fake_transport fake;
  fake.respond(200,
               R"j({"StatusCode":"NotFound","DebugMessage":"","Detail":[["TokenToDelete","no such token"]],"Result":false})j");
  fake.respond(401, R"j({"StatusCode":"InvalidToken","DebugMessage":"token purged","Detail":[["X-Api-Key","unknown"]]})j");
  fake.respond(500, "Internal Server Error", {{"Content-Type", "text/plain"}});
  auto o = alterian_options();
  o.call.retry = policy::retry_policy::none();
  alterian::basic_client<tokenmint::testing::fake_transport> c(fake, o);
  alterian::delete_static_token_request del;
  del.token_to_delete = secret_string(std::string("046b6c7f-0b8a-43b9-b35d-6489e6daee91"));
  auto r = run(c.async_delete_static_token(del));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status_code, "NotFound");
  EXPECT_EQ(r->result, false);
  EXPECT_EQ(r->detail->at(0).at(1), "no such token");
  auto e = run(c.async_delete_static_token(del));
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error(), errc::unauthorized);
  EXPECT_EQ(e.error().diag.service_status, "InvalidToken");
  EXPECT_EQ(e.error().diag.service_message, "token purged");
  EXPECT_EQ(e.error().diag.details, std::vector<std::string>{"X-Api-Key; unknown"});
  auto s = run(c.async_delete_static_token(del));
  EXPECT_EQ(s.error(), errc::service_error);
  EXPECT_EQ(s.error().diag.raw_body, "Internal Server Error");
  // Bad input never leaves.
  del.token_to_delete = secret_string(std::string("not-a-uuid"));
  EXPECT_EQ(run(c.async_delete_static_token(del)).error(), errc::invalid_argument);
  alterian::update_static_token_request up;
  EXPECT_EQ(run(c.async_update_static_token(up)).error(), errc::invalid_argument);
  alterian::get_tokens_request gt;
  gt.cursor.emplace();
  gt.cursor->from = 5;
  gt.cursor->to = 2;
  EXPECT_EQ(run(c.async_get_tokens(gt)).error(), errc::invalid_argument);
  EXPECT_EQ(fake.exchanges().size(), 3u);
  EXPECT_FALSE(alterian::is_uuid("046b6c7f0b8a-43b9-b35d-6489e6daee91x"));
  EXPECT_TRUE(alterian::is_uuid("046B6C7F-0B8A-43B9-B35D-6489E6DAEE91"));
}

TEST(Alterian, GetAllTokensFollowsTheCursor) {
  // A server with 7 tokens that honours From/To and reports Total.
  tokenmint::testing::fake_transport fake;
  fake.on_request([](const http::request& req, const request_options&) {
    const auto body = nlohmann::json::parse(req.body);
    const int from = body["Cursor"]["From"], to = body["Cursor"]["To"];
    nlohmann::json rows = nlohmann::json::array();
    for (int i = from; i <= to && i < 7; ++i)
      rows.push_back({{"ID", i}, {"Token", "00000000-0000-0000-0000-00000000000" + std::to_string(i)}});
    const nlohmann::json answer = {
        {"StatusCode", "OK"}, {"Result", rows}, {"Cursor", {{"From", from}, {"To", to}, {"Total", 7}}}};
    http::response r;
    r.status = 200;
    r.headers.add("Content-Type", "application/json");
    r.body = answer.dump();
    return tokenmint::testing::fake_step{std::move(r)};
  });
  alterian::basic_client<tokenmint::testing::fake_transport> c(fake, alterian_options());
  alterian::get_tokens_request gt;
  gt.include_standard = true;
  auto all = run(c.async_get_all_tokens(gt, 3));
  ASSERT_TRUE(all) << all.error();
  ASSERT_EQ(all->result->size(), 7u);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(all->result->at(static_cast<std::size_t>(i)).id, i);
  EXPECT_EQ(fake.exchanges().size(), 3u);  // rows 0-2, 3-5, 6-8
  EXPECT_EQ(run(c.async_get_all_tokens(gt, 0)).error(), errc::invalid_argument);
}

// ------------------------------------------------------------------------------- OAuth2 cache

namespace {

std::string token_json(const std::string& token, int expires_in) {
  return R"j({"access_token":")j" + token + R"j(","token_type":"Bearer","expires_in":)j" + std::to_string(expires_in) + "}";
}

auth::token_cache_options cache(const fixed_clock& clock) {
  auth::token_cache_options o;
  o.clock = &clock;
  o.refresh_margin = 60s;
  o.jitter = 10'000ms;
  o.random = [] { return 0.5; };  // 5 s of jitter
  return o;
}

}  // namespace

TEST(OAuth2, CachesAndRefreshesAheadOfExpiry) {
  fixed_clock clock(t0);
  tokenmint::testing::fake_transport fake;
  fake.respond(200, token_json("first", 900)).respond(200, token_json("second", 900));
  benchling::token_provider<tokenmint::testing::fake_transport> p(
      benchling::basic_client<tokenmint::testing::fake_transport>(fake, benchling_options()), cache(clock));
  EXPECT_EQ(run(p.async_token())->token.reveal(), "first");
  clock.advance(834'999ms);  // 900 - 60 - 5 s = 835 s: still fresh
  EXPECT_EQ(run(p.async_token())->token.reveal(), "first");
  EXPECT_EQ(p.refresh_count(), 1u);
  clock.advance(1ms);
  EXPECT_EQ(run(p.async_token())->token.reveal(), "second");
  EXPECT_EQ(p.refresh_count(), 2u);
  EXPECT_EQ(fake.exchanges().size(), 2u);
}

TEST(OAuth2, AFailedRefreshKeepsServingAValidToken) {
  fixed_clock clock(t0);
  tokenmint::testing::fake_transport fake;
  fake.respond(200, token_json("first", 900));
  fake.respond(503, "");  // the refresh fails (retries off below)
  fake.respond(200, token_json("second", 900));
  auto bo = benchling_options();
  bo.call.retry = policy::retry_policy::none();
  benchling::token_provider<tokenmint::testing::fake_transport> p(
      benchling::basic_client<tokenmint::testing::fake_transport>(fake, bo), cache(clock));
  EXPECT_EQ(run(p.async_token())->token.reveal(), "first");
  clock.advance(850s);  // due for refresh, 50 s before expiry
  auto during = run(p.async_token());
  ASSERT_TRUE(during);
  EXPECT_EQ(during->token.reveal(), "first");
  ASSERT_TRUE(p.last_error());
  EXPECT_EQ(*p.last_error(), errc::service_error);
  clock.advance(1s);  // within retry_after_failure (5 s): no new request
  EXPECT_EQ(run(p.async_token())->token.reveal(), "first");
  EXPECT_EQ(fake.exchanges().size(), 2u);
  clock.advance(5s);
  EXPECT_EQ(run(p.async_token())->token.reveal(), "second");
}

TEST(OAuth2, AFailedRefreshAfterExpiryIsAnError) {
  fixed_clock clock(t0);
  tokenmint::testing::fake_transport fake;
  fake.respond(200, token_json("first", 900));
  fake.respond(401, R"j({"error":{"type":"invalid_client","message":"secret rotated"}})j");
  benchling::token_provider<tokenmint::testing::fake_transport> p(
      benchling::basic_client<tokenmint::testing::fake_transport>(fake, benchling_options()), cache(clock));
  ASSERT_TRUE(run(p.async_token()));
  clock.advance(901s);
  auto r = run(p.async_token());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), errc::unauthorized);
  EXPECT_EQ(r.error().diag.service_message, "secret rotated");
}

TEST(OAuth2, A401DropsTheTokenAndRetriesOnce) {
  fixed_clock clock(t0);
  tokenmint::testing::fake_transport fake;
  fake.respond(200, token_json("revoked", 900)).respond(200, token_json("fresh", 900));
  benchling::token_provider<tokenmint::testing::fake_transport> p(
      benchling::basic_client<tokenmint::testing::fake_transport>(fake, benchling_options()), cache(clock));
  std::vector<std::string> seen;
  auto call = [&](const auth::bearer& b) -> asio::awaitable<result<int>> {
    seen.push_back(b.token.reveal());
    if (b.token.reveal() == "revoked") co_return error{errc::unauthorized, "HTTP 401"};
    co_return 42;
  };
  auto r = run(p.async_call(call));
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 42);
  EXPECT_EQ(seen, (std::vector<std::string>{"revoked", "fresh"}));
  // A second 401 is returned, not retried again.
  auto always = [&](const auth::bearer&) -> asio::awaitable<result<int>> { co_return error{errc::unauthorized}; };
  fake.respond(200, token_json("third", 900));
  auto r2 = run(p.async_call(always));
  EXPECT_EQ(r2.error(), errc::unauthorized);
  EXPECT_EQ(p.refresh_count(), 3u);
}

namespace {

/// A token source whose requests stay pending until the test opens the gate: many callers
/// can pile up behind one refresh without any real waiting.
struct gated_source {
  struct state {
    std::optional<asio::steady_timer> gate;
    int requests = 0;
    bool fail = false;
  };
  std::shared_ptr<state> s = std::make_shared<state>();

  asio::awaitable<result<auth::oauth2_token>> async_generate_token() {
    auto st = s;
    ++st->requests;
    if (!st->gate) st->gate.emplace(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
    auto [ec] = co_await st->gate->async_wait(tokenmint::detail::use_tuple);
    (void)ec;
    if (st->fail) co_return error{errc::connect_failed, "token endpoint down"};
    auth::oauth2_token t;
    t.access_token = secret_string("t" + std::to_string(st->requests));
    t.expires_in = 900s;
    co_return t;
  }
};

}  // namespace

TEST(OAuth2, SingleFlightFiftyCallersOneRequest) {
  for (const bool fail : {false, true}) {
    asio::io_context io;  // first: the timers below must go before their io_context
    fixed_clock clock(t0);
    gated_source src;
    src.s->fail = fail;
    auth::token_provider<gated_source> p(src, cache(clock));
    std::vector<result<auth::bearer>> got;
    for (int i = 0; i < 50; ++i)
      asio::co_spawn(io, p.async_token(), [&](std::exception_ptr e, result<auth::bearer> r) {
        if (e) std::rethrow_exception(e);
        got.push_back(std::move(r));
      });
    io.poll();  // all 50 are now waiting: one on the gate, 49 on the refresh
    EXPECT_EQ(src.s->requests, 1);
    EXPECT_TRUE(got.empty());
    src.s->gate->cancel();
    io.run();
    ASSERT_EQ(got.size(), 50u);
    for (const auto& r : got) {
      if (fail) {
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error(), errc::connect_failed);
      } else {
        ASSERT_TRUE(r);
        EXPECT_EQ(r->token.reveal(), "t1");
      }
    }
    EXPECT_EQ(src.s->requests, 1);
  }
}

// ------------------------------------------------------------------ OAuth: PKCE and the authorize URL

// RFC 7636 appendix B: this verifier gives this S256 challenge (recomputed independently with
// Python's hashlib and base64 when the test was written).
TEST(Pkce, Rfc7636AppendixB) {
  auto p = auth::pkce::from_verifier(secret_string(std::string("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")));
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  EXPECT_EQ(p->method, "S256");
}

TEST(Pkce, GeneratedVerifiersAndTheRules) {
  auto a = auth::pkce::generate();
  auto b = auth::pkce::generate();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->verifier.reveal().size(), 43u);
  EXPECT_NE(a->verifier.reveal(), b->verifier.reveal());
  EXPECT_EQ(a->challenge, auth::pkce::from_verifier(a->verifier)->challenge);
  EXPECT_EQ(a->challenge.find_first_of("+/="), std::string::npos);  // base64url, unpadded
  std::ostringstream shown;
  shown << a->verifier;
  EXPECT_EQ(shown.str().find(a->verifier.reveal()), std::string::npos);  // a secret, printed redacted
  for (const std::string& bad : {std::string(42, 'a'), std::string(129, 'a'), std::string(43, 'a') + "+"}) {
    auto r = auth::pkce::from_verifier(secret_string(bad));
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error(), errc::invalid_argument);
  }
  EXPECT_TRUE(auth::pkce::from_verifier(secret_string(std::string(128, '~'))));
  EXPECT_EQ(auth::random_url_token(16)->size(), 22u);
  EXPECT_FALSE(auth::random_url_token(0));
}

TEST(HubSpotAuthorize, UrlAsHubSpotDocumentsIt) {
  hubspot::authorize_options o;
  o.client_id = "7fff1e36-2d40-4ae1-bbb1-5266d59564fb";
  o.redirect_uri = "https://www.example.com/auth-callback?x=1";
  o.scopes = {"oauth", "crm.objects.contacts.read"};
  o.optional_scopes = {"automation"};
  o.state = "WeHH_yy2irpl8UYAvv-my";
  auto u = hubspot::authorize_url(o);
  ASSERT_TRUE(u) << u.error();
  EXPECT_EQ(*u,
            "https://app.hubspot.com/oauth/authorize?client_id=7fff1e36-2d40-4ae1-bbb1-5266d59564fb"
            "&scope=oauth%20crm.objects.contacts.read&optional_scope=automation"
            "&redirect_uri=https%3A%2F%2Fwww.example.com%2Fauth-callback%3Fx%3D1&state=WeHH_yy2irpl8UYAvv-my");
  o.account_id = 123456;
  o.pkce = auth::pkce::from_verifier(secret_string(std::string("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))).value();
  o.optional_scopes.clear();
  u = hubspot::authorize_url(o);
  ASSERT_TRUE(u) << u.error();
  EXPECT_TRUE(u->starts_with("https://app.hubspot.com/oauth/123456/authorize?client_id=")) << *u;
  EXPECT_TRUE(u->ends_with("&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256")) << *u;
  EXPECT_EQ(u->find("optional_scope"), std::string::npos);
  EXPECT_EQ(u->find("dBjftJeZ"), std::string::npos);  // the verifier never leaves the app
  o.redirect_uri = "http://localhost:3000/callback";
  EXPECT_TRUE(hubspot::authorize_url(o));

  const auto refused = [&](auto change, const char* field) {
    auto c = o;
    change(c);
    auto r = hubspot::authorize_url(c);
    ASSERT_FALSE(r) << field;
    EXPECT_NE(r.error().message.find(field), std::string::npos) << r.error().message;
  };
  refused([](auto& c) { c.client_id.clear(); }, "client_id");
  refused([](auto& c) { c.state.clear(); }, "state");
  refused([](auto& c) { c.scopes.clear(); }, "scopes");
  refused([](auto& c) { c.scopes = {"a b"}; }, "scopes");
  refused([](auto& c) { c.redirect_uri = "http://www.example.com/cb"; }, "redirect_uri");
  refused([](auto& c) { c.redirect_uri = "/relative"; }, "redirect_uri");
}

// ------------------------------------------------------------------ HubSpot OAuth over the fake

namespace {

hubspot::oauth_client_options oauth_options(hubspot::oauth_api api = hubspot::oauth_api::v1) {
  hubspot::oauth_client_options o;
  o.client_id = "7fff1e36-2d40-4ae1-bbb1-5266d59564fb";
  o.client_secret = secret_string(std::string("SECRET-client"));
  o.api = api;
  o.call.retry = policy::retry_policy::none();
  return o;
}

std::string hubspot_token_json(const std::string& access, const std::string& refresh, long long expires_in = 1800) {
  return R"j({"token_type":"bearer","refresh_token":")j" + refresh + R"j(","access_token":")j" + access + R"j(","expires_in":)j" +
         std::to_string(expires_in) + R"j(,"token_use":"access_token","hub_id":62515})j";
}

std::map<std::string, std::string> form_of(const http::request& r) {
  std::map<std::string, std::string> out;
  auto fields = http::form_decode(r.body);
  if (fields)
    for (auto& f : *fields) out.emplace(f.name, f.value);
  return out;
}

}  // namespace

TEST(HubSpotOAuth, EveryGrantSendsTheFormHubSpotDocuments) {
  tokenmint::testing::fake_transport fake;
  for (int i = 0; i < 3; ++i) fake.respond(200, hubspot_token_json("at", "rt"));
  hubspot::basic_oauth_client<tokenmint::testing::fake_transport> v1(fake, oauth_options());
  hubspot::basic_oauth_client<tokenmint::testing::fake_transport> v3(fake, oauth_options(hubspot::oauth_api::v3));
  auto a = run(v1.async_create_token(hubspot::code_grant(secret_string(std::string("SECRET-code")),
                                                         "https://www.example.com/auth-callback",
                                                         secret_string(std::string("SECRET-verifier")))));
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(a->access_token->reveal(), "at");
  EXPECT_EQ(a->refresh_token->reveal(), "rt");
  EXPECT_EQ(a->expires_in, 1800);
  ASSERT_TRUE(run(v3.async_create_token(hubspot::refresh_grant(secret_string(std::string("SECRET-refresh"))))));
  ASSERT_TRUE(run(v1.async_create_token(hubspot::client_credentials_grant("oauth crm.objects.contacts.read"))));
  const auto& x = fake.exchanges();
  ASSERT_EQ(x.size(), 3u);
  for (const auto& e : x) {
    EXPECT_EQ(e.request.method, http::verb::post);
    EXPECT_EQ(e.request.headers.get("content-type").value_or(""), "application/x-www-form-urlencoded");
  }
  EXPECT_EQ(x[0].request.url, "https://api.hubapi.com/oauth/v1/token");
  EXPECT_EQ(x[1].request.url, "https://api.hubapi.com/oauth/v3/token");
  using fields = std::map<std::string, std::string>;
  const std::string id = "7fff1e36-2d40-4ae1-bbb1-5266d59564fb";
  EXPECT_EQ(form_of(x[0].request), (fields{{"grant_type", "authorization_code"},
                                           {"client_id", id},
                                           {"client_secret", "SECRET-client"},
                                           {"code", "SECRET-code"},
                                           {"redirect_uri", "https://www.example.com/auth-callback"},
                                           {"code_verifier", "SECRET-verifier"}}));
  EXPECT_EQ(form_of(x[1].request), (fields{{"grant_type", "refresh_token"},
                                           {"client_id", id},
                                           {"client_secret", "SECRET-client"},
                                           {"refresh_token", "SECRET-refresh"}}));
  EXPECT_EQ(form_of(x[2].request), (fields{{"grant_type", "client_credentials"},
                                           {"client_id", id},
                                           {"client_secret", "SECRET-client"},
                                           {"scope", "oauth crm.objects.contacts.read"}}));
}

TEST(HubSpotOAuth, MissingFieldsAreNamedBeforeAnyRequest) {
  tokenmint::testing::fake_transport fake;
  hubspot::basic_oauth_client<tokenmint::testing::fake_transport> c(fake, oauth_options());
  const auto refused = [&](hubspot::token_request r, const char* field, hubspot::oauth_client_options o = oauth_options()) {
    hubspot::basic_oauth_client<tokenmint::testing::fake_transport> oc(fake, std::move(o));
    auto t = run(oc.async_create_token(std::move(r)));
    ASSERT_FALSE(t) << field;
    EXPECT_EQ(t.error(), errc::invalid_argument);
    EXPECT_NE(t.error().message.find(field), std::string::npos) << t.error().message;
  };
  refused(hubspot::code_grant({}, "https://x.example/cb"), "code");
  refused(hubspot::code_grant(secret_string(std::string("c")), ""), "redirect_uri");
  refused(hubspot::refresh_grant({}), "refresh_token");
  auto no_id = oauth_options();
  no_id.client_id.clear();
  refused(hubspot::refresh_grant(secret_string(std::string("r"))), "client_id", no_id);
  auto no_secret = oauth_options();
  no_secret.client_secret = {};
  refused(hubspot::refresh_grant(secret_string(std::string("r"))), "client_secret", no_secret);
  auto assertion = hubspot::refresh_grant(secret_string(std::string("r")));
  assertion.client_assertion = secret_string(std::string("jwt"));
  refused(assertion, "client_assertion");  // v1 has no client_assertion
  EXPECT_EQ(run(c.async_get_access_token({})).error(), errc::invalid_argument);
  EXPECT_EQ(run(c.async_introspect_token({})).error(), errc::invalid_argument);
  EXPECT_TRUE(fake.exchanges().empty());
}

TEST(HubSpotOAuth, RefusalsAreTypedWithHubSpotsMessage) {
  struct expectation {
    int status;
    std::string body;
    errc code;
    std::string message;
  };
  const std::vector<expectation> cases = {
      {400, R"({"status":"BAD_REFRESH_TOKEN","message":"missing or invalid refresh token","correlationId":"c1"})",
       errc::unauthorized, "missing or invalid refresh token"},
      {400, R"({"status":"BAD_AUTH_CODE","message":"missing or unknown auth code"})", errc::unauthorized,
       "missing or unknown auth code"},
      {400, R"({"error":"invalid_grant","error_description":"refresh token revoked"})", errc::unauthorized,
       "refresh token revoked"},
      {400, R"({"category":"VALIDATION_ERROR","correlationId":"aeb5f871-7f07-4993-9211-075dc63e7cbf","message":"Invalid input"})",
       errc::invalid_argument, "Invalid input"},
      {401, R"({"category":"INVALID_AUTHENTICATION","message":"Authentication credentials not valid"})", errc::unauthorized,
       "Authentication credentials not valid"},
      {500, R"({"category":"INTERNAL_ERROR","message":"boom"})", errc::service_error, "boom"},
  };
  for (const auto& c : cases) {
    tokenmint::testing::fake_transport fake;
    fake.respond(c.status, c.body);
    hubspot::basic_oauth_client<tokenmint::testing::fake_transport> oc(fake, oauth_options());
    auto r = run(oc.async_create_token(hubspot::refresh_grant(secret_string(std::string("r")))));
    ASSERT_FALSE(r) << c.body;
    EXPECT_EQ(r.error(), c.code) << c.body << " -> " << r.error();
    EXPECT_NE(r.error().message.find(c.message), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().diag.http_status, c.status);
    EXPECT_TRUE(hubspot::parse_error(r.error()));
  }
}

TEST(HubSpotOAuth, HooksNeverSeeASecretNorATokenInThePath) {
  tokenmint::testing::fake_transport fake;
  fake.on_request([](const http::request& r, const request_options&) {
    http::response res;
    res.status = r.method == http::verb::delete_ ? 204 : 200;
    res.headers.add("Content-Type", "application/json");
    if (r.url.find("/token") != std::string::npos && r.url.find("introspect") == std::string::npos &&
        r.url.find("revoke") == std::string::npos)
      res.body = hubspot_token_json("SECRET-access", "SECRET-rotated");
    else if (r.url.find("introspect") != std::string::npos)
      res.body = R"({"active":true,"token":"SECRET-refresh","token_use":"refresh_token"})";
    else if (res.status == 200) res.body = R"({"token":"SECRET-access","user":"u@example.com","hub_id":1})";
    return tokenmint::testing::fake_step{std::move(res)};
  });
  std::string seen;
  auto o = oauth_options(hubspot::oauth_api::v3);
  o.call.observe.on_request = [&](const policy::request_event& e) {
    seen += e.request.url + '\n' + e.request.body + '\n';
    for (const auto& f : e.request.headers) seen += f.value + '\n';
  };
  o.call.observe.on_response = [&](const policy::response_event& e) {
    if (e.response) seen += e.response->body + '\n';
  };
  hubspot::basic_oauth_client<tokenmint::testing::fake_transport> c(fake, o);
  const secret_string refresh(std::string("SECRET-refresh"));
  ASSERT_TRUE(run(c.async_create_token(hubspot::code_grant(secret_string(std::string("SECRET-code")), "https://x.example/cb",
                                                           secret_string(std::string("SECRET-verifier"))))));
  ASSERT_TRUE(run(c.async_create_token(hubspot::refresh_grant(refresh))));
  auto info = run(c.async_get_access_token(secret_string(std::string("SECRET-access/x"))));
  ASSERT_TRUE(info) << info.error();
  EXPECT_EQ(info->user, "u@example.com");
  ASSERT_TRUE(run(c.async_get_refresh_token(refresh)));
  ASSERT_TRUE(run(c.async_archive_refresh_token(refresh)));
  auto active = run(c.async_introspect_token(refresh, "refresh_token"));
  ASSERT_TRUE(active) << active.error();
  EXPECT_TRUE(active->active);
  EXPECT_EQ(active->token_use, "refresh_token");
  ASSERT_TRUE(run(c.async_revoke_token(refresh)));
  ASSERT_EQ(fake.exchanges().size(), 7u);
  EXPECT_EQ(fake.exchanges()[2].request.url, "https://api.hubapi.com/oauth/v1/access-tokens/SECRET-access%2Fx");
  EXPECT_EQ(fake.exchanges()[4].request.method, http::verb::delete_);
  EXPECT_NE(seen.find("/oauth/v1/access-tokens/<redacted>"), std::string::npos) << seen;
  EXPECT_NE(seen.find("grant_type=authorization_code"), std::string::npos) << seen;  // the form is shown, redacted
  EXPECT_EQ(seen.find("SECRET"), std::string::npos) << seen;
}

TEST(HubSpotOAuth, TheRefreshSourceHandsOverRotatedTokensOnly) {
  tokenmint::testing::fake_transport fake;
  fake.respond(200, hubspot_token_json("a1", "r1"))          // same refresh token: no rotation
      .respond(200, hubspot_token_json("a2", "r2"))          // rotated
      .respond(200, hubspot_token_json("a3", "r2", -1800));  // a placeholder lifetime
  std::vector<std::string> rotated;
  hubspot::basic_refresh_token_source<tokenmint::testing::fake_transport> src(
      hubspot::basic_oauth_client<tokenmint::testing::fake_transport>(fake, oauth_options()), secret_string(std::string("r1")),
      [&](const secret_string& r) { rotated.push_back(r.reveal()); });
  auto t1 = run(src.async_generate_token());
  ASSERT_TRUE(t1) << t1.error();
  EXPECT_EQ(t1->access_token.reveal(), "a1");
  EXPECT_EQ(t1->expires_in, 1800s);
  EXPECT_TRUE(rotated.empty());
  ASSERT_TRUE(run(src.async_generate_token()));
  EXPECT_EQ(rotated, std::vector<std::string>{"r2"});
  EXPECT_EQ(src.refresh_token().reveal(), "r2");
  EXPECT_EQ(form_of(fake.exchanges()[1].request).at("refresh_token"), "r1");
  auto t3 = run(src.async_generate_token());
  ASSERT_TRUE(t3);
  EXPECT_EQ(t3->expires_in, -1800s);  // as sent; the provider decides (next test)
  EXPECT_EQ(form_of(fake.exchanges()[2].request).at("refresh_token"), "r2");
  EXPECT_EQ(rotated.size(), 1u);
}

namespace {

/// A source answering from a list of lifetimes (or an error), counting requests.
struct scripted_source {
  struct state {
    std::deque<result<std::chrono::seconds>> answers;
    int requests = 0;
  };
  std::shared_ptr<state> s = std::make_shared<state>();

  asio::awaitable<result<auth::oauth2_token>> async_generate_token() {
    auto st = s;
    ++st->requests;
    if (st->answers.empty()) co_return error{errc::connect_failed, "no more answers"};
    auto a = std::move(st->answers.front());
    st->answers.pop_front();
    if (!a) co_return std::move(a).error();
    auth::oauth2_token t;
    t.access_token = secret_string("t" + std::to_string(st->requests));
    t.expires_in = *a;
    co_return t;
  }
};

}  // namespace

TEST(OAuth2, AbsurdLifetimesAreClampedAndNeverSpin) {
  for (const auto life : {std::chrono::seconds(-1800), std::chrono::seconds(0)}) {
    fixed_clock clock(t0);
    scripted_source src;
    src.s->answers = {life, life};
    auth::token_provider<scripted_source> p(src, cache(clock));
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(run(p.async_token()));
    EXPECT_EQ(src.s->requests, 1) << life.count();
    clock.advance(300s - 65s - 1ms);  // assumed_lifetime 300 s, less margin and jitter
    ASSERT_TRUE(run(p.async_token()));
    EXPECT_EQ(src.s->requests, 1);
    clock.advance(1ms);
    EXPECT_EQ(run(p.async_token())->token.reveal(), "t2");
  }
  fixed_clock clock(t0);
  scripted_source src;
  src.s->answers = {std::chrono::seconds(10LL * 365 * 24 * 3600), std::chrono::seconds(60)};
  auth::token_provider<scripted_source> p(src, cache(clock));
  ASSERT_TRUE(run(p.async_token()));
  clock.advance(24h - 65s);  // clamped to max_lifetime (24 h)
  EXPECT_EQ(run(p.async_token())->token.reveal(), "t2");
}

TEST(OAuth2, WaitersOfACancelledRefreshStartAnother) {
  struct cancelled_first {
    std::shared_ptr<gated_source::state> s = std::make_shared<gated_source::state>();
    asio::awaitable<result<auth::oauth2_token>> async_generate_token() {
      auto st = s;
      if (++st->requests == 1) {  // the first refresh ends as its caller's cancellation would
        st->gate.emplace(co_await asio::this_coro::executor, asio::steady_timer::time_point::max());
        auto [ec] = co_await st->gate->async_wait(tokenmint::detail::use_tuple);
        (void)ec;
        co_return error{errc::cancelled, "cancelled by its caller"};
      }
      auth::oauth2_token t;
      t.access_token = secret_string("t" + std::to_string(st->requests));
      t.expires_in = 900s;
      co_return t;
    }
  };
  asio::io_context io;
  fixed_clock clock(t0);
  cancelled_first src;
  auth::token_provider<cancelled_first> p(src, cache(clock));
  std::vector<result<auth::bearer>> got;
  for (int i = 0; i < 2; ++i)
    asio::co_spawn(io, p.async_token(), [&](std::exception_ptr e, result<auth::bearer> r) {
      if (e) std::rethrow_exception(e);
      got.push_back(std::move(r));
    });
  io.poll();
  ASSERT_EQ(src.s->requests, 1);
  src.s->gate->cancel();
  io.run();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].error(), errc::cancelled);  // the refreshing caller
  ASSERT_TRUE(got[1]) << got[1].error();       // its waiter refreshed again, at once (no hold-off)
  EXPECT_EQ(got[1]->token.reveal(), "t2");
  EXPECT_EQ(src.s->requests, 2);
}

TEST(OAuth2, WithoutATokenAFailedRefreshFailsFastUntilTheHoldOffEnds) {
  fixed_clock clock(t0);
  scripted_source src;
  src.s->answers.push_back(error{errc::unauthorized, "hubspot create_token: HTTP 400 BAD_REFRESH_TOKEN"});
  src.s->answers.push_back(1800s);
  auth::token_provider<scripted_source> p(src, cache(clock));
  for (int i = 0; i < 20; ++i) {
    auto r = run(p.async_token());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), errc::unauthorized);
    EXPECT_NE(r.error().message.find("BAD_REFRESH_TOKEN"), std::string::npos);
  }
  EXPECT_EQ(src.s->requests, 1);  // no retry storm
  clock.advance(5s);              // retry_after_failure
  EXPECT_EQ(run(p.async_token())->token.reveal(), "t2");
  EXPECT_EQ(src.s->requests, 2);
}

TEST(HubSpot, AProviderGivesTheBearerOfEveryCallAndA401ARefresh) {
  fixed_clock clock(t0);
  tokenmint::testing::fake_transport fake;
  fake.respond(200, hubspot_token_json("access-1", "r"))
      .respond(401, R"({"category":"EXPIRED_AUTHENTICATION","message":"The OAuth token used to make this call expired"})")
      .respond(200, hubspot_token_json("access-2", "r"))
      .respond(200, R"({"token":"visitor-1"})")
      .respond(200, R"({"token":"visitor-2"})");
  hubspot::token_provider<tokenmint::testing::fake_transport> p(
      hubspot::basic_refresh_token_source<tokenmint::testing::fake_transport>(
          hubspot::basic_oauth_client<tokenmint::testing::fake_transport>(fake, oauth_options()),
          secret_string(std::string("r"))),
      cache(clock));
  hubspot::client_options o;
  o.access_token = secret_string(std::string("ignored"));
  o.call.retry = policy::retry_policy::none();
  hubspot::basic_client<tokenmint::testing::fake_transport> c(fake, o, p);
  auto v = run(c.async_create_visitor_token(gob()));
  ASSERT_TRUE(v) << v.error();
  EXPECT_EQ(v->token.reveal(), "visitor-1");
  ASSERT_TRUE(run(c.async_create_visitor_token(gob())));
  const auto& x = fake.exchanges();
  ASSERT_EQ(x.size(), 5u);
  EXPECT_EQ(x[1].request.headers.get("authorization").value_or(""), "Bearer access-1");
  EXPECT_EQ(x[3].request.headers.get("authorization").value_or(""), "Bearer access-2");
  EXPECT_EQ(x[4].request.headers.get("authorization").value_or(""), "Bearer access-2");
  EXPECT_EQ(p.refresh_count(), 2u);
}
