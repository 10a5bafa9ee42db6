// FeedbackChannel on one machine (learning/feedback_channel.h): a decision
// reaches the feedback log and the learner before the call returns, so no
// caller (the plugin's feedback and training endpoints, the review screen,
// a privacy erasure) refreshes the learner itself. With [shared] redis the
// same holds through the event stream (test_shared_state.cpp).
#include <doctest/doctest.h>

#include <memory>
#include <string>

#include "learning/feedback_channel.h"
#include "learning/learner.h"
#include "store/feedback_log.h"
#include "support/temp_dir.h"

namespace spamgate {
namespace {

FeedbackRecord decision(const std::string& verdict, int64_t comment_id, const std::string& body) {
  FeedbackRecord f;
  f.decision = verdict;
  f.comment_id = comment_id;
  f.author = "山田 太郎";
  f.email = "taro@example.jp";
  f.body = body;
  f.source = "wordpress";
  return f;
}

TEST_CASE("one machine: every decision through the channel is in the learner when the call returns") {
  testing::TempDir dir("spamgate-channel");
  const std::string db = dir / "spamgate.db";
  auto log = FeedbackLog::open(db);
  REQUIRE(log.ok());
  Learner learner(**log, 1);
  REQUIRE(learner.start().ok());
  auto channel = FeedbackChannel::open(db, **log, nullptr, &learner, 100);
  REQUIRE(channel.ok());
  CHECK_FALSE((*channel)->shared());

  REQUIRE((*channel)->record(decision("spam", 1, "激安のお薬はこちら、今すぐクリック")).ok());
  CHECK(learner.current()->counts().spam == 1);
  REQUIRE((*channel)->record_all({decision("ham", 2, "素敵な記事をありがとうございます"),
                                  decision("approve", 3, "参考になりました。また読みに来ます")})
              .ok());
  CHECK(learner.current()->counts().ham == 2);
  REQUIRE((*channel)->forget("2").ok());
  auto erased = (*channel)->forget_email("TARO@example.jp");
  REQUIRE(erased.ok());
  CHECK(*erased == 2);
  auto labels = (*log)->labels();
  REQUIRE(labels.ok());
  CHECK(labels->empty());
}

}  // namespace
}  // namespace spamgate
