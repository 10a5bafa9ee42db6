// The spamgate subcommands. Each add_* function registers one command (or
// command group) on the CLI11 app; when the user picks it, its callback
// stores the handler in `run`, and main() calls it after parsing.
// Handlers return the exit code: 0 success, 1 "found something" (check:
// hold; lint: errors), 2 check: reject, or any error.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace spamgate::cli {

using Handler = std::function<int()>;

void add_serve_command(CLI::App& app, Handler& run);
void add_check_command(CLI::App& app, Handler& run);
void add_rules_command(CLI::App& app, Handler& run);
void add_eval_command(CLI::App& app, Handler& run);
void add_log_command(CLI::App& app, Handler& run);
void add_outbox_command(CLI::App& app, Handler& run);
void add_mail_command(CLI::App& app, Handler& run);
void add_learn_command(CLI::App& app, Handler& run);
void add_bounces_command(CLI::App& app, Handler& run);
void add_status_command(CLI::App& app, Handler& run);
void add_fuzzy_command(CLI::App& app, Handler& run);

}  // namespace spamgate::cli
