// spamgate command line: one table of subcommands, each a thin handler over
// the library. Exit codes: 0 success (pass), 1 hold, 2 reject or error.
#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>

#include "config/config.h"
#include "mail/outbox_command.h"

namespace {

// `spamgate outbox list|retry|purge|flush`; sets `run` to the chosen handler.
void add_outbox_command(CLI::App& app, std::function<int()>& run) {
  struct Options {
    std::string config = "spamgate.toml";
    std::string status;
    int limit = 100;
    int64_t id = 0;
    int days = 30;
    bool failed = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* outbox = app.add_subcommand("outbox", "Inspect and manage the mail outbox");
  outbox->add_option("-c,--config", options->config, "Config file")->capture_default_str();
  outbox->require_subcommand(1);
  outbox->fallthrough();  // -c after the action (outbox list -c FILE) reaches the outbox options
  // Loads the config, or prints its error and returns nullopt.
  auto load = [options]() -> std::optional<spamgate::Config> {
    spamgate::Result<spamgate::Config> config = spamgate::load_config(options->config);
    if (!config) {
      std::cerr << config.error() << "\n";
      return std::nullopt;
    }
    return *config;
  };

  CLI::App* list = outbox->add_subcommand("list", "List messages, newest first");
  list->add_option("--status", options->status, "queued, sending, sent, failed, held or folded");
  list->add_option("--limit", options->limit, "At most this many")->capture_default_str();
  list->callback([&run, options, load] {
    run = [options, load] {
      std::optional<spamgate::OutboxStatus> status;
      if (!options->status.empty()) {
        status = spamgate::parse_outbox_status(options->status);
        if (!status) return std::cerr << "unknown status: " << options->status << "\n", 2;
      }
      auto config = load();
      return config ? spamgate::outbox_list(*config, status, options->limit, std::cout, std::cerr) : 2;
    };
  });
  CLI::App* retry = outbox->add_subcommand("retry", "Queue a failed or folded message again");
  retry->add_option("ID", options->id, "Message id (see list)")->required();
  retry->callback([&run, options, load] {
    run = [options, load] {
      auto config = load();
      return config ? spamgate::outbox_retry(*config, options->id, std::cout, std::cerr) : 2;
    };
  });
  CLI::App* purge = outbox->add_subcommand("purge", "Delete old sent and folded messages");
  purge->add_option("--days", options->days, "Older than this many days")->capture_default_str();
  purge->add_flag("--failed", options->failed, "Delete old failed messages too");
  purge->callback([&run, options, load] {
    run = [options, load] {
      auto config = load();
      return config ? spamgate::outbox_purge(*config, options->days, options->failed, std::cout, std::cerr) : 2;
    };
  });
  CLI::App* flush = outbox->add_subcommand("flush", "Send everything due now, once, and exit (for cron)");
  flush->callback([&run, load] {
    run = [load] {
      auto config = load();
      spamgate::SystemClock clock;
      return config ? spamgate::outbox_flush(*config, clock, std::cout, std::cerr) : 2;
    };
  });
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"spamgate: a FastCGI comment and contact-form spam gateway"};
  app.set_version_flag("--version", SPAMGATE_VERSION);
  app.require_subcommand(1);
  std::function<int()> run;
  add_outbox_command(app, run);
  CLI11_PARSE(app, argc, argv);
  return run ? run() : 0;
}
