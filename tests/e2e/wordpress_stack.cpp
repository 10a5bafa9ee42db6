// End-to-end: MariaDB + PHP-FPM + nginx + Debian's WordPress with the
// spamgate plugin as a must-use plugin, all on 127.0.0.1 in TempDirs.
// Until the gateway is merged, nginx stands in for it: /spamgate/* goes to
// a capture script (tests/e2e/wordpress/capture.php) and the comment
// location adds SPAMGATE_VERDICT from the test's query string, the way
// spamgate adds it as a FastCGI param. sendmail is a script that fails and
// records any call; the tests assert it is never called.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <openssl/hmac.h>

#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "harness/http_client.h"
#include "harness/mariadb.h"
#include "harness/nginx.h"
#include "harness/php_fpm.h"
#include "harness/process.h"
#include "harness/wordpress.h"

using namespace harness;

namespace {

const std::string kSecret = "e2e-shared-secret-0123456789";

std::string hmac_sha256_hex(const std::string& key, const std::string& data) {
  unsigned char mac[32];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), mac, &length);
  std::string hex;
  static const char* digits = "0123456789abcdef";
  for (unsigned int i = 0; i < length; ++i) {
    hex += digits[mac[i] >> 4];
    hex += digits[mac[i] & 15];
  }
  return hex;
}

// The whole stack, started once for every test case in this file and
// stopped at exit (Process destructors; PR_SET_PDEATHSIG on a crash).
struct Stack {
  TempDir work{"spamgate-wpstack"};
  std::string sendmail = work / "bin/sendmail";
  std::string capture_file = work / "notify.jsonl";
  MariaDb db;
  std::unique_ptr<PhpFpm> fpm;
  std::unique_ptr<Nginx> nginx;
  std::unique_ptr<WordPress> wp;

  Stack() {
    REQUIRE(run("mkdir -p '" + work.path() + "/bin' && cp '" SPAMGATE_SOURCE_DIR "/tests/e2e/wordpress/fake-sendmail' '" +
                sendmail + "'") == 0);
    REQUIRE(db.wait_until_ready());
    std::string error;
    REQUIRE_MESSAGE(db.create_database("wordpress", "wordpress", "wordpress-test-password", &error), error);

    PhpFpmOptions fpm_options;
    fpm_options.children = 4;  // a WordPress request calls the capture script through nginx
    fpm_options.ini = {{"sendmail_path", sendmail}};
    fpm = std::make_unique<PhpFpm>(fpm_options);
    REQUIRE(fpm->wait_until_listening());

    const std::string docroot = work / "docroot";
    const std::string php = fpm->address();
    // Debian's fastcgi_params sends HTTP_HOST as $host, without the port;
    // WordPress on a non-default port would then redirect every page.
    const std::string params = " include fastcgi_params;\n fastcgi_param HTTP_HOST $host:$server_port;\n";
    NginxOptions nginx_options;
    nginx_options.server_body = "root " + docroot + ";\nindex index.php;\n" +
        // Stand-in for spamgate: the verdict param it would add.
        "location = /wp-comments-post.php {\n" + params +
        " fastcgi_param SCRIPT_FILENAME $document_root/wp-comments-post.php;\n"
        " fastcgi_param SPAMGATE_VERDICT $arg_sg_test_verdict if_not_empty;\n"
        " fastcgi_param SPAMGATE_ID $arg_sg_test_id if_not_empty;\n"
        " fastcgi_pass " + php + ";\n}\n" +
        // Stand-in for spamgate's API.
        "location /spamgate/ {\n" + params +
        " fastcgi_param SCRIPT_FILENAME " SPAMGATE_SOURCE_DIR "/tests/e2e/wordpress/capture.php;\n"
        " fastcgi_param CAPTURE_FILE " + capture_file + ";\n fastcgi_pass " + php + ";\n}\n"
        "location / { try_files $uri $uri/ /index.php?$args; }\n"
        "location ~ \\.php$ {\n" + params +
        " fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;\n fastcgi_pass " + php + ";\n}\n";
    nginx = std::make_unique<Nginx>(nginx_options);
    REQUIRE(nginx->wait_until_listening());

    WordPressOptions wp_options;
    wp_options.docroot = docroot;
    wp_options.site_url = nginx->url("");
    wp_options.db_socket = db.socket_path();
    wp_options.constants = {{"SPAMGATE_URL", "'" + nginx->url("") + "'"}, {"SPAMGATE_SECRET", "'" + kSecret + "'"}};
    // Every comment here comes from 127.0.0.1 within seconds: WordPress's
    // flood check would refuse the second one.
    wp_options.mu_plugins = {{"test-no-flood.php", "add_filter( 'wp_is_comment_flood', '__return_false', 99 );"}};
    wp_options.php_ini = {{"sendmail_path", sendmail}};
    wp = std::make_unique<WordPress>(wp_options);
    std::string output;
    REQUIRE_MESSAGE(wp->install(&output), output);
  }

  // Every request the capture script received, oldest first.
  std::vector<nlohmann::json> captured() const {
    std::vector<nlohmann::json> lines;
    std::istringstream in(read_file(capture_file));
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
    return lines;
  }

  // The notify bodies received after the first `skip` captured requests.
  std::vector<nlohmann::json> notifies_since(size_t skip) const {
    std::vector<nlohmann::json> bodies;
    const auto all = captured();
    for (size_t i = skip; i < all.size(); ++i)
      if (all[i]["uri"] == "/spamgate/notify") bodies.push_back(nlohmann::json::parse(all[i]["body"].get<std::string>()));
    return bodies;
  }

  HttpResponse post_comment(const std::string& text, const std::string& query = "") {
    return http_post_form(nginx->url("/wp-comments-post.php" + query),
                          {{"comment_post_ID", std::to_string(wp->post_id())},
                           {"author", "Visitor"},
                           {"email", "visitor@example.com"},
                           {"url", ""},
                           {"comment", text},
                           {"submit", "Post Comment"}});
  }

  std::optional<WpComment> find_comment(const std::string& text) {
    for (auto& c : wp->comments())
      if (c.content == text) return c;
    return std::nullopt;
  }

  bool sendmail_called() const { return file_exists(work / "bin/sendmail-called.log"); }
};

Stack& stack() {
  static Stack instance;
  return instance;
}

}  // namespace

TEST_CASE("WordPress is installed, serves the blog, and runs the plugin as a must-use plugin") {
  Stack& s = stack();
  const HttpResponse home = http_get(s.nginx->url("/"));
  REQUIRE_MESSAGE(home.status == 200, home.error, home.header("location"));
  CHECK(home.body.find("spamgate test blog") != std::string::npos);
  CHECK(s.wp->php("echo function_exists( 'spamgate_pre_wp_mail' ) ? 'plugin loaded' : 'missing';")
            .find("plugin loaded") != std::string::npos);
}

TEST_CASE("the comment form carries an empty honeypot and a fresh token signed with the shared secret") {
  Stack& s = stack();
  const HttpResponse post = http_get(s.nginx->url("/?p=" + std::to_string(s.wp->post_id())));
  REQUIRE(post.status == 200);
  CHECK(post.body.find(R"(name="sg_website" id="sg_website" value="" tabindex="-1" autocomplete="off")") !=
        std::string::npos);
  const std::string marker = R"(name="sg_token" value=")";
  const size_t at = post.body.find(marker);
  REQUIRE(at != std::string::npos);
  const std::string token = post.body.substr(at + marker.size(), post.body.find('"', at + marker.size()) - at - marker.size());
  const size_t dot = token.find('.');
  REQUIRE(dot != std::string::npos);
  const std::string stamp = token.substr(0, dot);
  CHECK(token.substr(dot + 1) == hmac_sha256_hex(kSecret, stamp));
  CHECK(std::labs(std::stol(stamp) - static_cast<long>(std::time(nullptr))) < 60);
}

TEST_CASE("a comment that reaches WordPress without spamgate is held as spam and flagged for the admin") {
  Stack& s = stack();
  const size_t before = s.captured().size();
  const std::string text = "Bypass comment " + std::to_string(std::time(nullptr));
  const HttpResponse response = s.post_comment(text);
  CHECK_MESSAGE(response.status == 302, response.body);
  std::optional<WpComment> comment = s.find_comment(text);
  REQUIRE_MESSAGE(comment, s.wp->debug_log());
  CHECK(comment->approved == "spam");
  CHECK(comment->meta["_spamgate_outcome"] == "bypass");
  const std::string flag = s.wp->option_json("spamgate_problem_bypass");
  CHECK(flag.find("without passing spamgate") != std::string::npos);
  CHECK(flag.find("wp-comments-post.php") != std::string::npos);
  CHECK(s.notifies_since(before).empty());  // no moderation mail for it
}

TEST_CASE("spamgate's verdict param decides: hold is spam without mail, pass keeps WordPress's decision") {
  Stack& s = stack();
  const std::string held = "Held comment " + std::to_string(std::time(nullptr));
  size_t before = s.captured().size();
  CHECK(s.post_comment(held, "?sg_test_verdict=hold&sg_test_id=sub-held").status == 302);
  std::optional<WpComment> held_comment = s.find_comment(held);
  REQUIRE(held_comment);
  CHECK(held_comment->approved == "spam");
  CHECK(held_comment->meta["_spamgate_outcome"] == "hold");
  CHECK(held_comment->meta["_spamgate_id"] == "sub-held");
  CHECK(s.notifies_since(before).empty());

  const std::string passed = "Passed comment " + std::to_string(std::time(nullptr));
  before = s.captured().size();
  CHECK(s.post_comment(passed, "?sg_test_verdict=pass&sg_test_id=sub-pass").status == 302);
  std::optional<WpComment> passed_comment = s.find_comment(passed);
  REQUIRE(passed_comment);
  CHECK(passed_comment->approved == "1");  // moderation is off on this blog
  CHECK(passed_comment->meta["_spamgate_id"] == "sub-pass");
  // WordPress tells the post's author about the new comment, through spamgate.
  const auto mails = s.notifies_since(before);
  REQUIRE(mails.size() == 1);
  CHECK(mails[0]["recipient"] == "owner@example.org");
  CHECK(mails[0]["text"].get<std::string>().find(passed) != std::string::npos);
  CHECK_FALSE(s.sendmail_called());
}

TEST_CASE("marking a comment as spam sends feedback with spamgate's submission id") {
  Stack& s = stack();
  const std::string text = "Feedback comment " + std::to_string(std::time(nullptr));
  REQUIRE(s.post_comment(text, "?sg_test_verdict=pass&sg_test_id=sub-feedback").status == 302);
  std::optional<WpComment> comment = s.find_comment(text);
  REQUIRE(comment);
  const size_t before = s.captured().size();
  s.wp->php("wp_spam_comment( " + std::to_string(comment->id) + " );");
  const auto all = s.captured();
  REQUIRE(all.size() == before + 1);
  CHECK(all[before]["uri"] == "/spamgate/feedback");
  CHECK(all[before]["authorization"] == "Bearer " + kSecret);
  const auto body = nlohmann::json::parse(all[before]["body"].get<std::string>());
  CHECK(body["decision"] == "spam");
  CHECK(body["comment_id"] == comment->id);
  CHECK(body["submission_id"] == "sub-feedback");
  CHECK(body["email"] == "visitor@example.com");
  CHECK(body["ip"] == "127.0.0.1");
}

TEST_CASE("wp_mail goes to POST /spamgate/notify with the shared secret, never to sendmail") {
  Stack& s = stack();
  const size_t before = s.captured().size();
  const HttpResponse response =
      http_post_form(s.nginx->url("/wp-login.php?action=lostpassword"), {{"user_login", "admin"}, {"redirect_to", ""}});
  CHECK_MESSAGE(response.status == 302, response.body);
  CHECK(response.header("location").find("checkemail=confirm") != std::string::npos);
  const auto all = s.captured();
  REQUIRE(all.size() == before + 1);
  CHECK(all[before]["method"] == "POST");
  CHECK(all[before]["uri"] == "/spamgate/notify");
  CHECK(all[before]["authorization"] == "Bearer " + kSecret);
  CHECK(all[before]["content_type"] == "application/json");
  const auto body = nlohmann::json::parse(all[before]["body"].get<std::string>());
  CHECK(body["recipient"] == "owner@example.org");
  CHECK(body["subject"].get<std::string>().find("Password Reset") != std::string::npos);
  CHECK(body["text"].get<std::string>().find("action=rp") != std::string::npos);
  CHECK_FALSE(body.contains("reply_to"));
  CHECK_FALSE(s.sendmail_called());
}

TEST_CASE("when spamgate refuses, the mail fails visibly and WordPress still does not fall back to sendmail") {
  Stack& s = stack();
  write_file(s.capture_file + ".down", "");
  const HttpResponse response =
      http_post_form(s.nginx->url("/wp-login.php?action=lostpassword"), {{"user_login", "admin"}, {"redirect_to", ""}});
  std::remove((s.capture_file + ".down").c_str());
  CHECK(response.status == 200);  // WordPress shows its "could not be sent" error on the form
  CHECK(response.body.find("could not be sent") != std::string::npos);
  const std::string problem = s.wp->option_json("spamgate_problem_mail");
  CHECK(problem.find("HTTP 503") != std::string::npos);
  CHECK(problem.find(kSecret) == std::string::npos);
  CHECK_FALSE(s.sendmail_called());
}
