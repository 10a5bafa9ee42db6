// spamgate outbox list|retry|purge|flush
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/config_option.h"
#include "mail/outbox_command.h"

namespace spamgate::cli {

void add_outbox_command(CLI::App& app, Handler& run) {
  struct Options {
    std::string config;
    std::string status;
    int limit = 100;
    int64_t id = 0;
    int days = 30;
    bool failed = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* outbox = app.add_subcommand("outbox", "Inspect and manage the mail outbox");
  add_config_option(*outbox, options->config);
  outbox->require_subcommand(1);
  outbox->fallthrough();  // -c after the action (outbox list -c FILE) reaches the outbox options

  CLI::App* list = outbox->add_subcommand("list", "List messages, newest first");
  list->add_option("--status", options->status, "queued, sending, sent, failed, held or folded");
  list->add_option("--limit", options->limit, "At most this many")->capture_default_str();
  list->callback([&run, options] {
    run = [options] {
      std::optional<OutboxStatus> status;
      if (!options->status.empty()) {
        status = parse_outbox_status(options->status);
        if (!status) return std::cerr << "unknown status: " << options->status << "\n", 2;
      }
      auto config = load_config_or_report(options->config);
      return config ? outbox_list(*config, status, options->limit, std::cout, std::cerr) : 2;
    };
  });
  CLI::App* retry = outbox->add_subcommand("retry", "Queue a failed or folded message again");
  retry->add_option("ID", options->id, "Message id (see list)")->required();
  retry->callback([&run, options] {
    run = [options] {
      auto config = load_config_or_report(options->config);
      return config ? outbox_retry(*config, options->id, std::cout, std::cerr) : 2;
    };
  });
  CLI::App* purge = outbox->add_subcommand("purge", "Delete old sent and folded messages");
  purge->add_option("--days", options->days, "Older than this many days")->capture_default_str();
  purge->add_flag("--failed", options->failed, "Delete old failed messages too");
  purge->callback([&run, options] {
    run = [options] {
      auto config = load_config_or_report(options->config);
      return config ? outbox_purge(*config, options->days, options->failed, std::cout, std::cerr) : 2;
    };
  });
  CLI::App* flush = outbox->add_subcommand("flush", "Send everything due now, once, and exit (for cron)");
  flush->callback([&run, options] {
    run = [options] {
      auto config = load_config_or_report(options->config);
      SystemClock clock;
      return config ? outbox_flush(*config, clock, std::cout, std::cerr) : 2;
    };
  });
}

}  // namespace spamgate::cli
