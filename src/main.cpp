// spamgate command line: one table of subcommands, each a thin handler over
// the library. Exit codes: 0 success (pass), 1 hold, 2 reject or error.
#include <CLI/CLI.hpp>
#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"spamgate: a FastCGI comment and contact-form spam gateway"};
  app.set_version_flag("--version", SPAMGATE_VERSION);
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
