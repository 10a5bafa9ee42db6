// spamgate serve, and spamgate mail test.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/config_option.h"
#include "app/serve.h"
#include "mail/test_message_command.h"

namespace spamgate::cli {

void add_serve_command(CLI::App& app, Handler& run) {
  auto config_path = std::make_shared<std::string>();
  CLI::App* serve = app.add_subcommand("serve", "Run the FastCGI gateway until SIGTERM (SIGHUP reloads the rules)");
  add_config_option(*serve, *config_path);
  serve->get_option("--config")->required();
  serve->callback([&run, config_path] {
    run = [config_path] {
      auto config = load_config_or_report(*config_path);
      return config ? run_serve(*config) : 2;
    };
  });
}

void add_mail_command(CLI::App& app, Handler& run) {
  auto config_path = std::make_shared<std::string>();
  CLI::App* mail = app.add_subcommand("mail", "Mail set-up");
  mail->require_subcommand(1);
  CLI::App* test = mail->add_subcommand("test", "Send one test message to the owners and show the SMTP conversation");
  add_config_option(*test, *config_path);
  test->get_option("--config")->required();
  test->callback([&run, config_path] {
    run = [config_path] {
      auto config = load_config_or_report(*config_path);
      if (!config) return 2;
      SystemClock clock;
      Result<std::string> sent = run_mail_test(*config, clock, std::cout);
      if (!sent) {
        std::cerr << "mail test failed: " << sent.error() << "\n";
        return 2;
      }
      std::cout << *sent << "\n";
      return 0;
    };
  });
}

}  // namespace spamgate::cli
