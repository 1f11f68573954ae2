// Compile-time benchmark: a translation unit that includes only a models.hpp (options and wire
// models, no client), as a header that passes UID2 results around would.
#include <tokenmint/uid2/models.hpp>

int main() {
  tokenmint::uid2::client_options o;
  o.base_url = "https://operator-integ.uidapi.com";
  tokenmint::uid2::token_response r;
  return static_cast<int>(o.base_url.size() + (r.identity ? 1 : 0));
}
