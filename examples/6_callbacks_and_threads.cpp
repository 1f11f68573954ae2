// Example 6: calling from code that is not a coroutine. Every `async_*` returns an
// `asio::awaitable`; `asio::co_spawn` starts it and delivers the result to a completion handler
// (callback style) or to a `std::future` (`asio::use_future`, for a thread that blocks). With
// no event loop at all, a blocking facade runs each call on an io_context of its own.
//
//   UID2_API_KEY=... UID2_CLIENT_SECRET=... 6_callbacks_and_threads BASE_URL
#include <tokenmint/uid2/blocking.hpp>
#include <tokenmint/uid2/client.hpp>

#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <asio/use_future.hpp>

#include <chrono>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <thread>

namespace uid2 = tokenmint::uid2;
using namespace std::chrono_literals;

int main(int argc, char** argv) {
  auto api_key = tokenmint::secret_from_env("UID2_API_KEY");
  auto secret = tokenmint::secret_from_env("UID2_CLIENT_SECRET");
  if (argc != 2 || !api_key || !secret) {
    std::cerr << "usage: UID2_API_KEY=... UID2_CLIENT_SECRET=... " << argv[0] << " BASE_URL\n";
    return 2;
  }
  uid2::client_options options;
  options.base_url = argv[1];
  options.api_key = std::move(*api_key);
  options.client_secret = std::move(*secret);

  asio::io_context io;  // the loop the transport and the client run on
  uid2::client client(tokenmint::https_transport(io.get_executor()), options);
  auto input = uid2::identity_input::from_email("jane.doe@example.com").value();

  // 1. Callback style: the handler runs on the io_context's thread when the call completes. The
  //    exception_ptr is set only if the coroutine threw (tokenmint does not on its normal path).
  asio::co_spawn(io, client.async_generate_token(input), [](std::exception_ptr e, tokenmint::result<uid2::token_response> r) {
    if (e) std::cout << "callback: exception\n";
    else if (!r) std::cout << "callback: " << r.error() << '\n';
    else std::cout << "callback: " << to_string(r->status) << '\n';
  });
  io.run();

  // 2. A blocking thread, with the io_context running on another one. The client is not
  //    thread-safe: every call is spawned onto the io_context, whose single thread is its strand.
  //    A per-call override shortens this call's deadline without touching the client's options.
  io.restart();
  auto guard = asio::make_work_guard(io);
  std::thread runner([&io] { io.run(); });
  std::future<tokenmint::result<bool>> valid;
  {
    auto generated = asio::co_spawn(io, client.async_generate_token(input), asio::use_future).get();
    if (generated && generated->identity)
      valid = asio::co_spawn(io,
                             client.async_validate_token(generated->identity->advertising_token, input,
                                                         tokenmint::service::call_overrides{}.with_timeout(5s)),
                             asio::use_future);
  }
  int status = 1;
  if (valid.valid()) {
    auto r = valid.get();  // blocks this thread only
    if (r) std::cout << "future: validated " << std::boolalpha << *r << '\n';
    else std::cout << "future: " << r.error() << '\n';
    status = r && *r ? 0 : 1;
  } else {
    std::cout << "future: generate failed\n";
  }
  guard.reset();
  runner.join();

  // 3. No event loop: the blocking facade runs each call to completion on an io_context of its
  //    own, on this thread, and returns what the coroutine call returns (same outcomes, same errors).
  uid2::blocking_client blocking(options);
  auto b = blocking.generate_token(input);
  if (!b) std::cout << "blocking: " << b.error() << '\n';
  else std::cout << "blocking: " << to_string(b->status) << '\n';
  if (!b) status = 1;
  return status;
}
