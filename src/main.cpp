// spamgate command line: registers every subcommand and runs the chosen one.
#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

#include "cli/commands.h"

namespace {

int run_command(int argc, char** argv) {
  CLI::App app{"spamgate: a FastCGI comment and contact-form spam gateway"};
  app.set_version_flag("--version", SPAMGATE_VERSION);
  app.require_subcommand(1);
  spamgate::cli::Handler run;
  spamgate::cli::add_serve_command(app, run);
  spamgate::cli::add_check_command(app, run);
  spamgate::cli::add_rules_command(app, run);
  spamgate::cli::add_eval_command(app, run);
  spamgate::cli::add_log_command(app, run);
  spamgate::cli::add_outbox_command(app, run);
  spamgate::cli::add_mail_command(app, run);
  spamgate::cli::add_learn_command(app, run);
  spamgate::cli::add_bounces_command(app, run);
  spamgate::cli::add_status_command(app, run);
  spamgate::cli::add_fuzzy_command(app, run);
  CLI11_PARSE(app, argc, argv);
  return run ? run() : 2;
}

}  // namespace

// Errors are returned, not thrown; this last handler keeps a surprise (out
// of memory, a library's exception) from ending in std::terminate's abort.
int main(int argc, char** argv) {
  try {
    return run_command(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "spamgate: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "spamgate: unexpected error\n";
  }
  return 2;
}
