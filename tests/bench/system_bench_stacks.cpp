#include "system_bench_stacks.h"

#include <filesystem>
#include <stdexcept>

#include "harness/spamgate_server.h"

namespace bench {

harness::NginxOptions bench_nginx(const std::string& server_body, const std::string& http_extra) {
  harness::NginxOptions options;
  options.worker_processes = 2;
  options.worker_connections = 1024;
  options.http_extra = http_extra;
  options.server_body = "access_log off;\n" + server_body;
  return options;
}

namespace {

std::vector<std::string> launched(const Launch& launch, std::vector<std::string> argv) {
  argv.insert(argv.begin(), launch.wrapper.begin(), launch.wrapper.end());
  return argv;
}

}  // namespace

FcgiFloor::FcgiFloor(int threads, bool tuned, const Launch& launch) : port_(harness::free_port()) {
  std::vector<std::string> argv = {FCGI_FLOOR_BINARY, "127.0.0.1:" + std::to_string(port_), std::to_string(threads)};
  if (tuned) argv.push_back("tuned");
  process_ = harness::Process(launched(launch, argv), dir_ / "floor.log", launch.env);
}

bool FcgiFloor::wait_until_listening() { return harness::wait_for_port(port_); }

BenchSpamgate::BenchSpamgate(const SpamgateSetup& setup) : port_(harness::free_port()) {
  std::string files = "\"" SPAMGATE_SOURCE_DIR "/rules/default.rules\"";
  if (!setup.local_rules.empty()) {
    harness::write_file(rules_path(), setup.local_rules);
    files += ", \"" + rules_path() + "\"";
  }
  std::string document_root = setup.document_root;
  if (document_root.empty()) {
    document_root = dir_ / "wordpress";
    std::filesystem::create_directory(document_root);
    std::filesystem::create_symlink(SPAMGATE_SOURCE_DIR "/tests/bench/comment_ok.php", document_root + "/wp-comments-post.php");
  }
  const std::string config = "[server]\nlisten = \"" + address() + "\"\nthreads = " + std::to_string(setup.threads) +
                             "\n\n[rules]\nfiles = [" + files + "]\nreload_check_seconds = 0\n\n[upstream]\naddress = \"" +
                             setup.upstream + "\"\ndocument_root = \"" + document_root + "\"\n" + setup.upstream_extra + "\n[store]\npath = \"spamgate.db\"\n" + setup.store_extra + "\n" +
                             setup.extra_toml;
  harness::write_file(dir_ / "spamgate.toml", config);
  if (!setup.taught_corpora.empty()) {
    std::string learn = harness::shell_quote(harness::spamgate_binary()) + " learn --config " +
                        harness::shell_quote(dir_ / "spamgate.toml");
    for (const std::string& corpus : setup.taught_corpora) learn += " " + harness::shell_quote(corpus);
    std::string output;
    if (harness::run(learn, &output) != 0) throw std::runtime_error("spamgate learn failed: " + output);
  }
  process_ = harness::Process(
      launched(setup.launch, {harness::spamgate_binary(), "serve", "--config", dir_ / "spamgate.toml"}),
      dir_ / "spamgate.log", setup.launch.env);
}

bool BenchSpamgate::wait_until_listening() {
  return harness::eventually([&] { return process_.running() && harness::wait_for_port(port_, std::chrono::milliseconds(50)); },
                             std::chrono::seconds(30));
}

}  // namespace bench
