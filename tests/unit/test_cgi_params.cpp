// The allowlist of FastCGI params spamgate forwards to PHP-FPM.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "config/config.h"
#include "upstream/cgi_params.h"

using namespace spamgate;
using fcgi::ParamView;

namespace {

// The params nginx's fastcgi_params sends for a comment, plus its headers.
const std::vector<ParamView> kNginxParams = {
    {"QUERY_STRING", "p=1"},
    {"REQUEST_METHOD", "POST"},
    {"CONTENT_TYPE", "application/x-www-form-urlencoded"},
    {"CONTENT_LENGTH", "42"},
    {"SCRIPT_NAME", "/wp-comments-post.php"},
    {"REQUEST_URI", "/wp-comments-post.php?p=1"},
    {"DOCUMENT_URI", "/wp-comments-post.php"},
    {"DOCUMENT_ROOT", "/var/www/wordpress"},
    {"SERVER_PROTOCOL", "HTTP/1.1"},
    {"REQUEST_SCHEME", "https"},
    {"HTTPS", "on"},
    {"GATEWAY_INTERFACE", "CGI/1.1"},
    {"SERVER_SOFTWARE", "nginx/1.22.1"},
    {"REMOTE_ADDR", "203.0.113.7"},
    {"REMOTE_PORT", "51234"},
    {"SERVER_ADDR", "192.0.2.1"},
    {"SERVER_PORT", "443"},
    {"SERVER_NAME", "blog.example.jp"},
    {"REDIRECT_STATUS", "200"},
    {"PATH_INFO", ""},
    {"SCRIPT_FILENAME", "/var/www/wordpress/wp-comments-post.php"},
    {"HTTP_HOST", "blog.example.jp"},
    {"HTTP_USER_AGENT", "Mozilla/5.0"},
    {"HTTP_COOKIE", "comment_author=%E5%B1%B1%E7%94%B0"},
    {"HTTP_REFERER", "https://blog.example.jp/日本語の記事/"},
};

std::vector<std::string> names(const fcgi::ParamViews& params) {
  std::vector<std::string> out;
  for (const auto& [name, value] : params) out.emplace_back(name);
  return out;
}

}  // namespace

TEST_CASE("what nginx sends for a comment goes on, but its SCRIPT_FILENAME and DOCUMENT_ROOT are replaced") {
  for (const auto& param : kNginxParams) {
    const std::string_view name = param.first;  // clang: a structured binding cannot be captured by INFO
    INFO(name);
    CHECK(fcgi::forwarded_cgi_param(name) == (name != "SCRIPT_FILENAME" && name != "DOCUMENT_ROOT"));
  }
  const std::string root = "/srv/blog";
  const std::string script = root + "/wp-comments-post.php";
  const fcgi::ParamViews forwarded = fcgi::forwarded_cgi_params(kNginxParams, root, script, 5);
  REQUIRE(forwarded.size() == kNginxParams.size());
  CHECK(forwarded.capacity() >= forwarded.size() + 5);
  // In the web server's order, as views into its params (nothing copied).
  CHECK(forwarded[0].first == "QUERY_STRING");
  CHECK(forwarded[0].second.data() == kNginxParams[0].second.data());
  CHECK(forwarded[forwarded.size() - 3].second == "https://blog.example.jp/日本語の記事/");
  CHECK(forwarded[forwarded.size() - 2] == ParamView{"DOCUMENT_ROOT", "/srv/blog"});
  CHECK(forwarded.back() == ParamView{"SCRIPT_FILENAME", "/srv/blog/wp-comments-post.php"});
}

TEST_CASE("params that choose the script, change PHP's settings or forge a verdict never go on") {
  for (const char* name : {"SCRIPT_FILENAME", "PATH_TRANSLATED", "DOCUMENT_ROOT", "PHP_VALUE", "PHP_ADMIN_VALUE",
                           "php_value", "SPAMGATE_VERDICT", "SPAMGATE_SCORE", "HTTP_X_SPAMGATE_VERDICT",
                           "HTTP_X_SPAMGATE_ID", "HTTP_PROXY", "REMOTE_USER", "AUTH_TYPE", "ORIG_PATH_INFO",
                           "LD_PRELOAD", "PHPRC", "", "REQUEST_METHOD2", "request_method", "HTTP"}) {
    INFO(name);
    CHECK_FALSE(fcgi::forwarded_cgi_param(name));
  }
  // Headers go on, the Proxy one excepted (httpoxy); names differing by a suffix are other headers.
  CHECK(fcgi::forwarded_cgi_param("HTTP_PROXY_AUTHORIZATION"));
  CHECK(fcgi::forwarded_cgi_param("HTTP_AUTHORIZATION"));
  CHECK(fcgi::forwarded_cgi_param("HTTP_X_SPAMGATE"));  // not the X-Spamgate-* prefix

  const std::vector<ParamView> attack = {{"SCRIPT_FILENAME", "/home/eve/x.php"},
                                         {"PHP_ADMIN_VALUE", "disable_functions="},
                                         {"REQUEST_METHOD", "POST"},
                                         {"SCRIPT_FILENAME", "/home/eve/y.php"},
                                         {"PHP_VALUE", "auto_prepend_file=/home/eve/x.php"},
                                         {"SPAMGATE_VERDICT", "pass"}};
  const fcgi::ParamViews forwarded = fcgi::forwarded_cgi_params(attack, "/srv/blog", "/srv/blog/wp-comments-post.php");
  CHECK(names(forwarded) == std::vector<std::string>{"REQUEST_METHOD", "DOCUMENT_ROOT", "SCRIPT_FILENAME"});
  CHECK(forwarded.back().second == "/srv/blog/wp-comments-post.php");
}

TEST_CASE("the WordPress root is the configured folder, absolute and without a trailing slash") {
  Config config;
  config.base_dir = "/etc/spamgate";
  CHECK(fcgi::wordpress_root(config).empty());
  config.upstream.document_root = "/var/www/wordpress/";
  CHECK(fcgi::wordpress_root(config) == "/var/www/wordpress");
  config.upstream.document_root = "ブログ";
  CHECK(fcgi::wordpress_root(config) == "/etc/spamgate/ブログ");
}
