// Form plugins' requests through real servers (issue 22): nginx with the
// shipped deploy/nginx/spamgate-locations.conf → spamgate → PHP-FPM running
// tests/e2e/php/echo.php as WordPress's index.php, admin-ajax.php and
// wp-login.php. For each preset (CF7 REST, its ?rest_route= form and its
// no-JavaScript post, WPForms, Gravity Forms, Elementor Pro, WordPress and
// WooCommerce registration) a spam request of that plugin's shape is
// answered in the plugin's format without reaching PHP, and a ham one
// reaches PHP unchanged with the verdict. Any other POST passes untouched.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "harness/http_client.h"
#include "harness/nginx.h"
#include "harness/php_fpm.h"
#include "harness/spamgate_server.h"
#include "support/site_rules.h"

using namespace harness;
using nlohmann::json;

namespace {

constexpr const char* kBoundary = "----sgE2eBoundaryQ1w2E3r4";

using Fields = std::vector<std::pair<std::string, std::string>>;

std::string multipart(const Fields& fields) {
  std::string body;
  for (const auto& [name, value] : fields)
    body += std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" +
            value + "\r\n";
  return body + "--" + kBoundary + "--\r\n";
}

Fields cf7(const std::string& message, const std::string& email = "ann@example.org",
           const std::string& subject = "ご相談") {
  return {{"_wpcf7", "42"},          {"_wpcf7_version", "5.7.7"}, {"_wpcf7_locale", "ja"},
          {"_wpcf7_unit_tag", "wpcf7-f42-p7-o1"}, {"_wpcf7_container_post", "7"}, {"your-name", "山田花子"},
          {"your-email", email},     {"your-subject", subject},   {"your-message", message}};
}

// A WordPress-shaped site: the shipped nginx locations, with every PHP
// entry point (and the comment form) an echo script.
struct Site {
  TempDir docroot{"spamgate-forms-docroot"};
  PhpFpm fpm;
  SpamgateServer spamgate;
  std::unique_ptr<Nginx> nginx;

  // PHP-FPM runs the docroot's own entry points (SCRIPT_FILENAME is pinned there).
  Site()
      : spamgate(SpamgateOptions{fpm.address(), spamgate::testing::kTestRules, true, spamgate::testing::kRelaxedChecks, "forms-e2e-secret", 4, false, "spamgate.db", 0,
                                 docroot.path()}) {
    const std::string echo = "<?php require '" + echo_script() + "';\n";
    for (const char* script : {"index.php", "wp-admin/admin-ajax.php", "wp-login.php", "wp-comments-post.php"})
      docroot.write(script, echo);
    REQUIRE_MESSAGE(fpm.wait_until_listening(), fpm.error_log());
    REQUIRE_MESSAGE(spamgate.wait_until_listening(), spamgate.log());
    NginxOptions options;
    options.http_extra = "upstream spamgate { server " + spamgate.address() + "; keepalive 4; }\n"
                         "upstream php { server " + fpm.address() + "; }\n"
                         "geo $spamgate_api_client { default 0; 127.0.0.1 1; }\n";
    options.server_body = "root " + docroot.path() + ";\nindex index.php;\n"
                          "include " SPAMGATE_SOURCE_DIR "/deploy/nginx/spamgate-locations.conf;\n";
    nginx = std::make_unique<Nginx>(options);
    REQUIRE_MESSAGE(nginx->wait_until_listening(), nginx->error_log());
  }

  HttpResponse post_multipart(const std::string& path, const Fields& fields) {
    HttpRequest request;
    request.method = "POST";
    request.url = nginx->url(path);
    request.body = multipart(fields);
    request.headers = {std::string("Content-Type: multipart/form-data; boundary=") + kBoundary};
    return http(request);
  }
  HttpResponse post(const std::string& path, const Fields& fields, std::vector<std::string> headers = {}) {
    return http_post_form(nginx->url(path), fields, std::move(headers));
  }
};

// What echo.php saw, or a failed check when PHP did not answer.
json reached_php(const HttpResponse& response, const Site& site) {
  INFO(response.body, site.spamgate.log());
  REQUIRE(response.status == 200);
  json echoed = json::parse(response.body, nullptr, false);
  REQUIRE_MESSAGE((echoed.is_object() && echoed.contains("server")), "PHP was not reached");
  return echoed;
}

void check_verdict(const json& echoed, const std::string& verdict, const std::string& form) {
  CHECK(echoed["server"]["SPAMGATE_VERDICT"] == verdict);
  CHECK(echoed["server"]["SPAMGATE_FORM"] == form);
  CHECK(echoed["server"]["SPAMGATE_ID"].get<std::string>().size() == 16);
  CHECK_FALSE(echoed["server"].contains("SPAMGATE_UNSCORED"));
}

void check_post(const json& echoed, const Fields& fields) {
  for (const auto& field : fields) {
    const std::string& name = field.first;  // clang: a structured binding cannot be captured
    const std::string& value = field.second;
    if (name.find('[') != std::string::npos) continue;  // PHP nests those; checked by the caller
    CAPTURE(name);
    CHECK(echoed["post"][name] == value);
  }
}

json json_answer(const HttpResponse& response) {
  INFO(response.body);
  REQUIRE(response.status == 200);
  json answer = json::parse(response.body, nullptr, false);
  REQUIRE(answer.is_object());
  CHECK_FALSE(answer.contains("server"));  // spamgate's own answer: PHP never saw it
  return answer;
}

const std::string kCf7Rest = "/wp-json/contact-form-7/v1/contact-forms/42/feedback";

}  // namespace

TEST_CASE("Contact Form 7: REST, ?rest_route= and the no-JavaScript post, spam answered as CF7 does, ham forwarded") {
  Site site;
  for (const std::string& path : {kCf7Rest, std::string("/?rest_route=/contact-form-7/v1/contact-forms/42/feedback"),
                                  std::string("/index.php?rest_route=%2Fcontact-form-7%2Fv1%2Fcontact-forms%2F42%2Ffeedback")}) {
    CAPTURE(path);
    const HttpResponse spam = site.post_multipart(path, cf7("今すぐ spamword を買おう"));
    CHECK(json_answer(spam)["status"] == "spam");
    CHECK(spam.header("content-type").find("application/json") == 0);
    CHECK(spam.body ==
          "{\"contact_form_id\":42,\"status\":\"spam\",\"message\":\"There was an error trying to send your message. "
          "Please try again later.\",\"posted_data_hash\":\"\",\"into\":\"#wpcf7-f42-p7-o1\",\"invalid_fields\":[]}");

    const Fields ham = cf7("先日はありがとうございました。資料を拝見しました。");
    const json echoed = reached_php(site.post_multipart(path, ham), site);
    check_verdict(echoed, "pass", "cf7");
    check_post(echoed, ham);
    CHECK(echoed["server"]["SCRIPT_FILENAME"] == site.docroot.path() + "/index.php");
    CHECK(echoed["server"]["REQUEST_URI"] == path);
  }

  // Held: PHP gets it with SPAMGATE_VERDICT=hold (the plugin makes CF7 call it spam).
  check_verdict(reached_php(site.post_multipart(kCf7Rest, cf7("a holdword here")), site), "hold", "cf7");

  // Without JavaScript the form posts to the page itself.
  const Fields spam_nojs = cf7("spamword");
  const HttpResponse page = site.post("/contact-us/", spam_nojs);
  CHECK(page.status == 200);
  CHECK(page.body.find("wpcf7-response-output") != std::string::npos);
  CHECK(page.body.find("There was an error trying to send your message.") != std::string::npos);
  CHECK(page.body.find("\"server\"") == std::string::npos);
  const Fields ham_nojs = cf7("お世話になっております。見積もりをお願いします。");
  const json echoed = reached_php(site.post("/contact-us/", ham_nojs), site);
  check_verdict(echoed, "pass", "cf7");
  check_post(echoed, ham_nojs);
  CHECK(echoed["server"]["REQUEST_URI"] == "/contact-us/");
}

TEST_CASE("Contact Form 7: a line break in the e-mail or subject is header injection, blocked before PHP") {
  Site site;
  for (const Fields& fields : {cf7("hello", "ann@example.org\r\nBcc: victim@example.net"),
                               cf7("hello", "ann@example.org", "Hi\nBcc: victim@example.net"),
                               cf7("hello", "ann@example.org%0d%0aBcc: victim@example.net")}) {
    CHECK(json_answer(site.post_multipart(kCf7Rest, fields))["status"] == "spam");
    CHECK(site.post("/contact-us/", fields).body.find("wpcf7-response-output") != std::string::npos);
  }
}

TEST_CASE("WPForms, Elementor Pro, Gravity Forms and registration: blocked in their format, ham forwarded unchanged") {
  Site site;
  // WPForms AJAX.
  json wpforms = json_answer(site.post("/wp-admin/admin-ajax.php", {{"action", "wpforms_submit"},
                                                                    {"wpforms[id]", "9"},
                                                                    {"wpforms[fields][0]", "Bot"},
                                                                    {"wpforms[fields][2]", "spamword deals"}}));
  CHECK(wpforms["success"] == false);
  CHECK(wpforms["data"]["errors"]["general"]["header"].is_string());
  json echoed = reached_php(site.post("/wp-admin/admin-ajax.php", {{"action", "wpforms_submit"},
                                                                    {"wpforms[id]", "9"},
                                                                    {"wpforms[fields][0]", "Ann"},
                                                                    {"wpforms[fields][1]", "ann@example.org"},
                                                                    {"wpforms[fields][2]", "Could you call me back?"}}),
                            site);
  check_verdict(echoed, "pass", "wpforms");
  CHECK(echoed["post"]["wpforms"]["fields"][2] == "Could you call me back?");  // PHP: a list
  CHECK(echoed["server"]["SCRIPT_FILENAME"] == site.docroot.path() + "/wp-admin/admin-ajax.php");
  // WPForms without JavaScript posts to the page.
  CHECK(site.post("/contact-us/", {{"wpforms[id]", "9"}, {"wpforms[fields][2]", "spamword"}})
            .body.find("wpforms-error-container") != std::string::npos);

  // Elementor Pro.
  json elementor = json_answer(site.post("/wp-admin/admin-ajax.php", {{"action", "elementor_pro_forms_send_form"},
                                                                      {"form_id", "3a4b5c"},
                                                                      {"post_id", "12"},
                                                                      {"form_fields[name]", "Bot"},
                                                                      {"form_fields[message]", "spamword"}}));
  CHECK(elementor == json::parse(R"({"success":false,"data":{"message":"An error occurred.","errors":[],"data":[]}})"));
  echoed = reached_php(site.post("/wp-admin/admin-ajax.php", {{"action", "elementor_pro_forms_send_form"},
                                                               {"form_id", "3a4b5c"},
                                                               {"form_fields[email]", "ann@example.org"},
                                                               {"form_fields[message]", "こんにちは"}}),
                       site);
  check_verdict(echoed, "pass", "elementor");
  CHECK(echoed["post"]["form_fields"]["message"] == "こんにちは");

  // Gravity Forms posts to the page with gform_submit.
  const HttpResponse gravity = site.post("/contact-us/", {{"gform_submit", "3"}, {"input_1", "Bot"}, {"input_3", "spamword"}});
  CHECK(gravity.status == 200);
  CHECK(gravity.body.find("gform_validation_errors") != std::string::npos);
  const Fields gravity_ham = {{"gform_submit", "3"}, {"input_1", "Ann"}, {"input_2", "ann@example.org"},
                              {"input_3", "Please send the brochure."}};
  echoed = reached_php(site.post("/contact-us/", gravity_ham), site);
  check_verdict(echoed, "pass", "gravity");
  check_post(echoed, gravity_ham);

  // WordPress registration.
  const HttpResponse refused = site.post("/wp-login.php?action=register", {{"user_login", "spambot"}, {"user_email", "x@example.net"}});
  CHECK(refused.body.find("login_error") != std::string::npos);
  const Fields registration = {{"user_login", "hanako"}, {"user_email", "hanako@example.jp"}, {"wp-submit", "Register"}};
  echoed = reached_php(site.post("/wp-login.php?action=register", registration), site);
  check_verdict(echoed, "pass", "wp_register");
  check_post(echoed, registration);
  CHECK(echoed["server"]["SCRIPT_FILENAME"] == site.docroot.path() + "/wp-login.php");
  // Logging in is not a form spamgate scores: passed on untouched.
  echoed = reached_php(site.post("/wp-login.php", {{"log", "admin"}, {"pwd", "x"}}), site);
  CHECK(echoed["server"]["SPAMGATE_UNSCORED"] == "1");

  // WooCommerce "My account" registration.
  const HttpResponse woo = site.post("/my-account/", {{"username", "spambot"}, {"email", "x@example.net"},
                                                      {"woocommerce-register-nonce", "abc"}, {"register", "Register"}});
  CHECK(woo.body.find("woocommerce-error") != std::string::npos);
  const Fields woo_ham = {{"username", "hanako"}, {"email", "hanako@example.jp"}, {"password", "s3cret-Pass"},
                          {"woocommerce-register-nonce", "abc"}, {"register", "Register"}};
  echoed = reached_php(site.post("/my-account/", woo_ham), site);
  check_verdict(echoed, "pass", "woo_register");
  check_post(echoed, woo_ham);
}

TEST_CASE("a POST no route recognises reaches WordPress untouched and marked unscored; GETs skip spamgate") {
  Site site;
  const Fields search = {{"post_password", "letmein"}, {"Submit", "Enter"}};
  json echoed = reached_php(site.post("/wp-login.php?action=postpass", search), site);
  CHECK(echoed["server"]["SPAMGATE_UNSCORED"] == "1");
  echoed = reached_php(site.post("/a-page/", {{"some-plugin-field", "value"}}, {"X-Spamgate-Verdict: pass"}), site);
  CHECK(echoed["server"]["SPAMGATE_UNSCORED"] == "1");
  CHECK_FALSE(echoed["server"].contains("SPAMGATE_VERDICT"));
  CHECK_FALSE(echoed["server"].contains("HTTP_X_SPAMGATE_VERDICT"));
  CHECK(echoed["post"]["some-plugin-field"] == "value");
  CHECK(echoed["server"]["REQUEST_URI"] == "/a-page/");
  echoed = reached_php(http_get(site.nginx->url("/a-page/")), site);
  CHECK_FALSE(echoed["server"].contains("SPAMGATE_ID"));
}

TEST_CASE("GET /spamgate/token through nginx: a fresh token for any visitor, never cached") {
  Site site;
  const HttpResponse response = http_get(site.nginx->url("/spamgate/token"));
  INFO(response.body);
  REQUIRE(response.status == 200);
  CHECK(response.header("cache-control") == "no-store");
  const json token = json::parse(response.body);
  CHECK(token["field"] == "sg_token");
  CHECK(token["token"].get<std::string>().find('.') != std::string::npos);
}
