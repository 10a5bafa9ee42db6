// The owner's review of blocked submissions: the store's queries and
// decisions, the /spamgate/submissions and /spamgate/personal-data
// endpoints driven through a real Gateway (rules, SQLite store, learner; no
// PHP-FPM and no mail), and the digest's text.
#include <doctest/doctest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "gateway_site.h"
#include "http/gateway.h"
#include "learning/feedback_channel.h"
#include "learning/learner.h"
#include "mail/review_digest.h"
#include "store/feedback_log.h"
#include "store/stored_history.h"
#include "store/submission_log.h"
#include "support/eventually.h"
#include "support/temp_dir.h"
#include "upstream/fastcgi_client.h"

using namespace spamgate;

using testing::Site;

TEST_CASE("a rejected comment is listed with every field WordPress needs to recreate it, and its reasons") {
  Site site;
  CHECK(site.comment("Bot", "bot@spam.example", "buy+spamword+now", 7, 3) == 403);
  CHECK(site.comment("Ann", "ann@example.org", "a+kind+word") == 502);  // passed: to the (absent) PHP-FPM
  const nlohmann::json page = site.list();
  REQUIRE(page["total"] == 1);
  const nlohmann::json& item = page["items"][0];
  CHECK(item["action"] == "reject");
  CHECK(item["kind"] == "comment");
  CHECK(item["author"] == "Bot");
  CHECK(item["email"] == "bot@spam.example");
  CHECK(item["body"] == "buy spamword now");
  CHECK(item["post_id"] == 7);
  CHECK(item["parent"] == 3);
  CHECK(item["ip"] == "192.0.2.7");
  CHECK(item["created_at"] == 1'700'000'000);
  CHECK(item["decision"].is_null());
  CHECK(item["hits"][0]["rule"] == "TEST_SPAM");
  CHECK(item["hits"][0]["description"] == "The test's spam word");
  CHECK(page["reasons"][0]["rule"] == "TEST_SPAM");
  CHECK(page["reasons"][0]["count"] == 1);

  const HttpResponse one = site.request("GET", "/spamgate/submissions/" + item["id"].get<std::string>());
  CHECK(one.status == 200);
  CHECK(nlohmann::json::parse(one.body)["body"] == "buy spamword now");
}

TEST_CASE("the list filters by action, rule, kind, time and text, pages newest first, and can leave out held comments") {
  Site site;
  for (int i = 0; i < 25; ++i) {
    site.clock.advance(std::chrono::seconds(10));
    CHECK(site.comment("Bot" + std::to_string(i), "bot@spam.example", "spamword+" + std::to_string(i)) == 403);
  }
  site.clock.advance(std::chrono::seconds(10));
  CHECK(site.comment("Maybe", "maybe@example.org", "holdword+here") == 502);  // held: forwarded to WordPress
  const int64_t late = unix_seconds(site.clock.now());

  nlohmann::json all = site.list();
  CHECK(all["total"] == 26);
  CHECK(all["items"].size() == 20);
  CHECK(all["items"][0]["author"] == "Maybe");  // newest first
  CHECK(all["items"][1]["author"] == "Bot24");
  nlohmann::json second = site.list("?page=2");
  CHECK(second["items"].size() == 6);
  CHECK(second["items"][5]["author"] == "Bot0");
  CHECK(site.list("?per_page=5&page=3")["items"][0]["author"] == "Bot15");

  CHECK(site.list("?action=hold")["total"] == 1);
  CHECK(site.list("?rule=TEST_HOLD")["total"] == 1);
  CHECK(site.list("?rule=TEST_HOLD")["reasons"].size() == 2);  // the reasons ignore the rule filter
  CHECK(site.list("?rule=TEST")["total"] == 0);                // whole rule names only
  CHECK(site.list("?held_comments=exclude")["total"] == 25);
  CHECK(site.list("?kind=contact")["total"] == 0);
  CHECK(site.list("?since=" + std::to_string(late))["total"] == 1);
  CHECK(site.list("?q=Bot1")["total"] == 11);  // Bot1, Bot10..Bot19
  CHECK(site.list("?q=%25")["total"] == 0);    // a literal %, not a wildcard

  // Longer than SQLite's LIKE pattern allows: a reason, not "cannot be read right now".
  const HttpResponse too_long = site.request("GET", "/spamgate/submissions?q=" + std::string(50000, 'a'));
  CHECK(too_long.status == 400);
  CHECK(too_long.body.find("q must be at most 24999 bytes") != std::string::npos);
  CHECK(site.request("GET", "/spamgate/submissions?q=" + std::string(25000, 'a')).status == 400);
  std::string percents;  // the longest q, every byte escaped in the pattern
  for (size_t i = 0; i < kMaxReviewTextBytes; ++i) percents += "%25";
  CHECK(site.list("?q=" + percents)["total"] == 0);
  // Japanese text is found by any part of it ("こんにちは" by "こん").
  CHECK(site.comment("%E5%B1%B1%E7%94%B0", "yamada@example.jp", "spamword+%E3%81%93%E3%82%93%E3%81%AB%E3%81%A1%E3%81%AF") == 403);
  const nlohmann::json japanese = site.list("?q=%E3%81%93%E3%82%93");
  REQUIRE(japanese["total"] == 1);
  CHECK(japanese["items"][0]["author"] == "山田");

  CHECK(site.request("GET", "/spamgate/submissions?action=pass").status == 400);
  CHECK(site.request("GET", "/spamgate/submissions?per_page=500").status == 400);
  CHECK(site.request("GET", "/spamgate/submissions?page=x").status == 400);
  CHECK(site.request("GET", "/spamgate/submissions", "", "", false).status == 401);
}

TEST_CASE("a decision is stored on the submission and in the feedback log; repeated, the later one stands") {
  Site site;
  CHECK(site.comment("Bot", "bot@spam.example", "spamword") == 403);
  const std::string id = site.list()["items"][0]["id"];

  HttpResponse ham = site.decide(id, R"({"decision":"ham","comment_id":42})");
  REQUIRE_MESSAGE(ham.status == 200, ham.body);
  nlohmann::json answer = nlohmann::json::parse(ham.body);
  CHECK(answer["previous"].is_null());
  CHECK(answer["item"]["decision"] == "ham");
  CHECK(answer["mailed"] == false);
  CHECK(site.list()["total"] == 0);  // it leaves the list of undecided submissions
  CHECK(site.list("?decided=1")["items"][0]["decision"] == "ham");

  site.clock.advance(std::chrono::seconds(5));
  HttpResponse spam = site.decide(id, R"({"decision":"spam","comment_id":42})");
  REQUIRE(spam.status == 200);
  CHECK(nlohmann::json::parse(spam.body)["previous"] == "ham");
  CHECK(site.list("?decided=all")["items"][0]["decision"] == "spam");

  auto labels = site.feedback->labels();
  REQUIRE(labels.ok());
  REQUIRE(labels->size() == 1);  // the same comment: the later decision replaced the first
  CHECK(labels->at(0).decision == "spam");
  CHECK(labels->at(0).submission_id == id);
  CHECK(labels->at(0).body == "spamword");
  CHECK(labels->at(0).source == "review");
  CHECK(site.learner->status()["spam"] == 1);
}

TEST_CASE("a decision on an unknown, passed or malformed id is refused with a reason") {
  Site site;
  CHECK(site.comment("Ann", "ann@example.org", "hello") == 502);
  REQUIRE(site.log->flush().ok());
  auto passed = site.log->recent(1);
  REQUIRE(passed->size() == 1);

  HttpResponse unknown = site.decide("0123456789abcdef", R"({"decision":"ham"})");
  CHECK(unknown.status == 404);
  CHECK(unknown.body.find("retention") != std::string::npos);
  CHECK(site.decide(passed->at(0).id, R"({"decision":"ham"})").status == 404);
  CHECK(site.request("GET", "/spamgate/submissions/0123456789abcdef").status == 404);
  CHECK(site.decide("../../etc", R"({"decision":"ham"})").status == 404);
  CHECK(site.decide("0123456789abcdef", R"({"decision":"maybe"})").status == 400);
  CHECK(site.decide("0123456789abcdef", "not json").status == 400);
  CHECK(site.decide("0123456789abcdef", R"({"decision":"ham","comment_id":"x"})").status == 400);
  CHECK(site.request("GET", "/spamgate/submissions/0123456789abcdef/decision").status == 405);
  CHECK(site.feedback->recent(10)->empty());
}

TEST_CASE("an expired submission cannot be decided: retention deleted it") {
  testing::TempDir dir;
  ManualClock clock;
  SubmissionLogOptions options;
  options.retention_days = 1;
  options.retention_interval = std::chrono::seconds(60);
  auto log = SubmissionLog::open(dir / "s.db", options, clock);
  REQUIRE(log.ok());
  SubmissionRecord row;
  row.id = "00000000000000aa";
  row.created_at = unix_seconds(clock.now());
  row.action = "reject";
  row.kind = "comment";
  row.content = R"({"author":"A","email":"a@example.org","body":"x"})";
  (*log)->record(row);
  REQUIRE((*log)->flush().ok());
  CHECK((*log)->decide(row.id, "ham", row.created_at)->has_value());
  clock.advance(std::chrono::hours(25));
  REQUIRE((*log)->flush().ok());
  CHECK_FALSE((*log)->decide(row.id, "ham", row.created_at)->has_value());
}

TEST_CASE("a rescued contact message is delivered once, however often it is rescued") {
  testing::TempDir dir;
  ManualClock clock;
  auto log = SubmissionLog::open(dir / "s.db", SubmissionLogOptions{}, clock);
  REQUIRE(log.ok());
  CHECK_FALSE(*(*log)->claim_delivery("00000000000000ab", 1));  // no such submission
  SubmissionRecord row;
  row.id = "00000000000000ac";
  row.created_at = unix_seconds(clock.now());
  row.action = "hold";
  row.kind = "contact";
  row.content = "{}";
  (*log)->record(row);
  REQUIRE((*log)->flush().ok());
  CHECK(*(*log)->claim_delivery(row.id, 5));
  CHECK_FALSE(*(*log)->claim_delivery(row.id, 6));
  REQUIRE((*log)->release_delivery(row.id).ok());
  CHECK(*(*log)->claim_delivery(row.id, 7));
}

TEST_CASE("privacy: a commenter's data is exported and erased by e-mail address, and erasing unlearns it") {
  Site site;
  CHECK(site.comment("Bot", "Bot@Spam.example", "spamword+one") == 403);
  CHECK(site.comment("Bot", "bot@spam.example", "spamword+two") == 403);
  CHECK(site.comment("Other", "other@example.org", "spamword+three") == 403);
  const nlohmann::json page = site.list("?q=one");
  REQUIRE(site.decide(page["items"][0]["id"], R"({"decision":"spam"})").status == 200);

  HttpResponse exported = site.request("GET", "/spamgate/personal-data?email=bot%40spam.example");
  REQUIRE_MESSAGE(exported.status == 200, exported.body);
  nlohmann::json data = nlohmann::json::parse(exported.body);
  CHECK(data["submissions"].size() == 2);  // the address matches case-insensitively
  CHECK(data["decisions"].size() == 1);
  CHECK(data["decisions"][0]["body"] == "spamword one");
  CHECK(site.learner->status()["spam"] == 1);

  HttpResponse erased = site.request("POST", "/spamgate/personal-data/erase", R"({"email":"BOT@spam.example"})");
  REQUIRE_MESSAGE(erased.status == 200, erased.body);
  CHECK(nlohmann::json::parse(erased.body) == nlohmann::json{{"submissions_erased", 2}, {"decisions_erased", 1}, {"mails_erased", 0}});
  // The learner's thread unlearns it by a rebuild, at once (not on the request's thread).
  CHECK(testing::eventually([&] { return site.learner->status()["spam"] == 0; }, std::chrono::seconds(2)));
  CHECK(site.learner->status()["exact"] == true);
  CHECK(site.list()["total"] == 1);  // the other commenter's stays
  data = nlohmann::json::parse(site.request("GET", "/spamgate/personal-data?email=bot%40spam.example").body);
  CHECK(data["submissions"].empty());
  CHECK(data["decisions"].empty());

  CHECK(site.request("GET", "/spamgate/personal-data").status == 400);
  CHECK(site.request("POST", "/spamgate/personal-data/erase", R"({"email":""})").status == 400);
  CHECK(site.request("GET", "/spamgate/personal-data?email=a%40b", "", "", false).status == 401);
}

TEST_CASE("the digest's text counts by action, ranks reasons, lists items and says where to review them") {
  Config config;
  config.mail.from_address = "notify@blog.example";
  config.review.digest = DigestPeriod::daily;
  config.review.screen_url = "https://blog.example/wp-admin/edit-comments.php?page=spamgate-blocked";
  ReviewDigestInput in;
  in.since = 1'700'000'000;
  in.until = in.since + 86400;
  in.held = 2;
  in.rejected = 30;
  in.discarded = 1;
  in.reasons = {{"TEST_SPAM", 30}, {"TEST_HOLD", 2}};
  SubmissionRecord item;
  item.created_at = in.since + 60;
  item.kind = "comment";
  item.action = "reject";
  item.rules = "TEST_SPAM";
  item.content = R"({"author":"Bot\r\nBcc: x@y","email":"bot@spam.example","body":"line one\nline two\nline three"})";
  in.items = {item};
  in.more = 31;
  const ReviewDigestText text = review_digest_text(config, in);
  CHECK(text.subject == "[blog.example] spamgate digest: 33 blocked since 2023-11-14 22:13 UTC");
  CHECK(text.body.find("  rejected   30\n") != std::string::npos);
  CHECK(text.body.find("  held       2\n") != std::string::npos);
  CHECK(text.body.find("30    TEST_SPAM") != std::string::npos);
  CHECK(text.body.find(config.review.screen_url) != std::string::npos);
  CHECK(text.body.find("Bot\\r\\nBcc: x@y <bot@spam.example>") != std::string::npos);  // never a raw line break
  CHECK(text.body.find("  | line one\n  | line two\n") != std::string::npos);
  CHECK(text.body.find("line three") == std::string::npos);
  CHECK(text.body.find("... and 31 more") != std::string::npos);
}

TEST_CASE("the review digest counts forged bounces with SPF/DKIM/DMARC advice, and is due for them alone") {
  Config config;
  config.mail.from_address = "notify@blog.example";
  config.review.digest = DigestPeriod::daily;
  ReviewDigestInput in;
  in.since = 1'700'000'000;
  in.until = in.since + 86400;
  CHECK(review_digest_text(config, in).body.find("FORGED ADDRESS") == std::string::npos);
  in.forged_bounces = 4;
  const std::string body = review_digest_text(config, in).body;
  CHECK(body.find("Bounces of mail spamgate never sent, with no sign it went through your account: 4.") !=
        std::string::npos);
  CHECK(body.find("FORGED ADDRESS: someone sent mail from their own servers with notify@blog.example as the sender") !=
        std::string::npos);
  CHECK(body.find("publish for blog.example an SPF record") != std::string::npos);
  CHECK(body.find("DMARC record with p=quarantine or p=reject") != std::string::npos);
}
