// Test harness: a private Apache httpd (Debian's apache2) whose config, pid
// file, logs and runtime files live in a TempDir, listening on
// 127.0.0.1:<free port>, in the foreground. Never reads /etc/apache2 and
// never uses apache2ctl or Debian's envvars.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "harness/process.h"

namespace harness {

struct ApacheOptions {
  std::string document_root;  // DocumentRoot (and a <Directory> granting access to it)
  // Modules to load besides the base set (mpm_event, authz_core, authz_host,
  // mime, dir, alias, setenvif), by short name: {"proxy", "proxy_fcgi"}.
  std::vector<std::string> modules;
  // Directives at server level after the base config (ProxyPass, <Location>, ...).
  std::string config_body;
};

class Apache {
 public:
  // Writes apache2.conf into a fresh TempDir, checks it with `apache2 -t`
  // and starts `apache2 -d <dir> -f <dir>/apache2.conf -DFOREGROUND`.
  // Throws std::runtime_error when apache2 is missing or the config test
  // fails; the message holds Apache's complaint and the config.
  explicit Apache(ApacheOptions options);
  ~Apache();
  Apache(const Apache&) = delete;
  Apache& operator=(const Apache&) = delete;

  // True once Apache accepts connections; false after `timeout`.
  bool wait_until_listening(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // SIGTERM (Apache stops its children and exits), SIGKILL after 5 s.
  void stop();

  int port() const { return port_; }
  // "http://127.0.0.1:<port>" + path (path starts with '/').
  std::string url(const std::string& path = "/") const;
  const std::string& dir() const { return dir_->path(); }
  std::string error_log() const;
  std::string access_log() const;

 private:
  ApacheOptions options_;
  std::unique_ptr<TempDir> dir_;
  int port_ = 0;
  Process process_;
};

}  // namespace harness
