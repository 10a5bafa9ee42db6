// Test harness: a WordPress site built from Debian's /usr/share/wordpress
// in a TempDir with its own wp-config.php (never /etc/wordpress), the
// spamgate plugin as a must-use plugin, installed non-interactively into a
// harness::MariaDb database. Serving it is up to the test's PHP-FPM and nginx.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "harness/process.h"

namespace harness {

struct WordPressOptions {
  std::string docroot;          // where to build the site (must not exist yet); "" = <own TempDir>/docroot
  std::string site_url;         // "http://127.0.0.1:<nginx port>": WP_HOME and WP_SITEURL
  std::string db_socket;        // MariaDb::socket_path()
  std::string db_name = "wordpress";
  std::string db_user = "wordpress";
  std::string db_password = "wordpress-test-password";
  std::string title = "spamgate test blog";
  std::string admin_user = "admin";
  std::string admin_password = "admin-test-password";
  std::string admin_email = "owner@example.org";
  bool moderation = false;      // comment_moderation: every comment waits for approval
  // The plugin folder, linked as wp-content/mu-plugins/spamgate.php; "" = no plugin.
  std::string plugin_dir = std::string(SPAMGATE_SOURCE_DIR) + "/php-shim";
  // Extra define()s in wp-config.php, e.g. {"SPAMGATE_URL", "'http://...'"}; values are PHP expressions.
  std::map<std::string, std::string> constants;
  // Extra must-use plugins: file name -> PHP code (without "<?php").
  std::map<std::string, std::string> mu_plugins;
  // PHP CLI ini settings for install() and php(), e.g. {"sendmail_path", "/x/fake-sendmail"}.
  std::map<std::string, std::string> php_ini;
};

struct WpComment {
  int id = 0;
  int post_id = 0;
  std::string author;
  std::string email;
  std::string content;
  std::string approved;  // "1", "0", "spam" or "trash"
  std::map<std::string, std::string> meta;  // every comment meta key -> value
};

class WordPress {
 public:
  // Builds the document root (tests/e2e/wordpress/make-docroot) and writes
  // wp-config.php. Throws std::runtime_error when Debian's WordPress or the
  // script is missing. Nothing touches the database until install().
  explicit WordPress(WordPressOptions options);
  WordPress(const WordPress&) = delete;
  WordPress& operator=(const WordPress&) = delete;

  // Runs tests/e2e/wordpress/install.php with the PHP CLI: wp_install(),
  // comment settings, theme twentytwentyone. True on success; `output`
  // gets the script's output either way. Sets post_id().
  bool install(std::string* output = nullptr);
  // Runs PHP `code` with WordPress loaded (as the CLI, no user logged in);
  // returns what it prints. `status` gets the exit status when not null.
  std::string php(const std::string& code, int* status = nullptr);
  // Every comment with its meta, via php().
  std::vector<WpComment> comments();
  // get_option(name) as JSON text ("false" when unset).
  std::string option_json(const std::string& name);

  const std::string& docroot() const { return docroot_; }
  const std::string& dir() const { return dir_->path(); }
  const WordPressOptions& options() const { return options_; }
  int post_id() const { return post_id_; }  // the "Hello world!" post, open for comments
  std::string url(const std::string& path = "/") const { return options_.site_url + path; }
  // WordPress's PHP error log when the site sets one (WP_DEBUG_LOG file).
  std::string debug_log() const;

 private:
  std::string php_command(const std::string& script) const;

  WordPressOptions options_;
  std::unique_ptr<TempDir> dir_;
  std::string docroot_;
  int post_id_ = 0;
};

}  // namespace harness
