// Separate compilation mode: this file is built with -DTOKENMINT_SEPARATE_COMPILATION and linked
// with src/tokenmint.cpp (dependency('tokenmint-separate')). Every client over the default
// transport comes from that one object; a client over another transport is instantiated here
// from its client_impl.hpp. All of them against the sandbox.
#include <tokenmint/alterian/client.hpp>
#include <tokenmint/benchling/client.hpp>
#include <tokenmint/hubspot/blocking.hpp>
#include <tokenmint/hubspot/client.hpp>
#include <tokenmint/testing/sandbox.hpp>
#include <tokenmint/uid2/client.hpp>
#include <tokenmint/uid2/client_impl.hpp>  // for the client over counting_transport below

#include <asio/io_context.hpp>

#include "../common/run.hpp"
#include "../common/sandbox_thread.hpp"

#include <gtest/gtest.h>

#if !defined(TOKENMINT_SEPARATE_COMPILATION)
#error "this test is the separate-compilation build: compile it with -DTOKENMINT_SEPARATE_COMPILATION"
#endif

using namespace tokenmint;

namespace {

/// A transport of the test's own: forwards to https_transport and counts requests.
struct counting_transport {
  https_transport inner;
  std::shared_ptr<int> sent = std::make_shared<int>(0);
  asio::awaitable<result<http::response>> async_send(http::request req, request_options opts) {
    ++*sent;
    co_return co_await inner.async_send(std::move(req), opts);
  }
};

struct Separate : ::testing::Test {
  asio::io_context io;
  tokenmint::testing::sandbox box{io.get_executor()};
  https_transport transport{io.get_executor()};
  void SetUp() override {
    ASSERT_TRUE(box.status());
    box.start();
  }
  template <class T>
  T run(asio::awaitable<T> a) {
    return tokenmint::test::run_on(io, std::move(a));
  }
  uid2::client_options uid2_options(bool euid = false) {
    uid2::client_options o;
    o.base_url = euid ? box.euid_base_url() : box.base_url();
    o.api_key = secret_string(box.api_key());
    o.client_secret = secret_string(box.client_secret());
    return o;
  }
};

}  // namespace

TEST_F(Separate, DefaultClientsComeFromTheOneObject) {
  uid2::client u(transport, uid2_options());
  auto g = run(u.async_generate_token(*uid2::identity_input::from_email("validate@example.com")));
  ASSERT_TRUE(g) << g.error();
  ASSERT_EQ(g->status, uid2::token_status::success);
  auto r = run(u.async_refresh_token(*g->identity));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->status, uid2::token_status::success);
  auto o = run(u.async_generate_token(*uid2::identity_input::from_email("optout@example.com")));
  ASSERT_TRUE(o);
  EXPECT_EQ(o->status, uid2::token_status::optout);

  euid::client e(transport, uid2_options(true));
  auto eg = run(e.async_generate_token(*uid2::identity_input::from_email("a@example.com")));
  ASSERT_TRUE(eg) << eg.error();
  EXPECT_EQ(eg->identity->refresh_token[0], 'E');

  const auto& so = box.services();
  hubspot::client_options ho;
  ho.base_url = box.hubspot_base_url();
  ho.access_token = secret_string(so.hubspot_access_token);
  hubspot::client h(transport, ho);
  hubspot::visitor_token_request vr;
  vr.email = "a@example.com";
  auto v = run(h.async_create_visitor_token(vr));
  ASSERT_TRUE(v) << v.error();
  EXPECT_FALSE(v->token.empty());

  benchling::client_options bo;
  bo.base_url = box.benchling_base_url();
  bo.client_id = so.benchling_client_id;
  bo.client_secret = secret_string(so.benchling_client_secret);
  benchling::token_provider<https_transport> p(benchling::client(transport, bo));
  auto t = run(p.async_token());
  ASSERT_TRUE(t) << t.error();
  bo.client_secret = secret_string(std::string("wrong"));
  auto bad = run(benchling::client(transport, bo).async_generate_token());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), errc::unauthorized);  // the same typed errors as header-only

  alterian::client_options ao;
  ao.base_url = box.alterian_base_url();
  ao.api_key = secret_string(so.alterian_api_key);
  alterian::client a(transport, ao);
  alterian::create_static_token_request cs;
  cs.client_id = 12;
  cs.user_id = 34;
  auto created = run(a.async_create_static_token(cs));
  ASSERT_TRUE(created && created->result) << (created ? "no token" : created.error().message);
  EXPECT_TRUE(alterian::is_uuid(created->result->reveal()));
}

TEST_F(Separate, ClientOverAnotherTransportFromItsImplHeader) {
  counting_transport counting{transport};
  uid2::basic_client<counting_transport> u(counting, uid2_options());
  auto g = run(u.async_generate_token(*uid2::identity_input::from_email("a@example.com")));
  ASSERT_TRUE(g) << g.error();
  EXPECT_EQ(g->status, uid2::token_status::success);
  EXPECT_EQ(*counting.sent, 1);
}

TEST(SeparateBlocking, FacadeOverTheOneObject) {
  tokenmint::test::sandbox_thread serving;
  ASSERT_TRUE(serving.box.status());
  hubspot::client_options ho;
  ho.base_url = serving.box.hubspot_base_url();
  ho.access_token = secret_string(serving.box.services().hubspot_access_token);
  hubspot::blocking_client h(ho);
  hubspot::visitor_token_request vr;
  vr.email = "a@example.com";
  auto v = h.create_visitor_token(vr);
  EXPECT_TRUE(v) << v.error();
}
