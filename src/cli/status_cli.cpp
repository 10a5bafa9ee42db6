// spamgate status: this node's shared state (Redis, learning stream, leader).
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/config_option.h"
#include "shared/shared_status.h"

namespace spamgate::cli {

void add_status_command(CLI::App& app, Handler& run) {
  auto config_path = std::make_shared<std::string>();
  CLI::App* status = app.add_subcommand(
      "status", "Shared state: whether this node is on Redis, its round trip, the learning stream, the leader");
  add_config_option(*status, *config_path);
  status->callback([&run, config_path] {
    run = [config_path] {
      auto config = load_config_or_report(*config_path);
      return config ? print_shared_status(*config, std::cout, std::cerr) : 2;
    };
  });
}

}  // namespace spamgate::cli
