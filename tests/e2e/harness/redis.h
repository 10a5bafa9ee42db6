// Test harness: a private redis-server (Debian's package redis-server) on
// 127.0.0.1:<free port> and a unix socket in its TempDir, with its config, pid file and working directory in
// a TempDir, no persistence (`save ""`, `appendonly no`), in the foreground.
// The tests kill it (SIGKILL) and start it again on the same port to prove
// that spamgate survives an outage. Stopped at the end of the test, even
// when it fails. Never touches the system's Redis or its config.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "harness/process.h"

namespace harness {

class Redis {
 public:
  // Writes redis.conf into a fresh TempDir and starts redis-server on a free
  // port; returns once it answers PING. Throws std::runtime_error when the
  // program is missing or the server does not come up (with its log).
  Redis();
  ~Redis();
  Redis(const Redis&) = delete;
  Redis& operator=(const Redis&) = delete;

  int port() const { return port_; }
  // "127.0.0.1:<port>"
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // "redis://127.0.0.1:<port>/0": what spamgate's [shared] redis takes.
  std::string url() const { return "redis://" + address() + "/0"; }
  // "unix:<dir>/redis.sock?db=0": the same server over its unix socket.
  std::string unix_url() const { return "unix:" + dir_->path() + "/redis.sock?db=0"; }
  const std::string& dir() const { return dir_->path(); }

  // SIGKILL, then waits until the process is gone (no shutdown, no save).
  void kill9();
  // SIGTERM (a clean shutdown), SIGKILL after 5 s. No-op when stopped.
  void stop();
  // Starts again on the same port with the same config (after kill9 or
  // stop); its data is gone (nothing is persisted). True once it answers PING.
  bool restart();
  bool running();
  // True when it answers PING now.
  bool ping() const;

  // Runs /usr/bin/redis-cli -p <port> ARGS (each argument quoted for the
  // shell) and returns what it printed (stdout and stderr), e.g.
  // cli({"XLEN", "spamgate:stream"}) == "12\n". Not a tty: plain replies.
  std::string cli(const std::vector<std::string>& args) const;
  // The keys matching `pattern` (SCAN, so it never blocks the server), sorted.
  std::vector<std::string> keys(const std::string& pattern = "*") const;

  // Everything redis-server wrote (its log goes to stdout).
  std::string log() const { return process_.log(); }

 private:
  void start();
  bool wait_until_ready(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  std::unique_ptr<TempDir> dir_;
  std::string program_;
  int port_ = 0;
  Process process_;
};

}  // namespace harness
