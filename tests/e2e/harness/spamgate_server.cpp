#include "harness/spamgate_server.h"

#include <signal.h>
#include <sys/stat.h>

#include <doctest/doctest.h>

#include <filesystem>

#include "harness/php_fpm.h"

namespace harness {

std::string spamgate_binary() { return SPAMGATE_BINARY; }

SpamgateServer::SpamgateServer(SpamgateOptions options)
    : options_(std::move(options)), dir_(std::make_unique<TempDir>("spamgate-serve")),
      port_(options_.port > 0 ? options_.port : free_port()) {
  std::string rule_files;
  if (options_.default_rules) rule_files += std::string("\"") + SPAMGATE_SOURCE_DIR + "/rules/default.rules\"";
  if (!options_.rules_text.empty()) {
    write_file(rules_path(), options_.rules_text);
    rule_files += std::string(rule_files.empty() ? "" : ", ") + "\"" + rules_path() + "\"";
  }
  if (options_.document_root.empty()) {
    std::filesystem::create_directory(document_root());
    std::filesystem::create_symlink(echo_script(), document_root() + "/wp-comments-post.php");
  }
  const std::string listen = options_.spawned ? "" : "127.0.0.1:" + std::to_string(port_);
  std::string config = "[server]\nlisten = \"" + listen + "\"\nthreads = " +
                       std::to_string(options_.threads) + "\n\n[rules]\nfiles = [" + rule_files +
                       "]\nreload_check_seconds = 1\n\n[upstream]\naddress = \"" + options_.upstream +
                       "\"\ndocument_root = \"" + document_root() + "\"\nconnect_timeout_ms = 500\nresponse_timeout_ms = 3000\n\n[store]\npath = \"" + options_.store_path + "\"\n"
                       "flush_interval_ms = 20\n\n";
  if (!options_.shared_secret.empty()) {
    const std::string secret_path = dir_->path() + "/shared-secret";
    write_file(secret_path, options_.shared_secret + "\n");
    chmod(secret_path.c_str(), 0600);
    config = "shared_secret = { file = \"shared-secret\" }\n\n" + config;
  }
  config += options_.extra_toml;
  write_file(config_path(), config);
  chmod(config_path().c_str(), 0600);
  start();
}

SpamgateServer::~SpamgateServer() { stop(); }

void SpamgateServer::start() {
  std::vector<std::string> argv = {spamgate_binary(), "serve", "--config", config_path()};
  if (options_.spawned)
    argv.insert(argv.begin(), {find_program("spawn-fcgi"), "-n", "-a", "127.0.0.1", "-p", std::to_string(port_), "--"});
  process_ = Process(argv, dir_->path() + "/spamgate.log");
}

bool SpamgateServer::wait_until_listening(std::chrono::milliseconds timeout) {
  return eventually([&] { return !process_.running() ? false : wait_for_port(port_, std::chrono::milliseconds(50)); },
                    timeout);
}

bool SpamgateServer::restart() {
  stop();
  start();
  return wait_until_listening();
}

// Under ASan/UBSan (scripts/test's second run) a report from the server
// process lands in its log, not in the test's output: fail the test on it.
void SpamgateServer::stop() {
  process_.stop();
  const std::string output = log();
  for (const char* marker : {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"})
    if (output.find(marker) != std::string::npos) FAIL_CHECK("sanitizer report in spamgate's output:\n" << output);
}

void SpamgateServer::kill9() {
  process_.signal(SIGKILL);
  process_.wait(std::chrono::seconds(5));
}

int SpamgateServer::cli(const std::string& args, std::string* output) const {
  return run(spamgate_binary() + " " + args + " --config " + config_path(), output);
}

}  // namespace harness
