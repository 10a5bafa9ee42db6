// The learning stream's decoders (learning/learning_event.h): whatever a
// stream entry or the snapshot in Redis holds, they answer a decoded value
// or a reason, and never throw. On the code before them, an entry
// `op forget data {"id":1}` threw "type must be string" out of the learning
// thread and terminated every node, at every restart.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "learning/learning_event.h"
#include "shared/event_stream.h"

using namespace spamgate;

namespace {

// decode_learning_event, with any exception turned into a failed check.
Result<LearningEvent> decode(const std::string& op, const std::string& data) {
  try {
    return decode_learning_event(op, data);
  } catch (const std::exception& e) {
    FAIL("decode_learning_event threw: " << e.what() << " (op " << op << ", data " << data << ")");
  }
  return Error{"unreachable"};
}

}  // namespace

TEST_CASE("learning events: what the nodes publish decodes back to the same event") {
  FeedbackRecord f;
  f.created_at = 1700000000;
  f.comment_id = 42;
  f.decision = "spam";
  f.author = "山田 太郎";
  f.email = "taro@example.jp";
  f.body = "格安のブランド品をお届けします";
  LearningEvent one{LearningEvent::Op::record, {f}, ""};
  Result<LearningEvent> back = decode("record", encode_learning_event(one));
  REQUIRE(back.ok());
  REQUIRE(back->decisions.size() == 1);
  CHECK(back->decisions[0].author == "山田 太郎");
  CHECK(back->decisions[0].body == f.body);
  CHECK(back->decisions[0].comment_id == 42);

  LearningEvent all{LearningEvent::Op::record_all, {f, f}, ""};
  back = decode("record_all", encode_learning_event(all));
  REQUIRE(back.ok());
  CHECK(back->decisions.size() == 2);

  back = decode("forget", encode_learning_event({LearningEvent::Op::forget, {}, "c:42"}));
  REQUIRE(back.ok());
  CHECK(back->target == "c:42");
  back = decode("forget_email", encode_learning_event({LearningEvent::Op::forget_email, {}, "taro@example.jp"}));
  REQUIRE(back.ok());
  CHECK(back->op == LearningEvent::Op::forget_email);
  CHECK(back->target == "taro@example.jp");

  const LearningEvent erasure = erase_event_for_stream("Taro@Example.JP", 1800000000);
  const std::string data = encode_learning_event(erasure);
  CHECK(data.find("taro") == std::string::npos);  // the address travels as its digest only
  back = decode("forget_email", data);
  REQUIRE(back.ok());
  CHECK(back->hashed);
  CHECK(back->target == email_digest("taro@example.jp"));
  CHECK(back->erased_at == 1800000000);
}

TEST_CASE("learning events: malformed entries give a reason, never an exception") {
  const std::vector<std::pair<std::string, std::string>> hostile = {
      {"forget", R"({"id":1})"},                       // the reproducer from issue 23
      {"forget", R"({"id":null})"},
      {"forget", R"({"id":""})"},
      {"forget", R"({})"},
      {"forget", R"(["id"])"},
      {"forget_email", R"({"email":["a@example.org"]})"},
      {"forget_email", R"({"email":{"x":1}})"},
      {"forget_email", "not json"},
      {"forget_email", R"({"email_sha256":"ab"})"},
      {"forget_email", R"({"email_sha256":"0000000000000000000000000000000000000000000000000000000000000000","erased_at":-1})"},
      {"forget_email", R"({"email_sha256":"0000000000000000000000000000000000000000000000000000000000000000","erased_at":"today"})"},
      {"forget_email", R"({"email_sha256":"0000000000000000000000000000000000000000000000000000000000000000","erased_at":1.5})"},
      {"forget_email", R"({"email_sha256":"0000000000000000000000000000000000000000000000000000000000000000","erased_at":18446744073709551615})"},
      {"forget_email", ""},
      {"record", R"({"decision":"spam","created_at":"yesterday"})"},
      {"record", R"({"decision":"spam","created_at":1e300})"},
      {"record", R"({"decision":"spam","created_at":-1e300})"},
      {"record", R"({"decision":"spam","created_at":1.5})"},
      {"record", R"({"decision":"spam","author":7})"},
      {"record", R"({"decision":"spam","body":{"nested":true}})"},
      {"record", R"({"decision":"maybe"})"},
      {"record", R"({"decision":"spam","kind":"pingback"})"},
      {"record", R"({})"},
      {"record", R"([])"},
      {"record", "{\"decision\":\"spam\",\"body\":\"\xff\xfe\"}"},  // not UTF-8
      {"record", std::string(10000, '[')},
      {"record_all", R"({"decision":"spam"})"},
      {"record_all", R"([1,2,3])"},
      {"record_all", R"([{"decision":"spam"},{"decision":12}])"},
      {"record_all", R"([{"decision":"spam","created_at":99999999999999999999999999}])"},
      {"unknown_op", R"({"id":"1"})"},
      {"", ""},
  };
  for (const auto& entry : hostile) {
    const auto& op = entry.first;  // clang: a structured binding cannot be captured
    const auto& data = entry.second;
    CAPTURE(op);
    CAPTURE(data);
    Result<LearningEvent> event = decode(op, data);
    CHECK_FALSE(event.ok());
    if (!event.ok()) {
      CHECK_FALSE(event.error().empty());
      CHECK(event.error().find("example.org") == std::string::npos);  // a reason never quotes the data
    }
  }
}

TEST_CASE("learning events: huge integers that fit are kept, the ones that do not are refused") {
  Result<LearningEvent> event =
      decode("record", R"({"decision":"ham","created_at":9223372036854775807,"comment_id":18446744073709551615})");
  REQUIRE(event.ok());
  CHECK(event->decisions[0].created_at == 9223372036854775807LL);
  CHECK_FALSE(event->decisions[0].comment_id.has_value());  // out of range: no comment id, not a wrapped one
  CHECK_FALSE(decode("record", R"({"decision":"ham","created_at":18446744073709551615})").ok());
}

TEST_CASE("learning snapshot and stream ids: malformed values are refused without an exception") {
  CHECK(parse_stream_id("1700000000000-3") == StreamId{1700000000000ULL, 3});
  CHECK(parse_stream_id("17") == StreamId{17, 0});
  for (const char* bad : {"", "-", "abc", "1-", "-1", "1-2-3", "99999999999999999999999-0", "1-x", " 1-2", "１-２"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_stream_id(bad).has_value());
  }
  LearningSnapshot good{"1700000000000-3", {}};
  Result<LearningSnapshot> back = decode_learning_snapshot(encode_learning_snapshot(good));
  REQUIRE(back.ok());
  CHECK(back->covers == "1700000000000-3");
  for (const char* bad : {"", "null", "[]", R"({"covers":1,"decisions":[]})", R"({"covers":"x","decisions":[]})",
                          R"({"covers":"1-1"})", R"({"covers":"1-1","decisions":{}})",
                          R"({"covers":"1-1","decisions":[{"decision":5}]})"}) {
    CAPTURE(bad);
    bool threw = false;
    Result<LearningSnapshot> decoded = Error{""};
    try {
      decoded = decode_learning_snapshot(bad);
    } catch (...) {
      threw = true;
    }
    CHECK_FALSE(threw);
    CHECK_FALSE(decoded.ok());
  }
}
