// spamgate started the way mod_fcgid and spawn-fcgi start a FastCGI
// program: the web server opens the listening socket and hands it over as
// fd 0; the config says listen = "". The comment path must work the same.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "harness/echo_stack.h"
#include "harness/http_client.h"
#include "harness/nginx.h"
#include "harness/php_fpm.h"
#include "harness/spamgate_server.h"

using namespace harness;

namespace {

const char* kRules = "body TEST_SPAM /\\bspamword\\b/i\nscore TEST_SPAM 20\n";
const char* kRelaxed = "[checks]\nrate_per_minute = 100000\nrate_burst = 100000\n";

NginxOptions site(const SpamgateServer& spamgate) {
  NginxOptions options;
  options.server_body = echo_comment_location(spamgate.address());
  return options;
}

}  // namespace

TEST_CASE("spawned on an inherited socket, spamgate serves the comment path and stops cleanly") {
  PhpFpm fpm;
  SpamgateServer spamgate(SpamgateOptions{fpm.address(), kRules, true, kRelaxed, "", 4, true});
  Nginx nginx(site(spamgate));
  REQUIRE_MESSAGE(fpm.wait_until_listening(), fpm.error_log());
  REQUIRE_MESSAGE(spamgate.wait_until_listening(), spamgate.log());
  REQUIRE_MESSAGE(nginx.wait_until_listening(), nginx.error_log());

  auto ham = http_post_form(nginx.url("/wp-comments-post.php"), comment_fields("Thanks, this helped."));
  INFO(ham.body, spamgate.log());
  REQUIRE(ham.status == 200);
  const auto echo = nlohmann::json::parse(ham.body);
  CHECK(echo["server"]["SPAMGATE_VERDICT"] == "pass");
  CHECK(echo["post"]["comment"] == "Thanks, this helped.");

  auto spam = http_post_form(nginx.url("/wp-comments-post.php"), comment_fields("buy spamword now"));
  CHECK(spam.status == 403);

  CHECK(spamgate.log().find("listen=\"inherited socket\"") != std::string::npos);
  spamgate.stop();
  CHECK(spamgate.log().find("spamgate stopping") != std::string::npos);
}
