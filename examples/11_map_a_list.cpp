// Example 11: mapping a whole list to raw UID2s. The identifiers stream in from a file, one per
// line (an email, or a phone starting with '+'); batches of 5,000 go out four at a time; every
// row gets exactly one outcome, in input order; a failed batch never loses the others.
//
//   UID2_API_KEY=... UID2_CLIENT_SECRET=... 11_map_a_list BASE_URL FILE
//
// BASE_URL is an operator (the `uid2_base_url` that `tokenmint sandbox` prints). For files of
// millions of rows with resume and progress, `tokenmint uid2 map --input FILE` does the same.
#include <tokenmint/uid2/client.hpp>
#include <tokenmint/uid2/identity_mapper.hpp>

#include <asio/co_spawn.hpp>
#include <asio/io_context.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>

namespace uid2 = tokenmint::uid2;

namespace {

asio::awaitable<int> run(tokenmint::https_transport transport, uid2::client_options options, std::string path) {
  uid2::client client(transport, options);
  std::ifstream in(path);
  if (!in) {
    std::cerr << "cannot read " << path << '\n';
    co_return 1;
  }
  // The source: one row per call, std::nullopt at the end. Memory stays at the batches in flight.
  auto source = [&in]() -> std::optional<uid2::map_input> {
    std::string line;
    if (!std::getline(in, line)) return std::nullopt;
    if (line.starts_with('+')) return uid2::identity_input::from_phone(line);
    return uid2::identity_input::from_email(line);  // an invalid one is its row's outcome, never sent
  };
  // The sink: one call per row, in input order.
  auto sink = [](uid2::map_row&& row) {
    if (row.outcome == uid2::map_outcome::mapped)
      std::cout << row.index << " mapped " << row.mapping.uid.size() << " characters\n";
    else std::cout << row.index << ' ' << to_string(row.outcome) << '\n';
  };
  uid2::map_options mo;
  mo.concurrency = 4;
  auto counts = co_await uid2::async_map_stream(client, source, sink, mo);
  if (!counts) {
    std::cerr << "map: " << counts.error() << '\n';
    co_return 1;
  }
  std::cout << "rows " << counts->rows << ": " << counts->mapped << " mapped, " << counts->optout << " optout, "
            << counts->invalid << " invalid, " << counts->failed << " failed\n";
  co_return counts->failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: 11_map_a_list BASE_URL FILE\n";
    return 2;
  }
  const char* key = std::getenv("UID2_API_KEY");
  const char* secret = std::getenv("UID2_CLIENT_SECRET");
  if (key == nullptr || secret == nullptr) {
    std::cerr << "set UID2_API_KEY and UID2_CLIENT_SECRET\n";
    return 2;
  }
  asio::io_context io;
  tokenmint::https_transport transport(io.get_executor());
  uid2::client_options options;
  options.base_url = argv[1];
  options.api_key = tokenmint::secret_string(std::string(key));
  options.client_secret = tokenmint::secret_string(std::string(secret));
  int rc = 1;
  asio::co_spawn(io, run(transport, options, argv[2]), [&](std::exception_ptr e, int r) { rc = e ? 1 : r; });
  io.run();
  return rc;
}
