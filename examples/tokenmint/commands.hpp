// The subcommand groups of `tokenmint`.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace tokenmint::cli {

/// `tokenmint uid2 ...`; returns the exit code. argv excludes "uid2".
int run_uid2(const std::vector<std::string>& argv);

/// Usage text of `tokenmint uid2`.
const char* uid2_usage();

/// The online `tokenmint uid2` subcommands (generate, refresh, validate, map, keys), by name.
const std::map<std::string, std::function<int(const std::vector<std::string>&)>>& uid2_online_commands();

/// `tokenmint uid2 decrypt-token|encrypt-token` (offline), by name.
const std::map<std::string, std::function<int(const std::vector<std::string>&)>>& uid2_token_commands();

/// `tokenmint hubspot|benchling|alterian ...`; argv excludes the group name.
int run_hubspot(const std::vector<std::string>& argv);
int run_benchling(const std::vector<std::string>& argv);
int run_alterian(const std::vector<std::string>& argv);

/// `tokenmint sandbox ...`; argv excludes "sandbox".
int run_sandbox(const std::vector<std::string>& argv);

}  // namespace tokenmint::cli
