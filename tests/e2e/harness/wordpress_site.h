// Test harness: a whole WordPress site behind spamgate, the way
// deploy/nginx sets one up: an SMTP test server (STARTTLS + AUTH, test CA)
// for spamgate's mail, MariaDB, PHP-FPM, spamgate forwarding what passes to
// WordPress's own PHP, nginx with the shipped locations, and Debian's
// WordPress with the spamgate plugin. Started in that order; a part that
// does not come up fails the test with its log. Also the token the plugin
// renders into its forms.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/mariadb.h"
#include "harness/nginx.h"
#include "harness/php_fpm.h"
#include "harness/process.h"
#include "harness/smtp_server.h"
#include "harness/spamgate_server.h"
#include "harness/wordpress.h"

namespace harness {

struct WordPressSiteOptions {
  std::string name = "spamgate-wpsite";      // the TempDir's prefix
  std::string secret;                        // spamgate's shared secret and the plugin's SPAMGATE_SECRET
  std::string rules_text;                    // the site's local rules
  std::string owner = "owner@example.org";   // WordPress's admin e-mail and spamgate's mail.owners
  std::string account = "notify@blog.test";  // the SMTP account: spamgate's From
  int spamgate_threads = 16;
  std::string spamgate_toml;                 // appended after the [checks] and [mail] sections
  int fpm_children = 6;
  std::map<std::string, std::string> php_ini;  // for PHP-FPM and the PHP CLI
  std::map<std::string, std::string> fpm_env;
  std::string nginx_server_extra;            // server{} directives before the shipped locations
  bool moderation = true;                    // every passed comment waits for the owner
  std::map<std::string, std::string> wp_constants;  // besides SPAMGATE_URL and SPAMGATE_SECRET
  std::map<std::string, std::string> mu_plugins;    // besides test-no-flood.php
};

struct WordPressSite {
  explicit WordPressSite(WordPressSiteOptions site_options);

  WordPressSiteOptions options;
  TempDir work;
  std::string docroot;
  TestCa ca;
  std::unique_ptr<SmtpServer> smtp;
  MariaDb db;
  std::unique_ptr<PhpFpm> fpm;
  std::unique_ptr<SpamgateServer> spamgate;
  std::unique_ptr<Nginx> nginx;
  std::unique_ptr<WordPress> wp;
};

// nginx in front of a WordPress site as deploy/nginx/spamgate.conf sets it
// up: at http{} level the upstream `spamgate` (one `server` per address of
// `spamgate_addresses`, kept alive), `php` (PHP-FPM at `fpm_address`) and the
// API allowlist (127.0.0.1); in the server `root docroot`, `server_extra`,
// then the shipped locations.
NginxOptions wordpress_nginx_options(const std::string& docroot, const std::vector<std::string>& spamgate_addresses,
                                     const std::string& fpm_address, const std::string& server_extra = "");

// The token the plugin renders into a form shown `age_seconds` ago:
// "<unix time>.<hex HMAC-SHA256 of it under `secret`>".
std::string form_token(const std::string& secret, long age_seconds);

}  // namespace harness
