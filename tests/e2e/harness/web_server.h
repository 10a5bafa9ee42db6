// Test harness: what the private web servers (Nginx, Apache) share: a
// TempDir for their config and logs, a free port on 127.0.0.1, the server
// process, and the URL and log accessors the tests use.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "harness/process.h"

namespace harness {

class WebServer {
 public:
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // True once the server accepts connections; false after `timeout`.
  bool wait_until_listening(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // SIGTERM (both servers shut down their workers on it), SIGKILL after 5 s.
  void stop() { process_.stop(); }
  bool running() { return process_.running(); }

  int port() const { return port_; }
  // "http://127.0.0.1:<port>" + path (path starts with '/').
  std::string url(const std::string& path = "/") const;
  const std::string& dir() const { return dir_->path(); }
  // error.log followed by whatever the process wrote to stdout and stderr.
  std::string error_log() const;
  std::string access_log() const;

 protected:
  // A fresh TempDir named after `temp_prefix` and a free port; the derived
  // class writes its config there, then assigns process_.
  explicit WebServer(const std::string& temp_prefix);
  ~WebServer() { stop(); }

  std::unique_ptr<TempDir> dir_;
  int port_ = 0;
  Process process_;
};

}  // namespace harness
