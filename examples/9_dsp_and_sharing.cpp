// Example 9: advertising tokens on the buying side and between sharing participants. A DSP
// fetches the bidstream keys once (then hourly), and decrypts the UID2 token of every bid
// request locally, on as many threads as it has; a sharer encrypts a raw UID2 into a token and
// another participant decrypts it.
//
//   UID2_API_KEY=... UID2_CLIENT_SECRET=... 9_dsp_and_sharing BASE_URL
//
// BASE_URL is an operator (the `uid2_base_url` that `tokenmint sandbox` prints; the sandbox
// issues real v4 tokens and serves its keys). The token the DSP decrypts comes from the same
// operator's /v2/token/generate, standing in for a publisher's bid request.
#include <tokenmint/uid2/client.hpp>
#include <tokenmint/uid2/key_client.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace uid2 = tokenmint::uid2;

namespace {

asio::awaitable<int> run(tokenmint::https_transport transport, uid2::client_options options) {
  // A publisher's token (in real life: from the bid request, with the page's domain).
  uid2::client publisher(transport, options);
  const auto input = uid2::identity_input::from_email("jane.doe@example.com").value();
  auto generated = co_await publisher.async_generate_token(input);
  if (!generated || !generated->identity) {
    std::cerr << "generate failed\n";
    co_return 1;
  }
  const std::string token = generated->identity->advertising_token;

  // The DSP: keys once at start (keep_keys_fresh does it hourly), then local decryption.
  uid2::bidstream_client dsp(transport, options);
  if (auto ok = co_await dsp.async_refresh_keys(); !ok) {
    std::cerr << "bidstream keys: " << ok.error() << '\n';
    co_return 1;
  }
  std::atomic<int> decrypted{0}, failed{0};
  std::vector<std::thread> bidders;
  for (int t = 0; t < 4; ++t)
    bidders.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        const uid2::decryption_result r = dsp.decrypt_token(token, "example.com");  // noexcept, no allocation
        (r.ok() ? decrypted : failed)++;
      }
    });
  for (auto& b : bidders) b.join();
  const auto one = dsp.decrypt_token(token, "example.com");
  std::cout << "dsp: " << decrypted << " tokens decrypted on 4 threads, " << failed << " failed; raw UID2 of " << one.uid().size()
            << " characters, token v" << one.version << '\n';
  std::cout << "dsp: garbage is " << to_string(dsp.decrypt_token("<not a token>", "example.com").status) << '\n';

  // Sharing: one participant encrypts the raw UID2, another decrypts it.
  uid2::sharing_client sender(transport, options), receiver(transport, options);
  auto a = co_await sender.async_refresh_keys();
  auto b = co_await receiver.async_refresh_keys();
  if (!a || !b) {
    std::cerr << "sharing keys failed\n";
    co_return 1;
  }
  const uid2::encryption_result shared = sender.encrypt_raw_uid(one.uid());
  const uid2::decryption_result back = receiver.decrypt_token(shared.token());
  std::cout << "sharing: " << to_string(shared.status) << ", a v4 token of " << shared.token().size()
            << " characters; the receiver got " << (back.uid() == one.uid() ? "the same raw UID2" : "another raw UID2") << '\n';
  co_return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const char* key = std::getenv("UID2_API_KEY");
  const char* secret = std::getenv("UID2_CLIENT_SECRET");
  if (argc != 2 || key == nullptr || secret == nullptr) {
    std::cerr << "usage: UID2_API_KEY=... UID2_CLIENT_SECRET=... 9_dsp_and_sharing BASE_URL\n";
    return 2;
  }
  asio::io_context io;
  tokenmint::https_transport transport(io.get_executor());
  uid2::client_options options;
  options.base_url = argv[1];
  options.api_key = tokenmint::secret_string(key);
  options.client_secret = tokenmint::secret_string(secret);
  int rc = 1;
  asio::co_spawn(io, run(transport, std::move(options)), [&](std::exception_ptr e, int r) {
    if (e) std::rethrow_exception(e);
    rc = r;
  });
  io.run();
  return rc;
}
