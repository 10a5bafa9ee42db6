// Test harness: a private Apache httpd (Debian's apache2) whose config, pid
// file, logs and runtime files live in a TempDir, listening on
// 127.0.0.1:<free port>, in the foreground. Never reads /etc/apache2 and
// never uses apache2ctl or Debian's envvars.
#pragma once

#include <string>
#include <vector>

#include "harness/web_server.h"

namespace harness {

struct ApacheOptions {
  std::string document_root;  // DocumentRoot (and a <Directory> granting access to it)
  // Modules to load besides the base set (mpm_event, authz_core, authz_host,
  // mime, dir, alias, setenvif), by short name: {"proxy", "proxy_fcgi"}.
  std::vector<std::string> modules;
  // Directives at server level after the base config (ProxyPass, <Location>, ...).
  std::string config_body;
};

class Apache : public WebServer {
 public:
  // Writes apache2.conf into a fresh TempDir, checks it with `apache2 -t`
  // and starts `apache2 -d <dir> -f <dir>/apache2.conf -DFOREGROUND`.
  // Throws std::runtime_error when apache2 is missing or the config test
  // fails; the message holds Apache's complaint and the config.
  explicit Apache(ApacheOptions options);
};

}  // namespace harness
