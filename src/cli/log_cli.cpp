// spamgate log: recent verdicts from the submission log, or one in full.
#include <iomanip>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/config_option.h"
#include "store/submission_log.h"
#include "util/json_text.h"
#include "util/logfmt.h"
#include "util/time_format.h"

namespace spamgate::cli {
namespace {

struct LogOptions {
  std::string config;
  int limit = 20;
  std::string id;
  bool json = false;
};

void print_row(const SubmissionRecord& row) {
  std::cout << rfc3339_utc(row.created_at) << "  " << std::left << std::setw(7) << row.action << " " << std::right
            << std::setw(5) << format_number(row.score) << "  " << std::left << std::setw(8) << row.kind << " "
            << std::setw(15) << row.ip << "  " << row.id << "  " << (row.rules.empty() ? "-" : row.rules) << "\n";
}

int run_log(const LogOptions& options) {
  auto config = load_config_or_report(options.config);
  if (!config) return 2;
  SystemClock clock;
  SubmissionLogOptions log_options;
  log_options.retention_days = config->store.retention_days;
  auto log = SubmissionLog::open(config->resolve(config->store.path), log_options, clock);
  if (!log) return std::cerr << log.error() << "\n", 2;
  if (!options.id.empty()) {
    auto row = (*log)->find(options.id);
    if (!row) return std::cerr << row.error() << "\n", 2;
    if (!*row) return std::cerr << "no submission with id " << options.id << "\n", 1;
    std::cout << json_text(**row) << "\n";
    return 0;
  }
  auto rows = (*log)->recent(options.limit);
  if (!rows) return std::cerr << rows.error() << "\n", 2;
  for (const SubmissionRecord& row : *rows) {
    if (options.json)
      std::cout << json_text(row) << "\n";
    else
      print_row(row);
  }
  return 0;
}

}  // namespace

void add_log_command(CLI::App& app, Handler& run) {
  auto options = std::make_shared<LogOptions>();
  CLI::App* log = app.add_subcommand("log", "Show recent verdicts, newest first (time, action, score, kind, ip, id, rules)");
  add_config_option(*log, options->config);
  log->add_option("-n,--limit", options->limit, "How many verdicts")->capture_default_str();
  log->add_option("--id", options->id, "Show one submission in full, with the content kept for review");
  log->add_flag("--json", options->json, "One JSON object per line");
  log->callback([&run, options] { run = [options] { return run_log(*options); }; });
}

}  // namespace spamgate::cli
