// The subcommand groups of `tokenmint`.
#pragma once

#include <string>
#include <vector>

namespace tokenmint::cli {

/// `tokenmint uid2 ...`; returns the exit code. argv excludes "uid2".
int run_uid2(const std::vector<std::string>& argv);

/// Usage text of `tokenmint uid2`.
const char* uid2_usage();

}  // namespace tokenmint::cli
