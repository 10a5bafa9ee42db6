#include "harness/wordpress.h"

#include <nlohmann/json.hpp>

#include <random>
#include <stdexcept>

namespace harness {
namespace {

std::string php_string(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

std::string random_key() {
  static std::mt19937_64 generator{std::random_device{}()};
  static const char* alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string key;
  for (int i = 0; i < 48; ++i) key += alphabet[generator() % 62];
  return key;
}

}  // namespace

WordPress::WordPress(WordPressOptions options)
    : options_(std::move(options)), dir_(std::make_unique<TempDir>("spamgate-wordpress")) {
  docroot_ = options_.docroot.empty() ? *dir_ / "docroot" : options_.docroot;
  const std::string script = std::string(SPAMGATE_SOURCE_DIR) + "/tests/e2e/wordpress/make-docroot";
  std::string output;
  if (run(shell_quote(script) + " " + shell_quote(docroot_), &output) != 0)
    throw std::runtime_error("make-docroot failed: " + output);

  std::string config = "<?php\n// Written by the spamgate e2e harness.\n";
  auto define = [&](const std::string& name, const std::string& php_value) {
    config += "define( '" + name + "', " + php_value + " );\n";
  };
  define("DB_NAME", php_string(options_.db_name));
  define("DB_USER", php_string(options_.db_user));
  define("DB_PASSWORD", php_string(options_.db_password));
  define("DB_HOST", php_string("localhost:" + options_.db_socket));
  define("DB_CHARSET", "'utf8mb4'");
  define("DB_COLLATE", "''");
  for (const char* key : {"AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT",
                          "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT"})
    define(key, php_string(random_key()));
  define("WP_HOME", php_string(options_.site_url));
  define("WP_SITEURL", php_string(options_.site_url));
  define("WP_DEFAULT_THEME", "'twentytwentyone'");
  define("WP_DEBUG", "true");
  define("WP_DEBUG_DISPLAY", "false");
  define("WP_DEBUG_LOG", php_string(*dir_ / "wp-debug.log"));
  define("DISABLE_WP_CRON", "true");              // no loopback requests to wp-cron.php
  define("AUTOMATIC_UPDATER_DISABLED", "true");
  define("WP_HTTP_BLOCK_EXTERNAL", "true");       // WordPress may only reach this host
  for (const auto& [name, value] : options_.constants) define(name, value);
  config += "$table_prefix = 'wp_';\n";
  config += "if ( ! defined( 'ABSPATH' ) ) {\n\tdefine( 'ABSPATH', __DIR__ . '/' );\n}\n";
  config += "require_once ABSPATH . 'wp-settings.php';\n";
  write_file(docroot_ + "/wp-config.php", config);

  const std::string mu = docroot_ + "/wp-content/mu-plugins/";
  if (!options_.plugin_dir.empty() &&
      run("ln -sfn " + shell_quote(options_.plugin_dir + "/spamgate.php") + " " + shell_quote(mu + "spamgate.php")) != 0)
    throw std::runtime_error("cannot link the plugin into mu-plugins");
  for (const auto& [name, code] : options_.mu_plugins) write_file(mu + name, "<?php\n" + code + "\n");
}

std::string WordPress::php_command(const std::string& script) const {
  std::string command = "php";
  for (const auto& [name, value] : options_.php_ini) command += " -d " + shell_quote(name + "=" + value);
  return command + " " + shell_quote(script);
}

bool WordPress::install(std::string* output) {
  const std::string script = std::string(SPAMGATE_SOURCE_DIR) + "/tests/e2e/wordpress/install.php";
  std::string env = "SG_WP_TITLE=" + shell_quote(options_.title) + " SG_WP_ADMIN=" + shell_quote(options_.admin_user) +
                    " SG_WP_PASSWORD=" + shell_quote(options_.admin_password) +
                    " SG_WP_EMAIL=" + shell_quote(options_.admin_email) +
                    " SG_WP_MODERATION=" + (options_.moderation ? "1" : "0") + " ";
  std::string text;
  const int status = run(env + php_command(script) + " " + shell_quote(docroot_), &text);
  if (output) *output = text;
  if (status != 0) return false;
  const size_t brace = text.rfind("{\"installed\"");
  if (brace == std::string::npos) return false;
  const auto result = nlohmann::json::parse(text.substr(brace), nullptr, false);
  if (result.is_discarded()) return false;
  post_id_ = result.value("post_id", 0);
  return post_id_ > 0;
}

std::string WordPress::php(const std::string& code, int* status) {
  const std::string script = *dir_ / "snippet.php";
  write_file(script, "<?php\nrequire " + php_string(docroot_ + "/wp-load.php") + ";\n" + code + "\n");
  std::string output;
  const int result = run(php_command(script), &output);
  if (status) *status = result;
  return output;
}

std::vector<WpComment> WordPress::comments() {
  const std::string text = php(R"(
global $wpdb;
$rows = $wpdb->get_results( "SELECT comment_ID, comment_post_ID, comment_author, comment_author_email, comment_content, comment_approved FROM {$wpdb->comments} ORDER BY comment_ID", ARRAY_A );
foreach ( $rows as &$row ) {
  $row['meta'] = array();
  foreach ( $wpdb->get_results( $wpdb->prepare( "SELECT meta_key, meta_value FROM {$wpdb->commentmeta} WHERE comment_id = %d", $row['comment_ID'] ), ARRAY_A ) as $m ) {
    $row['meta'][ $m['meta_key'] ] = $m['meta_value'];
  }
}
echo "\n@@JSON@@" . json_encode( $rows );)");
  const size_t mark = text.rfind("@@JSON@@");
  if (mark == std::string::npos) throw std::runtime_error("comments(): PHP failed: " + text);
  std::vector<WpComment> comments;
  for (const auto& row : nlohmann::json::parse(text.substr(mark + 8))) {
    WpComment c;
    c.id = std::stoi(row.at("comment_ID").get<std::string>());
    c.post_id = std::stoi(row.at("comment_post_ID").get<std::string>());
    c.author = row.at("comment_author").get<std::string>();
    c.email = row.at("comment_author_email").get<std::string>();
    c.content = row.at("comment_content").get<std::string>();
    c.approved = row.at("comment_approved").get<std::string>();
    if (row.at("meta").is_object())
      for (const auto& [key, value] : row.at("meta").items()) c.meta[key] = value.is_string() ? value.get<std::string>() : value.dump();
    comments.push_back(std::move(c));
  }
  return comments;
}

std::string WordPress::option_json(const std::string& name) {
  const std::string text = php("echo \"\\n@@JSON@@\" . json_encode( get_option( " + php_string(name) + " ) );");
  const size_t mark = text.rfind("@@JSON@@");
  return mark == std::string::npos ? text : text.substr(mark + 8);
}

std::string WordPress::debug_log() const { return read_file_or_empty(*dir_ / "wp-debug.log"); }

}  // namespace harness
