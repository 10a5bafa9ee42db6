// Test harness: runs the real `spamgate serve` binary with a config the
// test writes, on a free loopback port, with its database and logs in a
// private directory. Stopped with SIGTERM at the end of the test.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "harness/process.h"

namespace harness {

struct SpamgateOptions {
  std::string upstream;        // PHP-FPM address ("host:port" or "unix:/path")
  std::string rules_text;      // a local rule file; "" = only rules/default.rules
  bool default_rules = true;   // include the shipped rules/default.rules
  std::string extra_toml;      // appended to the generated config (whole sections)
  std::string shared_secret;   // written to a 0600 file and named in the config
  int threads = 4;
  // Started as a web server spawns it (spawn-fcgi, as mod_fcgid does): the
  // listening socket is its fd 0 and the config says listen = "".
  bool spawned = false;
  std::string store_path = "spamgate.db";  // [store] path, relative to the config's directory
  int port = 0;  // the port to listen on (e.g. one a web server's config already names); 0 = a free one
  // [upstream] document_root: the folder PHP-FPM runs the comment script
  // from. "" = a private folder whose wp-comments-post.php is
  // tests/e2e/php/echo.php, so tests see what PHP received.
  std::string document_root{};
};

class SpamgateServer {
 public:
  explicit SpamgateServer(SpamgateOptions options);
  ~SpamgateServer();
  SpamgateServer(const SpamgateServer&) = delete;
  SpamgateServer& operator=(const SpamgateServer&) = delete;

  bool wait_until_listening(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Starts the same config again (after stop or kill9).
  bool restart();
  void stop();
  void kill9();
  void signal(int sig) { process_.signal(sig); }
  bool running() { return process_.running(); }
  pid_t pid() const { return process_.pid(); }

  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& dir() const { return dir_->path(); }
  std::string config_path() const { return dir_->path() + "/spamgate.toml"; }
  std::string rules_path() const { return dir_->path() + "/local.rules"; }
  std::string document_root() const {
    return options_.document_root.empty() ? dir_->path() + "/wordpress" : options_.document_root;
  }
  std::string database_path() const {
    return options_.store_path.front() == '/' ? options_.store_path : dir_->path() + "/" + options_.store_path;
  }
  // Everything spamgate wrote to stdout and stderr.
  std::string log() const { return process_.log(); }
  // Runs `spamgate ARGS` with this config (--config appended); returns exit status.
  int cli(const std::string& args, std::string* output = nullptr) const;

 private:
  void start();

  SpamgateOptions options_;
  std::unique_ptr<TempDir> dir_;
  int port_ = 0;
  Process process_;
};

// The path of the spamgate binary under test.
std::string spamgate_binary();

}  // namespace harness
