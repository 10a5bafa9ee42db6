// scripts/bench: the servers each measurement runs against, all on
// 127.0.0.1 in TempDirs: nginx with one benchmark location, the FastCGI
// floor, spamgate with a production-like config (not the tests' one).
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/nginx.h"
#include "harness/process.h"

namespace bench {

// The nginx every stack uses: 2 workers (this machine's `auto`), no access
// log, room for 128 clients plus as many upstream connections.
harness::NginxOptions bench_nginx(const std::string& server_body, const std::string& http_extra = "");

// How a server process is started: under `wrapper` (e.g. valgrind and its
// options) and with `env` added to its environment (e.g. LD_PRELOAD).
struct Launch {
  std::vector<std::string> wrapper;
  std::map<std::string, std::string> env;
};

// tests/bench/fcgi_floor serving on a free port with `threads` threads
// ("tuned": with spamgate's socket handling).
class FcgiFloor {
 public:
  explicit FcgiFloor(int threads, bool tuned = false, const Launch& launch = {});
  bool wait_until_listening();
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  pid_t pid() const { return process_.pid(); }

 private:
  harness::TempDir dir_{"spamgate-bench-floor"};
  int port_;
  harness::Process process_;
};

struct SpamgateSetup {
  SpamgateSetup(std::string upstream_, int threads_, std::string local_rules_ = "", std::string store_extra_ = "",
                std::string extra_toml_ = "", std::string upstream_extra_ = "")
      : upstream(std::move(upstream_)), threads(threads_), local_rules(std::move(local_rules_)),
        store_extra(std::move(store_extra_)), extra_toml(std::move(extra_toml_)),
        upstream_extra(std::move(upstream_extra_)) {}
  std::string upstream;      // PHP-FPM address
  int threads = 16;          // [server] threads
  std::string local_rules;   // text of a local.rules after rules/default.rules ("" = none)
  std::string store_extra;   // lines added to [store]
  std::string extra_toml;    // whole extra tables
  std::string upstream_extra;  // lines added to [upstream]
  // [upstream] document_root; "" = a private folder whose
  // wp-comments-post.php is tests/bench/comment_ok.php.
  std::string document_root;
  Launch launch;
  // Labelled CSV corpora `spamgate learn` teaches the store before serve
  // starts (none = an untaught LEARNED, silent).
  std::vector<std::string> taught_corpora;
};

// `spamgate serve` with the sample config's defaults except what the setup
// names; rules reload on SIGHUP only. Throws std::runtime_error when
// `spamgate learn` fails on the setup's corpora.
class BenchSpamgate {
 public:
  explicit BenchSpamgate(const SpamgateSetup& setup);
  bool wait_until_listening();
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  pid_t pid() const { return process_.pid(); }
  void signal(int sig) { process_.signal(sig); }
  const std::string& log_path() const { return process_.log_path(); }
  std::string rules_path() const { return dir_ / "local.rules"; }
  std::string log() const { return process_.log(); }

 private:
  harness::TempDir dir_{"spamgate-bench-serve"};
  int port_;
  harness::Process process_;
};

}  // namespace bench
