// Test harness: nginx → spamgate → PHP-FPM running tests/e2e/php/echo.php,
// the stack the fault tests drive. nginx sends the comment path and
// /spamgate/ to spamgate, which forwards what passes to PHP-FPM.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "harness/nginx.h"
#include "harness/php_fpm.h"
#include "harness/spamgate_server.h"

namespace harness {

struct EchoStack {
  // spamgate.upstream is set to the PHP-FPM's address; nginx_directives go
  // into server{} before the locations (e.g. "client_max_body_size 200m;").
  explicit EchoStack(SpamgateOptions spamgate_options, PhpFpmOptions fpm_options = {},
                     const std::string& nginx_directives = "");

  std::string url(const std::string& path) const { return nginx.url(path); }

  PhpFpm fpm;
  SpamgateServer spamgate;
  Nginx nginx;
};

// A WordPress comment form's fields with `text` as the comment.
std::vector<std::pair<std::string, std::string>> comment_fields(const std::string& text);

}  // namespace harness
