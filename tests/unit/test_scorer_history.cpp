// The scorer and the history (RATE_IP, DUPLICATE): a submission whose
// action the history's answer could change asks it and waits
// (SubmissionHistory::answer); one the other rules already reject only
// records (SubmissionHistory::record), unless a meta or a negative score
// makes the history's checks able to lower the score.
#include <doctest/doctest.h>

#include <string>

#include "scoring/checks/builtin_checks.h"
#include "scoring/scorer.h"
#include "support/comment.h"
#include "support/temp_dir.h"

using namespace spamgate;
using spamgate::testing::comment;
using spamgate::testing::TempDir;

namespace {

// Says "limited" and "seen" to every question, and counts how it was asked.
class CountingHistory final : public SubmissionHistory {
 public:
  int answered = 0;
  int recorded = 0;
  std::string last_ip;

  HistoryAnswers answer(const HistoryQuestions& questions, TimePoint) override {
    ++answered;
    return note(questions);
  }
  HistoryAnswers record(const HistoryQuestions& questions, TimePoint) override {
    ++recorded;
    return note(questions);
  }
  bool take_rate_token(std::string_view, double, double, TimePoint) override { return false; }
  bool seen_recently(uint64_t, int, TimePoint) override { return true; }

 private:
  HistoryAnswers note(const HistoryQuestions& questions) {
    if (questions.rate) last_ip = std::string(questions.rate->ip);
    return {questions.rate.has_value(), questions.duplicate.has_value()};
  }
};

struct Fixture {
  TempDir dir;
  ChecksConfig config;
  CountingHistory history;
  CheckContext context{config, "", &history, TimePoint{}};

  std::shared_ptr<const RuleSet> load(const std::string& text) {
    auto load = load_rules({dir.write("test.rules", text)});
    for (const auto& e : load.errors) FAIL_CHECK(e);
    REQUIRE(load.rules);
    return load.rules;
  }
  Verdict score(const RuleSet& rules, const Submission& s) { return Scorer{}.score(rules, s, context); }
};

const std::string kRules =
    "threshold hold 5\nthreshold reject 10\n"
    "body CASINO /カジノ|casino/i\nscore CASINO 10\n"
    "body BONUS /ボーナス/\nscore BONUS 6\n";

}  // namespace

TEST_CASE_FIXTURE(Fixture, "spam the rules already reject only records the history; its hits still show") {
  auto rules = load(kRules);
  REQUIRE(rules->compiled().history_only_adds);
  const Verdict v = score(*rules, comment("オンラインカジノで今すぐ遊ぼう"));
  CHECK(history.recorded == 1);
  CHECK(history.answered == 0);
  CHECK(history.last_ip == "192.0.2.7");
  CHECK(v.action == Action::reject);
  CHECK(v.rule_names() == "RATE_IP,DUPLICATE,CASINO");  // the answers record() gave
  CHECK(v.score == 17);
}

TEST_CASE_FIXTURE(Fixture, "a submission the history could still push over a threshold waits for its answer") {
  auto rules = load(kRules);
  SUBCASE("ham") {
    const Verdict v = score(*rules, comment("とても参考になりました。ありがとうございます。"));
    CHECK(v.action == Action::hold);  // RATE_IP 4 + DUPLICATE 3: the answers counted
    CHECK(v.rule_names() == "RATE_IP,DUPLICATE");
  }
  SUBCASE("borderline: held by the rules, rejected with the history") {
    const Verdict v = score(*rules, comment("今ならボーナスがもらえます"));
    CHECK(v.action == Action::reject);  // 6 + 4 + 3
    CHECK(v.score == 13);
  }
  CHECK(history.answered == 1);
  CHECK(history.recorded == 0);
}

TEST_CASE_FIXTURE(Fixture, "a meta naming a history check, or one scored below 0, makes every submission wait") {
  std::string extra;
  SUBCASE("a meta reading DUPLICATE") { extra = "meta FRESH !DUPLICATE\nscore FRESH -5\n"; }
  SUBCASE("a meta reading RATE_IP, scored 0, under a meta") {
    extra = "meta BURST RATE_IP && CASINO\nscore BURST 0\nmeta WAVE BURST\nscore WAVE 2\n";
  }
  SUBCASE("a negative score") { extra = "score DUPLICATE -12\n"; }
  auto rules = load(kRules + extra);
  CHECK_FALSE(rules->compiled().history_only_adds);
  score(*rules, comment("casino casino"));
  CHECK(history.recorded == 0);
  CHECK(history.answered == 1);
}

TEST_CASE_FIXTURE(Fixture, "with DUPLICATE scored below 0, the waited-for answer lowers spam to a pass") {
  auto rules = load(kRules + "score DUPLICATE -16\n");
  const Verdict v = score(*rules, comment("casino"));
  CHECK(v.score == -2);  // 10 + 4 - 16
  CHECK(v.action == Action::pass);
}

TEST_CASE_FIXTURE(Fixture, "a history scored 0 for both checks still records spam and reports nothing") {
  auto rules = load(kRules + "score RATE_IP 0\nscore DUPLICATE 0\n");
  const Verdict v = score(*rules, comment("casino"));
  CHECK(history.recorded == 1);
  CHECK(v.rule_names() == "CASINO");
}
