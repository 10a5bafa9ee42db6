// util/json_text.h and the typed to_json functions: text only at the
// edges, UTF-8 (Japanese included) written as it is, never \u-escaped.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "store/feedback_log.h"
#include "store/submission_log.h"
#include "util/json_text.h"

using namespace spamgate;

TEST_CASE("json_text: compact, UTF-8 as it is, ill-formed UTF-8 replaced instead of thrown") {
  CHECK(json_text(nlohmann::json{{"body", "日本語のコメント"}, {"n", 1}}) == "{\"body\":\"日本語のコメント\",\"n\":1}");
  CHECK(json_text(nlohmann::json("a\xff" "b")) == "\"a\xEF\xBF\xBD" "b\"");
  CHECK(json_text(nlohmann::json("tab\t\"quote\"")) == R"("tab\t\"quote\"")");
  nlohmann::ordered_json ordered;
  ordered["z"] = "最後";
  ordered["a"] = "最初";
  CHECK(json_text(ordered) == "{\"z\":\"最後\",\"a\":\"最初\"}");
}

TEST_CASE("parse_json_or_discarded: stored JSON back, anything else discarded, never thrown") {
  CHECK(parse_json_or_discarded(R"({"author":"佐藤"})")["author"] == "佐藤");
  CHECK(parse_json_or_discarded("").is_discarded());
  CHECK(parse_json_or_discarded("{\"cut\":").is_discarded());
  CHECK(parse_json_or_discarded("\"\xC0\xAF\"").is_discarded());  // ill-formed UTF-8
}

TEST_CASE("parse_json_body: a client's body, members in order, or a reason on one line") {
  Result<nlohmann::ordered_json> body = parse_json_body(R"({"z": "ゼット", "a": 1})");
  REQUIRE(body);
  CHECK(body->begin().key() == "z");
  Result<nlohmann::ordered_json> broken = parse_json_body("{\"z\":\n");
  REQUIRE_FALSE(broken);
  CHECK(broken.error().rfind("invalid JSON: parse error at line 2", 0) == 0);
  CHECK(broken.error().find('\n') == std::string::npos);
}

TEST_CASE("a feedback record goes to JSON and back unchanged, Japanese text included") {
  FeedbackRecord f;
  f.id = 4;
  f.created_at = 1700000000;
  f.submission_id = "0123456789abcdef";
  f.comment_id = 42;
  f.decision = "spam";
  f.author = "山田太郎";
  f.email = "taro@example.jp";
  f.body = "今すぐ登録してください\n二行目";
  f.kind = "contact";
  f.subject = "お問い合わせ";
  f.source = "wordpress";
  const nlohmann::json json = f;
  CHECK(json["comment_id"] == 42);
  CHECK(json_text(json).find("今すぐ登録してください\\n二行目") != std::string::npos);
  Result<FeedbackRecord> back = feedback_record_from_json(parse_json_or_discarded(json_text(json)));
  REQUIRE(back);
  CHECK(back->author == f.author);
  CHECK(back->body == f.body);
  CHECK(back->subject == f.subject);
  CHECK(back->comment_id == f.comment_id);
  CHECK(back->created_at == f.created_at);
  CHECK(feedback_record_from_json(nlohmann::json{{"author", 3}}).error() == "a feedback record's author is not a string");
  CHECK_FALSE(feedback_record_from_json(nlohmann::json::array()));
}

TEST_CASE("the dashboard's statistics: days and top rules as the plugin reads them") {
  SubmissionStats stats;
  stats.days = {{"2026-12-06", 3, 1, 2, 0}};
  stats.top_rules = {{"出会い系", 5}};
  CHECK(json_text(stats) ==
        R"({"days":[{"date":"2026-12-06","discard":0,"hold":1,"pass":3,"reject":2}],"top_rules":[{"hits":5,"rule":"出会い系"}]})");
  CHECK(json_text(SubmissionStats{}) == R"({"days":[],"top_rules":[]})");
}
