// spamgate bounces [list] | poll | parse FILE...
#include <iostream>
#include <memory>

#include "bounce/bounce_command.h"
#include "cli/commands.h"
#include "cli/config_option.h"

namespace spamgate::cli {

void add_bounces_command(CLI::App& app, Handler& run) {
  struct Options {
    std::string config;
    int limit = 50;
    std::vector<std::string> files;
  };
  auto options = std::make_shared<Options>();
  CLI::App* bounces = app.add_subcommand("bounces", "Bounce watch: reports about mail sent as the site");
  add_config_option(*bounces, options->config);
  bounces->add_option("--limit", options->limit, "List at most this many reports")->capture_default_str();
  bounces->fallthrough();
  bounces->callback([&run, options, bounces] {
    if (!bounces->get_subcommands().empty()) return;
    run = [options] {
      auto config = load_config_or_report(options->config);
      return config ? bounces_list(*config, options->limit, std::cout, std::cerr) : 2;
    };
  });
  CLI::App* poll = bounces->add_subcommand("poll", "Read the bounce mailbox once now");
  poll->callback([&run, options] {
    run = [options] {
      auto config = load_config_or_report(options->config);
      return config ? bounces_poll(*config, std::cout, std::cerr) : 2;
    };
  });
  CLI::App* parse = bounces->add_subcommand("parse", "Parse saved messages; print one JSON object per file");
  parse->add_option("FILE", options->files, "RFC 5322 message files")->required()->check(CLI::ExistingFile);
  parse->callback([&run, options] { run = [options] { return bounces_parse(options->files, std::cout, std::cerr); }; });
}

}  // namespace spamgate::cli
