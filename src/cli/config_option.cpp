#include "cli/config_option.h"

#include <filesystem>
#include <iostream>

namespace spamgate::cli {

void add_config_option(CLI::App& command, std::string& path) {
  command.add_option("-c,--config", path, "spamgate.toml to use")->check(CLI::ExistingFile);
}

std::optional<Config> load_config_or_report(const std::string& path) {
  if (path.empty()) {
    Config defaults;
    std::error_code error;
    defaults.base_dir = std::filesystem::current_path(error).string();
    if (error) {
      std::cerr << "spamgate: cannot tell the current directory: " << error.message() << "\n";
      return std::nullopt;
    }
    return defaults;
  }
  Result<Config> config = load_config(path);
  if (!config) {
    std::cerr << config.error() << "\n";
    return std::nullopt;
  }
  return *config;
}

}  // namespace spamgate::cli
