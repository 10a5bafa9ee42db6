// Test harness: a private nginx whose config, pid file, logs, temp paths and
// fastcgi_params all live in a TempDir, listening on 127.0.0.1:<free port>.
// Never reads /etc/nginx/nginx.conf (fastcgi_params is copied, not included).
#pragma once

#include <string>

#include "harness/web_server.h"

namespace harness {

struct NginxOptions {
  // Directives inside `server { listen 127.0.0.1:<port>; server_name localhost; ... }`,
  // e.g. "root /srv; location ~ \\.php$ { include fastcgi_params; fastcgi_pass 127.0.0.1:9000; }".
  // `include fastcgi_params;` finds the copy in the TempDir (the conf prefix).
  std::string server_body;
  // Directives at http{} level (upstream blocks, extra maps), written before server{}.
  std::string http_extra = {};
  int worker_processes = 1;
  int worker_connections = 256;  // per worker, client and upstream connections together
};

class Nginx : public WebServer {
 public:
  // Writes nginx.conf and fastcgi_params into a fresh TempDir and starts
  // nginx -p <dir> -c <dir>/nginx.conf -g 'daemon off; master_process on;'.
  // Throws std::runtime_error when nginx is missing or the config test
  // (`nginx -t`) fails; the message holds nginx's complaint.
  explicit Nginx(NginxOptions options);
};

// `location MATCH { include fastcgi_params; EXTRA fastcgi_pass ADDRESS; }`,
// MATCH e.g. "= /contact" or "/spamgate/", EXTRA whole directive lines.
std::string fastcgi_location(const std::string& match, const std::string& address, const std::string& extra = "");
// `location = /wp-comments-post.php` passed to spamgate at `address`, with
// SCRIPT_FILENAME set to tests/e2e/php/echo.php for the PHP-FPM behind it.
std::string echo_comment_location(const std::string& address);

// The fastcgi_params text: Debian's /etc/nginx/fastcgi_params when present,
// otherwise the same standard set built in.
std::string fastcgi_params_text();

}  // namespace harness
