#include "harness/wordpress_site.h"

#include <doctest/doctest.h>
#include <openssl/hmac.h>

#include <ctime>

namespace harness {

WordPressSite::WordPressSite(WordPressSiteOptions site_options)
    : options(std::move(site_options)), work(options.name), docroot(work / "docroot") {
  ca = make_test_ca(work.path(), "smtp");
  SmtpServerOptions smtp_options;
  smtp_options.user = options.account;
  smtp = std::make_unique<SmtpServer>(work / "smtp", ca, smtp_options);

  REQUIRE_MESSAGE(db.wait_until_ready(), db.error_log());
  std::string error;
  REQUIRE_MESSAGE(db.create_database("wordpress", "wordpress", "wordpress-test-password", &error), error);

  PhpFpmOptions fpm_options;
  fpm_options.children = options.fpm_children;
  fpm_options.ini = options.php_ini;
  fpm_options.env = options.fpm_env;
  fpm = std::make_unique<PhpFpm>(fpm_options);
  REQUIRE_MESSAGE(fpm->wait_until_listening(), fpm->error_log());

  SpamgateOptions sg;
  sg.upstream = fpm->address();
  sg.document_root = docroot;  // PHP-FPM runs WordPress's own PHP
  sg.rules_text = options.rules_text;
  sg.shared_secret = options.secret;
  sg.threads = options.spamgate_threads;
  sg.extra_toml =
      // Most submissions here come from 127.0.0.1 within a minute.
      "[checks]\nrequire_token = true\nrate_per_minute = 60\nrate_burst = 60\n\n"
      "[mail]\nenabled = true\n"
      "smtp_url = \"" + smtp->url() + "\"\nusername = \"" + options.account + "\"\n"
      "password = { file = \"" + smtp->password_file() + "\" }\n"
      "ca_file = \"" + ca.ca_cert + "\"\nfrom_address = \"" + options.account + "\"\n"
      "owners = [\"" + options.owner + "\"]\nconnect_timeout_seconds = 5\ntimeout_seconds = 10\n\n" +
      options.spamgate_toml;
  spamgate = std::make_unique<SpamgateServer>(sg);
  REQUIRE_MESSAGE(spamgate->wait_until_listening(), spamgate->log());

  nginx = std::make_unique<Nginx>(
      wordpress_nginx_options(docroot, {spamgate->address()}, fpm->address(), options.nginx_server_extra));
  REQUIRE_MESSAGE(nginx->wait_until_listening(), nginx->error_log());

  WordPressOptions wp_options;
  wp_options.docroot = docroot;
  wp_options.site_url = nginx->url("");
  wp_options.db_socket = db.socket_path();
  wp_options.admin_email = options.owner;
  wp_options.moderation = options.moderation;
  wp_options.constants = options.wp_constants;
  wp_options.constants["SPAMGATE_URL"] = "'" + nginx->url("") + "'";
  wp_options.constants["SPAMGATE_SECRET"] = "'" + options.secret + "'";
  // Every comment here comes from loopback within seconds: WordPress's own
  // flood check would refuse the second one.
  wp_options.mu_plugins = options.mu_plugins;
  wp_options.mu_plugins["test-no-flood.php"] = "add_filter( 'wp_is_comment_flood', '__return_false', 99 );";
  wp_options.php_ini = options.php_ini;
  wp = std::make_unique<WordPress>(wp_options);
  std::string output;
  REQUIRE_MESSAGE(wp->install(&output), output);
}

NginxOptions wordpress_nginx_options(const std::string& docroot, const std::vector<std::string>& spamgate_addresses,
                                     const std::string& fpm_address, const std::string& server_extra) {
  NginxOptions o;
  o.http_extra = "upstream spamgate {\n";
  for (const std::string& address : spamgate_addresses) o.http_extra += "  server " + address + ";\n";
  o.http_extra += "  keepalive 8;\n}\nupstream php { server " + fpm_address +
                  "; }\ngeo $spamgate_api_client { default 0; 127.0.0.1 1; }\n";
  o.server_body = "root " + docroot + ";\nindex index.php;\n" + server_extra +
                  "include " SPAMGATE_SOURCE_DIR "/deploy/nginx/spamgate-locations.conf;\n";
  return o;
}

std::string form_token(const std::string& secret, long age_seconds) {
  const std::string stamp = std::to_string(static_cast<long>(std::time(nullptr)) - age_seconds);
  unsigned char mac[32];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(stamp.data()),
       stamp.size(), mac, &length);
  std::string token = stamp + ".";
  for (unsigned int i = 0; i < length; ++i) {
    token += "0123456789abcdef"[mac[i] >> 4];
    token += "0123456789abcdef"[mac[i] & 15];
  }
  return token;
}

}  // namespace harness
