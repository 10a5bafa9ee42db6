// The --config option shared by the subcommands, and loading what it names.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "config/config.h"

namespace spamgate::cli {

// Adds "-c,--config FILE" storing into `path`.
void add_config_option(CLI::App& command, std::string& path);

// The config at `path`, or, when `path` is empty, the defaults resolved
// against the current directory. Prints the file:line error and returns
// nullopt when the file is bad.
std::optional<Config> load_config_or_report(const std::string& path);

}  // namespace spamgate::cli
