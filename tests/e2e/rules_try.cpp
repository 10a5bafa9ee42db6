// `spamgate rules try` and POST /spamgate/rules/try against a real store:
// nginx → spamgate → PHP-FPM (tests/e2e/php/echo.php standing in for
// WordPress). Japanese comments are posted for real, so the passed ones
// keep their text ([review] keep_passed_days) beside the held one; the
// owner's decisions go through /spamgate/feedback. Then a Japanese rule is
// tried from the CLI and over HTTP: the passed dating spam is newly
// blocked, the ham it would catch is counted as "marked not spam", bad
// lines are errors located as `rules lint` words them, and the privacy
// erase takes the passed text with it.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "harness/http_client.h"
#include "harness/mail_inspect.h"
#include "harness/nginx.h"
#include "harness/php_fpm.h"
#include "harness/spamgate_server.h"
#include "support/site_rules.h"

using namespace harness;
using nlohmann::json;

namespace {

const std::string kSecret = "rules-try-secret-5d1c";

const char* kRules = R"(body  TEST_HOLD  /\bholdword\b/i
score TEST_HOLD  6
)";

const std::string kRelaxed = std::string(spamgate::testing::kRelaxedChecks) + R"([limits]
max_body_bytes = 65536
)";

const char* kDating = "body DATING /出会い系/\nscore DATING 6\ndescribe DATING 出会い系サイトの宣伝\n";

struct Stack {
  PhpFpm fpm;
  SpamgateServer spamgate;
  Nginx nginx;

  Stack()
      : spamgate(SpamgateOptions{fpm.address(), kRules, true, kRelaxed, kSecret, 4}),
        nginx([this] {
          NginxOptions options;
          options.server_body =
              echo_comment_location(spamgate.address()) + fastcgi_location("/spamgate/", spamgate.address());
          return options;
        }()) {
    REQUIRE_MESSAGE(fpm.wait_until_listening(), fpm.error_log());
    REQUIRE_MESSAGE(spamgate.wait_until_listening(), spamgate.log());
    REQUIRE_MESSAGE(nginx.wait_until_listening(), nginx.error_log());
  }

  // Posts a comment; returns spamgate's id for it (SPAMGATE_ID as PHP saw it).
  std::string comment(const std::string& author, const std::string& email, const std::string& text) {
    const HttpResponse response = http_post_form(nginx.url("/wp-comments-post.php"),
                                                 {{"comment", text}, {"author", author}, {"email", email},
                                                  {"url", ""}, {"comment_post_ID", "1"}, {"comment_parent", "0"}});
    REQUIRE_MESSAGE(response.status == 200, response.body);
    const json echo = json::parse(response.body);
    return echo["server"]["SPAMGATE_ID"].get<std::string>();
  }

  HttpResponse api(const std::string& method, const std::string& path, const std::string& body,
                   bool with_secret = true) const {
    HttpRequest request;
    request.method = method;
    request.url = nginx.url(path);
    if (with_secret) request.headers.push_back("Authorization: Bearer " + kSecret);
    request.headers.push_back("Content-Type: application/json");
    request.body = body;
    return http(request);
  }

  std::string write(const std::string& name, const std::string& text) const {
    const std::string path = spamgate.dir() + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
};

}  // namespace

TEST_CASE("a Japanese rule tried on the stored history: CLI and endpoint agree, bad lines are located, nothing changes") {
  Stack stack;
  INFO(stack.spamgate.log());
  const std::string spam = stack.comment("美咲", "misaki@deai.example", "出会い系サイトで今すぐ会える！登録無料です");
  const std::string ham = stack.comment("田中 一郎", "tanaka@example.jp",
                                        "出会い系詐欺についての記事、家族にも読ませます。参考になりました。");
  stack.comment("鈴木", "suzuki@example.jp", "いつも楽しく拝見しています。写真がきれいですね。");
  stack.comment("bot", "bot@example.net", "holdword 格安ブランド品");
  const std::string db = stack.spamgate.database_path();
  REQUIRE(eventually([&] { return sqlite_query(db, "SELECT count(*) FROM submissions WHERE content IS NOT NULL") == "4"; }));
  CHECK(sqlite_query(db, "SELECT count(*) FROM submissions WHERE action = 'pass'") == "3");

  // The owner's decisions, as the plugin reports them.
  for (const auto& [id, decision] : {std::pair{spam, "spam"}, {ham, "ham"}}) {
    const HttpResponse stored = stack.api("POST", "/spamgate/feedback",
                                          json{{"decision", decision}, {"submission_id", id}}.dump());
    REQUIRE_MESSAGE(stored.status == 200, stored.body);
  }

  const std::string candidate = stack.write("dating.rules", kDating);
  // Trying changes nothing: the store, the rule files, the live rules.
  const std::string rows_before = sqlite_query(db, "SELECT count(*) FROM submissions");
  auto nothing_changed = [&] {
    CHECK(sqlite_query(db, "SELECT count(*) FROM submissions") == rows_before);
    const HttpResponse again = http_post_form(stack.nginx.url("/wp-comments-post.php"),
                                              {{"comment", "出会い系サイトの宣伝です"}, {"author", "x"},
                                               {"comment_post_ID", "1"}});
    CHECK(json::parse(again.body)["server"]["SPAMGATE_VERDICT"] == "pass");
  };

  SUBCASE("spamgate rules try FILE") {
    std::string out;
    REQUIRE_MESSAGE(stack.spamgate.cli("rules try --json " + candidate, &out) == 0, out);
    const json report = json::parse(out);
    CHECK(report["scored"] == 4);
    CHECK(report["labelled"] == 2);
    CHECK(report["newly_blocked"]["count"] == 2);
    CHECK(report["newly_blocked"]["marked_not_spam"] == 1);
    CHECK(report["newly_passed"]["count"] == 0);
    REQUIRE(report["rules"].size() == 1);
    CHECK(report["rules"][0]["rule"] == "DATING");
    REQUIRE(report["rules"][0]["examples"].size() == 2);
    CHECK(report["rules"][0]["examples"][0]["text"].get<std::string>().rfind("田中 一郎: 出会い系詐欺", 0) == 0);
    CHECK(report["rules"][0]["examples"][0]["owner"] == "not spam");
    CHECK(report["rules"][0]["examples"][1]["owner"] == "spam");

    REQUIRE(stack.spamgate.cli("rules try " + candidate, &out) == 0);
    CHECK(out.find("newly blocked:     2 (1 of them marked not spam by the owner)") != std::string::npos);
    CHECK(out.find("DATING: 2 newly blocked (1 not spam)") != std::string::npos);
    CHECK(out.find("美咲: 出会い系サイトで今すぐ会える") != std::string::npos);

    // A bad line: the error `rules lint` gives, exit status 2.
    const std::string bad = stack.write("bad.rules", "# 出会い系\nbody JA_BAD /(出会い系/\n");
    std::string lint, tried;
    CHECK(run(spamgate_binary() + " rules lint " + bad + " 2>&1", &lint) == 1);  // lint takes no config
    CHECK(stack.spamgate.cli("rules try " + bad, &tried) == 2);
    const std::string error = lint.substr(0, lint.find('\n'));
    CHECK(error.rfind(bad + ":2: JA_BAD: invalid regex", 0) == 0);
    CHECK(tried.find(error) != std::string::npos);
    nothing_changed();
  }

  SUBCASE("POST /spamgate/rules/try") {
    CHECK(stack.api("POST", "/spamgate/rules/try", json{{"rules", kDating}}.dump(), false).status == 401);
    CHECK(stack.api("GET", "/spamgate/rules/try", "").status == 405);
    CHECK(stack.api("POST", "/spamgate/rules/try", "{not json").status == 400);
    CHECK(stack.api("POST", "/spamgate/rules/try", json{{"lines", kDating}}.dump()).status == 400);
    CHECK(stack.api("POST", "/spamgate/rules/try", json{{"rules", "  \n"}}.dump()).status == 400);

    const HttpResponse tried = stack.api("POST", "/spamgate/rules/try", json{{"rules", kDating}}.dump());
    REQUIRE_MESSAGE(tried.status == 200, tried.body);
    const json report = json::parse(tried.body);
    CHECK(report["newly_blocked"]["count"] == 2);
    CHECK(report["newly_blocked"]["marked_not_spam"] == 1);
    CHECK(report["rules"][0]["rule"] == "DATING");

    const HttpResponse bad =
        stack.api("POST", "/spamgate/rules/try", json{{"rules", "body OK /ok/\nbody JA_BAD /(出会い系/\ninclude /etc/passwd\n"}}.dump());
    CHECK(bad.status == 400);
    const json errors = json::parse(bad.body);
    REQUIRE(errors["errors"].size() == 1);
    CHECK(errors["errors"][0].get<std::string>().rfind("candidate:3: include cannot be tried from pasted lines", 0) == 0);
    const json invalid = json::parse(
        stack.api("POST", "/spamgate/rules/try", json{{"rules", "body OK /ok/\nbody JA_BAD /(出会い系/\n"}}.dump()).body);
    REQUIRE(invalid["errors"].size() == 1);
    CHECK(invalid["errors"][0].get<std::string>().rfind("candidate:2: JA_BAD: invalid regex", 0) == 0);

    // Over [limits] max_body_bytes: 413, as every endpoint.
    const HttpResponse huge = stack.api("POST", "/spamgate/rules/try", json{{"rules", std::string(100000, '#')}}.dump());
    CHECK(huge.status == 413);
    nothing_changed();
  }

  SUBCASE("the privacy export shows the passed text and the erase takes it out of the history") {
    const HttpResponse exported = stack.api("GET", "/spamgate/personal-data?email=misaki%40deai.example", "");
    REQUIRE(exported.status == 200);
    const json data = json::parse(exported.body);
    REQUIRE(data["submissions"].size() == 1);
    CHECK(data["submissions"][0]["action"] == "pass");
    const HttpResponse erased =
        stack.api("POST", "/spamgate/personal-data/erase", json{{"email", "misaki@deai.example"}}.dump());
    REQUIRE_MESSAGE(erased.status == 200, erased.body);
    CHECK(sqlite_query(db, "SELECT count(*) FROM submissions WHERE instr(content, '美咲') > 0") == "0");
    const json report = json::parse(stack.api("POST", "/spamgate/rules/try", json{{"rules", kDating}}.dump()).body);
    CHECK(report["scored"] == 3);
    CHECK(report["newly_blocked"]["count"] == 1);
  }
}
