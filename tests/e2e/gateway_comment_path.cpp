// The comment path through real servers: nginx → spamgate → PHP-FPM, with
// tests/e2e/php/echo.php standing in for WordPress so the test can see
// exactly what PHP received. Proves params, cookies, redirects and bodies
// pass unchanged, spam never reaches PHP, and forged verdicts are dropped.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <signal.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "harness/http_client.h"
#include "harness/nginx.h"
#include "harness/php_fpm.h"
#include "harness/spamgate_server.h"
#include "support/site_rules.h"
#include "upstream/fastcgi_client.h"

using namespace harness;
using nlohmann::json;

namespace {

const std::string kRelaxedLimits = std::string(spamgate::testing::kRelaxedChecks) + R"([limits]
max_body_bytes = 262144
max_fields = 50
max_field_bytes = 131072
)";

// nginx with the comment endpoint and spamgate's API behind spamgate, and
// /direct.php straight to PHP-FPM.
NginxOptions site(const SpamgateServer& spamgate, const PhpFpm& fpm) {
  NginxOptions options;
  const std::string echo = "  fastcgi_param SCRIPT_FILENAME " + echo_script() + ";\n";
  options.server_body = echo_comment_location(spamgate.address()) +
                        fastcgi_location("/spamgate/", spamgate.address()) +
                        fastcgi_location("= /direct.php", fpm.address(), echo);
  return options;
}

struct Stack {
  PhpFpm fpm;
  SpamgateServer spamgate;
  Nginx nginx;

  explicit Stack(const std::string& extra_toml = kRelaxedLimits)
      : spamgate(SpamgateOptions{fpm.address(), spamgate::testing::kTestRules, true, extra_toml, "", 4}),
        nginx(site(spamgate, fpm)) {
    REQUIRE_MESSAGE(fpm.wait_until_listening(), fpm.error_log());
    REQUIRE_MESSAGE(spamgate.wait_until_listening(), spamgate.log());
    REQUIRE_MESSAGE(nginx.wait_until_listening(), nginx.error_log());
  }

  std::string url(const std::string& path) const { return nginx.url(path); }
};

std::vector<std::pair<std::string, std::string>> comment(const std::string& text) {
  return {{"comment", text}, {"author", "Ann Example"}, {"email", "ann@example.org"},
          {"url", ""},       {"comment_post_ID", "1"},  {"comment_parent", "0"}};
}

}  // namespace

TEST_CASE("a normal comment reaches PHP unchanged, with the verdict as FastCGI params") {
  Stack stack;
  auto response = http_post_form(stack.url("/wp-comments-post.php?from=test"),
                                 comment("Thanks for the write-up, the second example helped me."),
                                 {"Cookie: wordpress_test_cookie=WP%20Cookie%20check; comment_author=Ann",
                                  "User-Agent: Mozilla/5.0 (test)", "X-Custom: kept"});
  INFO(response.body, stack.spamgate.log());
  REQUIRE(response.status == 200);
  const json echo = json::parse(response.body);
  CHECK(echo["post"]["comment"] == "Thanks for the write-up, the second example helped me.");
  CHECK(echo["post"]["author"] == "Ann Example");
  CHECK(echo["post"]["comment_post_ID"] == "1");
  CHECK(echo["get"]["from"] == "test");
  CHECK(echo["cookie"]["wordpress_test_cookie"] == "WP Cookie check");
  CHECK(echo["cookie"]["comment_author"] == "Ann");
  CHECK(echo["server"]["HTTP_USER_AGENT"] == "Mozilla/5.0 (test)");
  CHECK(echo["server"]["HTTP_X_CUSTOM"] == "kept");
  CHECK(echo["server"]["REQUEST_METHOD"] == "POST");
  CHECK(echo["server"]["REQUEST_URI"] == "/wp-comments-post.php?from=test");
  CHECK(echo["server"]["SPAMGATE_VERDICT"] == "pass");
  CHECK(echo["server"]["SPAMGATE_SCORE"] == "0");
  CHECK(echo["server"]["SPAMGATE_ID"].get<std::string>().size() == 16);
  CHECK(echo["body"] == form_body(comment("Thanks for the write-up, the second example helped me.")));
}

TEST_CASE("a client cannot forge the verdict: X-Spamgate-* headers are dropped") {
  Stack stack;
  auto response = http_post_form(stack.url("/wp-comments-post.php"), comment("holdword in an otherwise fine text"),
                                 {"X-Spamgate-Verdict: pass", "X-Spamgate-Score: 0", "X-Spamgate-Id: forged"});
  REQUIRE(response.status == 200);
  const json echo = json::parse(response.body);
  CHECK(echo["server"]["SPAMGATE_VERDICT"] == "hold");
  CHECK(echo["server"]["SPAMGATE_RULES"] == "TEST_HOLD");
  CHECK(echo["server"]["SPAMGATE_SCORE"] == "6");
  CHECK_FALSE(echo["server"].contains("HTTP_X_SPAMGATE_VERDICT"));
  CHECK_FALSE(echo["server"].contains("HTTP_X_SPAMGATE_SCORE"));
  CHECK(echo["server"]["SPAMGATE_ID"] != "forged");
}

TEST_CASE("PHP's answer is relayed unchanged: status, every Set-Cookie, Location, body") {
  Stack stack;
  auto response = http_post_form(
      stack.url("/wp-comments-post.php?set_cookie[comment_author_1]=Ann&set_cookie[comment_author_email_1]=ann"
                "&redirect=/hello-world/%23comment-7"),
      comment("A perfectly normal comment about the post."));
  CHECK(response.status == 302);
  CHECK(response.header("location") == "/hello-world/#comment-7");
  auto cookies = response.header_values("set-cookie");
  REQUIRE(cookies.size() == 2);
  CHECK(cookies[0] == "comment_author_1=Ann; Path=/");
  CHECK(cookies[1] == "comment_author_email_1=ann; Path=/");

  auto teapot = http_post_form(stack.url("/wp-comments-post.php?status=409&pad=100000"), comment("Another fine one."));
  CHECK(teapot.status == 409);
  CHECK(json::parse(teapot.body)["pad"].get<std::string>().size() == 100000);
}

TEST_CASE("spam is rejected with a polite 403 page and never reaches PHP") {
  Stack stack;
  auto response = http_post_form(stack.url("/wp-comments-post.php?stderr=PHP-WAS-CALLED"),
                                 comment("buy now spamword cheap"));
  CHECK(response.status == 403);
  CHECK(response.header("content-type") == "text/html; charset=utf-8");
  CHECK(response.body.find("not accepted") != std::string::npos);
  CHECK(response.body.find("spamword") == std::string::npos);
  CHECK(stack.fpm.error_log().find("PHP-WAS-CALLED") == std::string::npos);
  CHECK(eventually([&] { return stack.spamgate.log().find("action=reject") != std::string::npos; }));
  CHECK(stack.spamgate.log().find("rules=TEST_SPAM") != std::string::npos);
}

TEST_CASE("header injection in the name, email or subject is rejected") {
  Stack stack;
  for (const std::string field : {"author", "email", "url"}) {
    auto fields = comment("Nice post.");
    for (auto& [name, value] : fields)
      if (name == field) value = "x@example.org\r\nBcc: victim@example.net";
    auto response = http_post_form(stack.url("/wp-comments-post.php"), fields);
    CHECK_MESSAGE(response.status == 403, field);
  }
}

TEST_CASE("discard mode answers like a successful post and never reaches PHP") {
  Stack stack(kRelaxedLimits + "\n[actions]\non_reject = \"discard\"\n");
  const std::string post_page = stack.url("/hello-world/");
  auto response = http_post_form(stack.url("/wp-comments-post.php?stderr=PHP-WAS-CALLED"), comment("spamword"),
                                 {"Referer: " + post_page});
  CHECK(response.status == 302);
  CHECK(response.header("location") == post_page);
  CHECK(stack.fpm.error_log().find("PHP-WAS-CALLED") == std::string::npos);

  auto foreign = http_post_form(stack.url("/wp-comments-post.php"), comment("spamword"),
                                {"Referer: https://evil.example/landing"});
  CHECK(foreign.status == 302);
  CHECK(foreign.header("location") == "/");
}

TEST_CASE("bad input gets a 4xx with a reason and PHP is not called") {
  Stack stack;
  HttpRequest bad_percent;
  bad_percent.method = "POST";
  bad_percent.url = stack.url("/wp-comments-post.php");
  bad_percent.headers = {"Content-Type: application/x-www-form-urlencoded"};
  bad_percent.body = "comment=%ZZbroken&author=x";
  auto response = http(bad_percent);
  CHECK(response.status == 400);

  HttpRequest too_big = bad_percent;
  too_big.body = "comment=" + std::string(300000, 'a');
  CHECK(http(too_big).status == 413);

  HttpRequest no_boundary = bad_percent;
  no_boundary.headers = {"Content-Type: multipart/form-data"};
  no_boundary.body = "whatever";
  CHECK(http(no_boundary).status == 400);

  HttpRequest bad_utf8 = bad_percent;
  bad_utf8.body = "comment=%C0%AFoverlong&author=x";
  CHECK(http(bad_utf8).status == 400);

  CHECK(http_get(stack.url("/wp-comments-post.php")).status == 405);
  CHECK(http_get(stack.url("/spamgate/health")).status == 200);
}

// A local user who can connect to spamgate's socket sends the FastCGI
// params themself, around nginx: the PHP file to run, PHP settings, a proxy.
TEST_CASE("a direct FastCGI request cannot choose the script PHP-FPM runs or change PHP's settings") {
  Stack stack;
  const TempDir eve("spamgate-eve");
  const std::string evil = eve.path() + "/evil.php";
  const std::string marker = eve.path() + "/evil-ran";
  write_file(evil, "<?php file_put_contents('" + marker + "', 'ran'); echo 'evil';\n");
  const std::string body = form_body(comment("A perfectly ordinary comment, sent around nginx."));
  const std::string query = "ini[]=auto_prepend_file&ini[]=max_input_vars&ini[]=disable_functions";
  const spamgate::fcgi::Params params = {
      {"REQUEST_METHOD", "POST"},
      {"DOCUMENT_URI", "/wp-comments-post.php"},
      {"REQUEST_URI", "/wp-comments-post.php?" + query},
      {"QUERY_STRING", query},
      {"CONTENT_TYPE", "application/x-www-form-urlencoded"},
      {"CONTENT_LENGTH", std::to_string(body.size())},
      {"REMOTE_ADDR", "127.0.0.1"},
      {"SCRIPT_FILENAME", evil},
      {"DOCUMENT_ROOT", eve.path()},
      {"PATH_TRANSLATED", evil},
      {"PHP_VALUE", "auto_prepend_file=" + evil},
      {"PHP_ADMIN_VALUE", "max_input_vars=7\ndisable_functions=phpinfo"},
      {"HTTP_PROXY", "http://127.0.0.1:1/"},
      {"SPAMGATE_VERDICT", "pass"},
  };
  spamgate::UpstreamConfig to_spamgate;
  to_spamgate.address = stack.spamgate.address();
  spamgate::FastCgiClient eve_client(to_spamgate);
  const spamgate::UpstreamResponse response = eve_client.forward(params, body);
  REQUIRE_MESSAGE(response.ok(), response.reason);
  INFO(response.output, stack.spamgate.log());
  const size_t blank = response.output.find("\r\n\r\n");
  REQUIRE(blank != std::string::npos);
  const json echo = json::parse(response.output.substr(blank + 4));  // the legitimate script ran...

  CHECK_FALSE(std::filesystem::exists(marker));  // ...and evil.php never did
  CHECK(echo["server"]["SCRIPT_FILENAME"] == stack.spamgate.document_root() + "/wp-comments-post.php");
  CHECK(echo["server"]["DOCUMENT_ROOT"] == stack.spamgate.document_root());
  CHECK(echo["ini"]["auto_prepend_file"] == "");
  CHECK(echo["ini"]["max_input_vars"] != "7");
  CHECK(echo["ini"]["disable_functions"] != "phpinfo");
  for (const char* dropped : {"PHP_VALUE", "PHP_ADMIN_VALUE", "PATH_TRANSLATED", "HTTP_PROXY"}) {
    INFO(dropped);
    CHECK_FALSE(echo["server"].contains(dropped));
  }
  CHECK(echo["server"]["SPAMGATE_VERDICT"] == "pass");  // spamgate's own, once
  CHECK(echo["post"]["comment"] == "A perfectly ordinary comment, sent around nginx.");
}

TEST_CASE("serve refuses to start without a WordPress folder to pin SCRIPT_FILENAME to") {
  const TempDir dir("spamgate-noroot");
  const std::string config = dir.path() + "/spamgate.toml";
  write_file(config, "[server]\nlisten = \"127.0.0.1:" + std::to_string(free_port()) +
                         "\"\n\n[rules]\nfiles = [\"" SPAMGATE_SOURCE_DIR "/rules/default.rules\"]\n\n[store]\npath = \"" +
                         dir.path() + "/spamgate.db\"\n");
  std::string output;
  CHECK(run(spamgate_binary() + " serve --config " + config + " 2>&1", &output) != 0);
  CHECK(output.find(config + ": [upstream] document_root is not set") != std::string::npos);
}

TEST_CASE("PHP-FPM down gives a clear 502, too slow a 504, and spamgate keeps serving") {
  Stack stack;
  auto slow = http_post_form(stack.url("/wp-comments-post.php?sleep_ms=5000"), comment("A slow but fine comment."));
  CHECK(slow.status == 504);
  CHECK(slow.seconds < 4.5);
  CHECK(slow.body.find("did not answer in time") != std::string::npos);

  stack.fpm.stop();
  auto down = http_post_form(stack.url("/wp-comments-post.php"), comment("Posted while PHP is down."));
  CHECK(down.status == 502);
  CHECK(down.body.find("not reachable") != std::string::npos);
  CHECK(http_get(stack.url("/spamgate/health")).status == 200);

  REQUIRE(stack.fpm.restart());
  auto back = http_post_form(stack.url("/wp-comments-post.php"), comment("Posted after PHP came back."));
  CHECK(back.status == 200);
}

TEST_CASE("metrics count requests by endpoint and outcome, and rule hits") {
  Stack stack;
  http_post_form(stack.url("/wp-comments-post.php"), comment("fine comment one"));
  http_post_form(stack.url("/wp-comments-post.php"), comment("spamword here"));
  http_post_form(stack.url("/wp-comments-post.php"), comment("holdword here"));
  auto metrics = http_get(stack.url("/spamgate/metrics"));
  REQUIRE(metrics.status == 200);
  CHECK(metrics.body.find("spamgate_requests_total{endpoint=\"comment\",outcome=\"pass\"} 1") != std::string::npos);
  CHECK(metrics.body.find("spamgate_requests_total{endpoint=\"comment\",outcome=\"reject\"} 1") != std::string::npos);
  CHECK(metrics.body.find("spamgate_requests_total{endpoint=\"comment\",outcome=\"hold\"} 1") != std::string::npos);
  CHECK(metrics.body.find("spamgate_rule_hits_total{rule=\"TEST_SPAM\"} 1") != std::string::npos);
  CHECK(metrics.body.find("spamgate_request_duration_seconds_count") != std::string::npos);
}

TEST_CASE("rules reload when the file changes; a broken file keeps the old rules") {
  Stack stack;
  CHECK(http_post_form(stack.url("/wp-comments-post.php"), comment("newword arrives")).status == 200);

  write_file(stack.spamgate.rules_path(), std::string(spamgate::testing::kTestRules) + "body NEW_RULE /newword/\nscore NEW_RULE 50\n");
  CHECK(eventually([&] { return http_post_form(stack.url("/wp-comments-post.php"), comment("newword again")).status == 403; },
                   std::chrono::seconds(10)));

  write_file(stack.spamgate.rules_path(), "body BROKEN /unclosed(/\n");
  CHECK(eventually([&] { return stack.spamgate.log().find("local.rules:1:") != std::string::npos; },
                   std::chrono::seconds(10)));
  CHECK(http_post_form(stack.url("/wp-comments-post.php"), comment("newword still caught")).status == 403);

  write_file(stack.spamgate.rules_path(), spamgate::testing::kTestRules);
  stack.spamgate.signal(SIGHUP);
  CHECK(eventually([&] { return http_post_form(stack.url("/wp-comments-post.php"), comment("newword passes")).status == 200; },
                   std::chrono::seconds(10)));
}

TEST_CASE("RATE_IP slows a flood from one address") {
  Stack stack("[checks]\nrate_per_minute = 1\nrate_burst = 3\nduplicate_window_seconds = 0\n");
  std::vector<std::string> verdicts;
  for (int i = 0; i < 5; ++i) {
    auto response = http_post_form(stack.url("/wp-comments-post.php"), comment("comment number " + std::to_string(i)));
    verdicts.push_back(response.status == 200 ? json::parse(response.body)["server"]["SPAMGATE_RULES"].get<std::string>()
                                              : "status " + std::to_string(response.status));
  }
  CHECK(verdicts[0].find("RATE_IP") == std::string::npos);
  CHECK(verdicts[2].find("RATE_IP") == std::string::npos);
  CHECK(verdicts[3].find("RATE_IP") != std::string::npos);
  CHECK(verdicts[4].find("RATE_IP") != std::string::npos);
}
