// The CLI's option parsing on CLI11 (Debian's libcli11-dev), and every command's help: what it
// does, its positional arguments, and one line per option. Only this file includes CLI11, so
// the parser's compile cost is paid once; the library itself never sees it.
#include "cli.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace tokenmint::cli {

namespace {

struct command_doc {
  const char* summary;
  const char* positional = nullptr;  // name shown in the usage line; nullptr: takes none
  const char* positional_help = "";
};

// What each command does, shown first by `tokenmint GROUP COMMAND --help`.
const std::map<std::string, command_doc>& command_docs() {
  static const std::map<std::string, command_doc> docs = {
      {"uid2 generate",
       {"Generates a UID2 (or, with --euid, EUID) identity for an email or phone: prints the identity JSON, or "
        "{\"status\":\"optout\"} / {\"status\":\"insufficient_user_consent\"}."}},
      {"uid2 client-generate",
       {"Generates an identity the way an app or web page does (client-side, no API key): the email or phone is "
        "hashed here and sealed to the operator's public key."}},
      {"uid2 refresh", {"Refreshes an identity: reads the identity JSON on stdin, prints the new identity or optout."}},
      {"uid2 validate",
       {"Checks that an advertising token belongs to an email or phone (test identities): prints true or false."}},
      {"uid2 map",
       {"Maps emails or phones to raw UID2s. Either a few values on the command line (--email V [more values]: a JSON "
        "array aligned with them, each element with its index and identifier; a bad value is its row's outcome), or a whole list "
        "with --input FILE|-, "
        "streamed to --output as JSON lines or CSV, one line per input row, in order (fields input, type, outcome "
        "mapped|optout|invalid|failed, uid, previous_uid, refresh_from, error); resumable with --resume; progress and "
        "a summary on stderr; exit 1 if a row failed.",
        "values", "more values of the kind given (--email a@x.com b@y.com ...)"}},
      {"uid2 keys",
       {"Fetches the key answer for decrypting (--bidstream) or sharing (--sharing) tokens and prints it unchanged "
        "(it holds key secrets: keep it safe)."}},
      {"uid2 encrypt-request", {"Seals the request JSON on stdin in a UID2 request envelope: prints it as base64."}},
      {"uid2 decrypt-response", {"Opens the base64 response envelope on stdin: prints the response JSON."}},
      {"uid2 decrypt-request",
       {"Opens a base64 request envelope on stdin as the operator would: prints the request JSON, or the operator's "
        "error on stderr."}},
      {"uid2 encrypt-response", {"Seals the response JSON on stdin as the operator would: prints base64."}},
      {"uid2 normalize-email", {"Prints the normalized form of an email address.", "address", "the email address"}},
      {"uid2 hash-email", {"Prints the base64 SHA-256 of a normalized email address.", "address", "the email address"}},
      {"uid2 hash-phone", {"Prints the base64 SHA-256 of an E.164 phone number.", "phone", "the phone number, +digits"}},
      {"uid2 decrypt-token",
       {"Decrypts the advertising or sharing token on stdin with a key answer: prints {\"status\":\"success\",\"uid\":...}; "
        "another status goes to stdout as {\"status\":\"<name>\"}, the reason to stderr, exit 1."}},
      {"uid2 encrypt-token", {"Encrypts a raw UID2 into a v4 sharing token with a sharing key answer."}},
      {"hubspot visitor-token",
       {"Creates a HubSpot visitor identification token: prints {\"token\":...} (and \"refresh_token\" when HubSpot "
        "rotated it: persist it)."}},
      {"hubspot oauth-token",
       {"Exchanges an authorization code, a refresh token or client credentials for HubSpot tokens: prints HubSpot's "
        "answer."}},
      {"hubspot oauth-introspect", {"Prints what HubSpot knows of an access or refresh token."}},
      {"hubspot oauth-revoke", {"Revokes a HubSpot refresh token: prints {\"revoked\":true}."}},
      {"hubspot authorize-url",
       {"Builds the HubSpot install (authorize) URL: prints {\"url\",\"state\"[,\"code_verifier\"]} (keep state and "
        "verifier for the code exchange)."}},
      {"benchling token", {"Gets a Benchling OAuth2 client-credentials access token."}},
      {"alterian create-static-token", {"Creates an Alterian static token: prints the service's OperationResult."}},
      {"alterian create-impersonation-token", {"Creates an Alterian impersonation token: prints the OperationResult."}},
      {"alterian delete-static-token",
       {"Deletes an Alterian static token: prints the OperationResult; a StatusCode other than Success exits 1."}},
      {"alterian update-static-token", {"Moves an Alterian static token to another user: prints the OperationResult."}},
      {"alterian list-tokens", {"Lists Alterian tokens: prints the OperationResult."}},
      {"sandbox",
       {"Serves a local UID2 operator (EUID under /euid) with HubSpot, Benchling and Alterian token endpoints on "
        "127.0.0.1 until interrupted; prints the base URLs and the credentials it accepts."}},
  };
  return docs;
}

struct option_doc {
  const char* value;  // placeholder; nullptr for a flag
  const char* help;
};

// One line per option; "COMMAND --name" entries override the plain "--name" ones.
const std::map<std::string, option_doc>& option_docs() {
  static const std::map<std::string, option_doc> docs = {
      {"--base-url", {"URL", "the service's base URL"}},
      {"--ca-file", {"PATH", "trust these CA certificates (PEM) instead of the system's"}},
      {"--timeout", {"MS", "deadline of the whole call, milliseconds"}},
      {"--proxy", {"URL", "HTTP CONNECT proxy, http://[user:pass@]host:port"}},
      {"--resolve", {"HOST:PORT:ADDR", "connect to ADDR for HOST:PORT (like curl --resolve)"}},
      {"--api-key", {"KEY", "the API key (or set UID2_API_KEY)"}},
      {"--secret", {"B64", "the client secret, base64 (or set UID2_CLIENT_SECRET: keeps it out of ps)"}},
      {"--euid", {nullptr, "talk to an EUID operator (EUID keys and scope) instead of UID2"}},
      {"--email", {"ADDR", "the user's email address"}},
      {"--phone", {"PHONE", "the user's phone number, E.164 (+digits)"}},
      {"--email-hash", {"B64", "base64 SHA-256 of a normalized email"}},
      {"--phone-hash", {"B64", "base64 SHA-256 of an E.164 phone"}},
      {"--tcf", {"TC", "TCF consent string (EUID)"}},
      {"--token", {"TOKEN", "the token"}},
      {"uid2 validate --token", {"TOKEN", "the advertising token to check"}},
      {"--subscription-id", {"ID", "the client-side subscription id"}},
      {"--public-key", {"KEY", "the operator's public key, UID2-X-... or EUID-X-..."}},
      {"--origin", {"URL", "the web page's origin (https://example.com)"}},
      {"--app-name", {"NAME", "the mobile app's name (com.example.app)"}},
      {"--input", {"FILE", "map a whole list: one identifier per line (or CSV with --column); - for stdin"}},
      {"--output", {"FILE", "where the rows go (default -: stdout)"}},
      {"--format", {"FORMAT", "jsonl (default) or csv"}},
      {"--column", {"NAME", "the input is CSV with a header line; map this column"}},
      {"--type", {"TYPE", "email, phone, email-hash or phone-hash; default: per row, '@' email, '+' phone"}},
      {"--concurrency", {"N", "batches of 5,000 in flight, 1 to 64 (default 4)"}},
      {"--resume", {nullptr, "continue an interrupted --output FILE: rows already there are skipped"}},
      {"--quiet", {nullptr, "no progress and no summary on stderr"}},
      {"--bidstream", {nullptr, "keys for decrypting bidstream tokens (/v2/key/bidstream)"}},
      {"--sharing", {nullptr, "keys for sharing tokens (/v2/key/sharing)"}},
      {"--iv", {"HEX", "12-byte IV (reproducing test vectors; default random)"}},
      {"--nonce", {"HEX", "the request's 8-byte nonce"}},
      {"--timestamp", {"MS", "envelope time, ms since the Unix epoch (default now)"}},
      {"--now", {"MS", "the time to check against, ms since the Unix epoch (default now)"}},
      {"--key", {"B64", "refresh_response_key of the identity (with --refresh)"}},
      {"--refresh", {nullptr, "a refresh response, sealed with the identity's refresh_response_key"}},
      {"--keys", {"FILE", "a key answer as `tokenmint uid2 keys` prints it"}},
      {"--domain", {"NAME", "the site's domain or app name (client-side-generated tokens)"}},
      {"--check-optout", {nullptr, "report a token whose user opted out as user_opted_out"}},
      {"--raw-uid", {"B64", "the raw UID2 to encrypt, base64"}},
      {"--master-iv", {"HEX", "master layer IV (reproducing test vectors)"}},
      {"--site-iv", {"HEX", "site layer IV (reproducing test vectors)"}},
      {"--access-token", {"TOKEN", "a private app's access token (or set HUBSPOT_ACCESS_TOKEN)"}},
      {"--refresh-token", {"TOKEN", "an OAuth refresh token (or set HUBSPOT_REFRESH_TOKEN)"}},
      {"--client-id", {"ID", "the OAuth client id"}},
      {"--client-secret", {"SECRET", "the OAuth client secret (or set HUBSPOT_CLIENT_SECRET)"}},
      {"benchling token --client-secret", {"SECRET", "the client secret (or set BENCHLING_CLIENT_SECRET)"}},
      {"--first-name", {"NAME", "the visitor's first name"}},
      {"--last-name", {"NAME", "the visitor's last name"}},
      {"--path", {"PATH", "endpoint path (default /conversations/v3/visitor-identification/tokens/create)"}},
      {"--v3", {nullptr, "HubSpot's OAuth v3 endpoints"}},
      {"--code", {"CODE", "the authorization code to exchange"}},
      {"--redirect-uri", {"URI", "the app's redirect URI"}},
      {"--code-verifier", {"V", "the PKCE code verifier of the authorization"}},
      {"--client-credentials", {nullptr, "the client-credentials grant"}},
      {"--scope", {"SCOPES", "scopes, space- or comma-separated"}},
      {"--optional-scope", {"SCOPES", "optional scopes, space- or comma-separated"}},
      {"--token-type-hint", {"HINT", "access_token or refresh_token"}},
      {"--state", {"STATE", "the state to send (default random)"}},
      {"--pkce", {nullptr, "add a PKCE challenge (prints the code_verifier)"}},
      {"--account-id", {"N", "preselect this HubSpot account"}},
      {"--authorize-base-url", {"URL", "default https://app.hubspot.com"}},
      {"--credentials-in-body", {nullptr, "send client id and secret in the form body instead of Basic auth"}},
      {"alterian --api-key", {"KEY", "the API key (or set ALTERIAN_API_KEY)"}},
      {"alterian --token", {"UUID", "the static token"}},
      {"alterian --client-id", {"N", "the client (integer)"}},
      {"--user-id", {"N", "the user (integer)"}},
      {"--include-static", {nullptr, "include static tokens"}},
      {"--include-sa", {nullptr, "include service-account tokens"}},
      {"--include-standard", {nullptr, "include standard tokens"}},
      {"--include-non-user", {nullptr, "include non-user tokens"}},
      {"--from", {"N", "first row of the page (with --to)"}},
      {"--to", {"N", "last row of the page (with --from)"}},
      {"--port", {"N", "port to listen on, 0 (default): a free one"}},
      {"sandbox --api-key", {"KEY", "the UID2 API key to accept (default random)"}},
      {"sandbox --client-secret", {"B64", "the UID2 client secret to accept (default random)"}},
      {"--cstg-private-key", {"KEY", "client-side key pair, PKCS#8 base64 (default: the operator's published test pair)"}},
      {"--cstg-subscription-id", {"ID", "client-side subscription id (default 4WvryDGbR5)"}},
      {"--cstg-origin", {"URL", "the allowed web origin (default https://example.com)"}},
      {"--cstg-app-name", {"NAME", "the allowed app name (default com.example.app)"}},
      {"--latency-ms", {"N", "fault: every UID2/EUID request waits N ms"}},
      {"--fail-rate", {"F", "fault: a share F (0 to 1) answered 429 (with and without Retry-After), 503 or dropped"}},
      {"--seed", {"S", "fault draws from this seed"}},
      {"--map-salt", {"TEXT", "fixes the raw UID2s identity map gives (default random per sandbox)"}},
  };
  return docs;
}

option_doc doc_of(const std::string& command, const std::string& option) {
  const auto& docs = option_docs();
  const std::string group = command.substr(0, command.find(' '));
  for (const std::string& key : {command + " " + option, group + " " + option, option})
    if (auto it = docs.find(key); it != docs.end()) return it->second;
  return {"VALUE", ""};
}

}  // namespace

args::args(const std::vector<std::string>& argv, const std::set<std::string>& valued, const std::set<std::string>& flags) {
  const std::string& command = current_command();
  const auto doc = command_docs().find(command);
  CLI::App app(doc == command_docs().end() ? "" : doc->second.summary, "tokenmint " + command);
  app.set_help_flag("-h,--help", "print this help and exit");
  app.get_formatter()->column_width(34);
  std::map<std::string, CLI::Option*> options;
  std::vector<std::string> names;
  std::map<std::string, std::string> storage;
  for (const auto& name : valued) {
    const auto d = doc_of(command, "--" + name);
    options[name] = app.add_option("--" + name, storage[name], d.help)
                        ->type_name(d.value ? d.value : "VALUE")
                        ->multi_option_policy(CLI::MultiOptionPolicy::Throw);
    names.push_back("--" + name);
  }
  std::map<std::string, CLI::Option*> flag_options;
  for (const auto& name : flags) {
    flag_options[name] = app.add_flag("--" + name)
                             ->description(doc_of(command, "--" + name).help)
                             ->multi_option_policy(CLI::MultiOptionPolicy::Throw);
    names.push_back("--" + name);
  }
  if (doc != command_docs().end() && doc->second.positional != nullptr)
    app.add_option(doc->second.positional, positional_, doc->second.positional_help);

  std::vector<std::string> reversed(argv.rbegin(), argv.rend());  // CLI11 takes them last first
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    throw help_shown{};
  } catch (const CLI::ExtrasError&) {
    const auto rest = app.remaining();
    const std::string first = rest.empty() ? std::string() : rest.front();
    if (!first.starts_with("-")) throw usage_failure("unexpected argument '" + first + "'");
    const std::string given = first.substr(0, first.find('='));
    const std::string hint = closest(given, names);
    throw usage_failure("unknown option " + given + (hint.empty() ? "" : " (did you mean " + hint + "?)"));
  } catch (const CLI::ArgumentMismatch& e) {
    const std::string what = e.what();
    const std::string name = what.substr(0, what.find(':'));
    throw usage_failure(name + (what.find("At Most") != std::string::npos ? " given twice" : " needs a value"));
  } catch (const CLI::ParseError& e) {
    throw usage_failure(e.what());
  }
  for (const auto& [name, option] : options)
    if (option->count() > 0) values_[name] = storage[name];
  for (const auto& [name, option] : flag_options)
    if (option->count() > 0) flags_.insert(name);
}

}  // namespace tokenmint::cli
