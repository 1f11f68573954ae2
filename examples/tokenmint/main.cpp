// tokenmint: command-line front end of the library.
#include "cli.hpp"
#include "commands.hpp"

#include <tokenmint/version.hpp>

#include <exception>
#include <iostream>

namespace {

const char* const usage =
    "usage: tokenmint <group> <command> [options]\n"
    "\n"
    "groups:\n"
    "  uid2       UID2/EUID: generate, client-generate, refresh, validate, map, keys (online);\n"
    "             decrypt-token, encrypt-token, envelopes, normalization, hashing (offline)\n"
    "  hubspot    HubSpot visitor identification tokens and OAuth: visitor-token, oauth-token,\n"
    "             oauth-introspect, oauth-revoke, authorize-url\n"
    "  benchling  Benchling OAuth2 client-credentials tokens: token\n"
    "  alterian   Alterian Journey Analytics tokens: create-static-token, create-impersonation-token,\n"
    "             delete-static-token, update-static-token, list-tokens\n"
    "  sandbox    a local UID2/EUID operator, with HubSpot, Benchling and Alterian, on 127.0.0.1\n"
    "\n"
    "  tokenmint --version | --help | <group> --help | <group> <command> --help\n"
    "exit status: 0 success, 1 data error (message on stderr), 2 usage error\n";

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << usage;
    return tokenmint::cli::usage_error;
  }
  if (args[0] == "--help" || args[0] == "-h") {
    std::cout << usage;
    return tokenmint::cli::ok;
  }
  if (args[0] == "--version") {
    std::cout << "tokenmint " << tokenmint::version_string << '\n';
    return tokenmint::cli::ok;
  }
  try {
    if (args[0] == "uid2") return tokenmint::cli::run_uid2({args.begin() + 1, args.end()});
    if (args[0] == "hubspot") return tokenmint::cli::run_hubspot({args.begin() + 1, args.end()});
    if (args[0] == "benchling") return tokenmint::cli::run_benchling({args.begin() + 1, args.end()});
    if (args[0] == "alterian") return tokenmint::cli::run_alterian({args.begin() + 1, args.end()});
    if (args[0] == "sandbox") return tokenmint::cli::run_sandbox({args.begin() + 1, args.end()});
    const std::string hint = tokenmint::cli::closest(args[0], {"uid2", "hubspot", "benchling", "alterian", "sandbox"});
    std::cerr << "tokenmint: unknown group '" << args[0] << "'" << (hint.empty() ? "" : " (did you mean '" + hint + "'?)") << "\n"
              << usage;
    return tokenmint::cli::usage_error;
  } catch (const tokenmint::cli::help_shown&) {
    return tokenmint::cli::ok;  // `... COMMAND --help`: printed on stdout
  } catch (const std::exception& e) {
    std::cerr << "tokenmint: internal error: " << e.what() << '\n';
    return tokenmint::cli::data_error;
  }
}
