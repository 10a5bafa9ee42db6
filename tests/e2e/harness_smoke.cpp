// Smoke test of the server harness: a private nginx passes requests to a
// private PHP-FPM running tests/e2e/php/echo.php, which answers with JSON.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "harness/http_client.h"
#include "harness/nginx.h"
#include "harness/php_fpm.h"

using namespace harness;

namespace {

// nginx config that sends every *.php under tests/e2e/php to `fpm`.
NginxOptions php_site(const PhpFpm& fpm) {
  NginxOptions options;
  options.server_body = std::string("root ") + SPAMGATE_SOURCE_DIR + "/tests/e2e/php;\n" +
                        "location ~ \\.php$ {\n"
                        "  include fastcgi_params;\n"
                        "  fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n"
                        "  fastcgi_pass " + fpm.address() + ";\n"
                        "}\n";
  return options;
}

}  // namespace

TEST_CASE("nginx passes a form POST to PHP-FPM and the echo script sees all of it") {
  PhpFpm fpm;
  REQUIRE_MESSAGE(fpm.wait_until_listening(), (fpm.output() + fpm.error_log()));
  Nginx nginx(php_site(fpm));
  REQUIRE_MESSAGE(nginx.wait_until_listening(), nginx.error_log());

  auto response = http_post_form(nginx.url("/echo.php?x=1"), {{"comment", "hello world"}, {"author", "Ann"}},
                                 {"Cookie: session=abc; theme=dark", "X-Custom: yes"});
  INFO(response.body, nginx.error_log());
  REQUIRE(response.status == 200);
  CHECK(response.header("content-type") == "application/json");
  auto json = nlohmann::json::parse(response.body);
  CHECK(json["server"]["REQUEST_METHOD"] == "POST");
  CHECK(json["server"]["REQUEST_URI"] == "/echo.php?x=1");
  CHECK(json["server"]["HTTP_X_CUSTOM"] == "yes");
  CHECK(json["server"]["REMOTE_ADDR"] == "127.0.0.1");
  CHECK(json["get"]["x"] == "1");
  CHECK(json["post"]["comment"] == "hello world");
  CHECK(json["post"]["author"] == "Ann");
  CHECK(json["cookie"]["session"] == "abc");
  CHECK(json["cookie"]["theme"] == "dark");
  CHECK(json["body"] == "comment=hello+world&author=Ann");
  CHECK(json["body_length"] == 30);
}

TEST_CASE("the echo script sets cookies, redirects, returns a custom status, sleeps and writes stderr") {
  PhpFpmOptions options;
  options.unix_socket = true;
  options.pm = "ondemand";
  options.children = 2;
  PhpFpm fpm(options);
  REQUIRE_MESSAGE(fpm.wait_until_listening(), (fpm.output() + fpm.error_log()));
  Nginx nginx(php_site(fpm));
  REQUIRE_MESSAGE(nginx.wait_until_listening(), nginx.error_log());

  auto redirected = http_get(nginx.url("/echo.php?set_cookie[a]=1&set_cookie[b]=2&redirect=/done"));
  INFO(redirected.body);
  CHECK(redirected.status == 302);
  CHECK(redirected.header("location") == "/done");
  auto cookies = redirected.header_values("set-cookie");
  REQUIRE(cookies.size() == 2);
  CHECK(cookies[0] == "a=1; Path=/");
  CHECK(cookies[1] == "b=2; Path=/");

  auto teapot = http_get(nginx.url("/echo.php?status=418&header[]=X-Extra:%20one"));
  CHECK(teapot.status == 418);
  CHECK(teapot.header("x-extra") == "one");

  auto slow = http_get(nginx.url("/echo.php?sleep_ms=300"));
  CHECK(slow.status == 200);
  CHECK(slow.seconds >= 0.3);

  auto logged = http_get(nginx.url("/echo.php?stderr=marker-7f3a"));
  CHECK(logged.status == 200);
  CHECK(eventually([&] { return nginx.error_log().find("marker-7f3a") != std::string::npos; }));
}

TEST_CASE("PHP-FPM restarts on the same address and kill9 stops it") {
  PhpFpmOptions options;
  options.ini = {{"memory_limit", "48M"}};
  PhpFpm fpm(options);
  REQUIRE(fpm.wait_until_listening());
  Nginx nginx(php_site(fpm));
  REQUIRE(nginx.wait_until_listening());
  auto before = http_get(nginx.url("/echo.php?ini[]=memory_limit"));
  REQUIRE(before.status == 200);
  auto json = nlohmann::json::parse(before.body);
  CHECK(json["server"]["SERVER_PORT"] == std::to_string(nginx.port()));
  CHECK(json["ini"]["memory_limit"] == "48M");

  REQUIRE(fpm.restart());
  CHECK(http_get(nginx.url("/echo.php")).status == 200);

  fpm.kill9();
  CHECK_FALSE(fpm.running());
  CHECK(http_get(nginx.url("/echo.php")).status == 502);
}
