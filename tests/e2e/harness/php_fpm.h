// Test harness: a private PHP-FPM (Debian's php-fpm8.2) with its own global
// and pool config, pid file and logs in a TempDir, listening on 127.0.0.1 or
// a unix socket. Never touches the system's PHP-FPM or its config.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "harness/process.h"

namespace harness {

struct PhpFpmOptions {
  bool unix_socket = false;    // listen on <dir>/php-fpm.sock instead of 127.0.0.1:<free port>
  std::string pm = "static";   // "static" or "ondemand" (or "dynamic")
  int children = 3;            // pm.max_children (static: all started at once)
  int max_requests = 0;        // pm.max_requests: a child exits after this many requests; 0 = never
  int request_terminate_timeout_seconds = 0;  // 0 = no limit
  // PHP ini settings for the pool, written as `php_admin_value[name] = value`
  // (e.g. {"memory_limit", "64M"}, {"post_max_size", "8M"}). Booleans work too
  // ("On"/"Off"). Use this, not -d flags: the pool config is what PHP-FPM reads.
  std::map<std::string, std::string> ini;
  // Environment of the workers, written as `env[NAME] = value` (the pool
  // clears the inherited environment), e.g. {"PATH", "/x/bin:/usr/bin:/bin"}.
  std::map<std::string, std::string> env;
};

// tests/e2e/php/echo.php: answers with the request it was given, as JSON.
std::string echo_script();

class PhpFpm {
 public:
  // Writes the config into a fresh TempDir and starts php-fpm8.2 in the
  // foreground (-F -R -y <conf> -p <dir>). Throws std::runtime_error when the
  // program is missing. Call wait_until_listening() before sending requests.
  explicit PhpFpm(PhpFpmOptions options = {});
  ~PhpFpm();
  PhpFpm(const PhpFpm&) = delete;
  PhpFpm& operator=(const PhpFpm&) = delete;

  // True once the pool accepts connections; false after `timeout`.
  bool wait_until_listening(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Stops the master with SIGTERM (PHP-FPM's fast shutdown: workers end,
  // open connections are closed), SIGKILL after 5 s. No-op when stopped.
  void stop();
  // SIGKILL to the master and every worker, without any cleanup.
  void kill9();
  // stop(), then start again on the same address with the same config;
  // waits until listening.
  // Returns false when it does not come back.
  bool restart();
  bool running();

  // What a FastCGI client connects to: "127.0.0.1:<port>" or "unix:<path>".
  std::string address() const;
  int port() const { return port_; }                    // 0 with a unix socket
  const std::string& socket_path() const { return socket_path_; }  // "" with TCP
  const std::string& dir() const { return dir_->path(); }
  // The master's error_log (startup errors, worker exits, slow scripts).
  std::string error_log() const;
  // The process's own stdout/stderr (startup failures before the log opens).
  std::string output() const;

 private:
  void start();

  PhpFpmOptions options_;
  std::unique_ptr<TempDir> dir_;
  int port_ = 0;
  std::string socket_path_;
  std::string program_;
  Process process_;
};

}  // namespace harness
