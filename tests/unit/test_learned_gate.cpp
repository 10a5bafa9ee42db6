// The learner's evidence gate: a model taught a handful of examples may
// hold an obvious copy of a spam template, but not a comment that only
// resembles spam; with nothing taught it changes no verdict.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "scoring/learn/features.h"
#include "scoring/learn/learned_model.h"
#include "scoring/rule_set.h"
#include "scoring/scorer.h"
#include "support/comment.h"
#include "support/temp_dir.h"
#include "util/json_text.h"

using namespace spamgate;
using spamgate::testing::comment;
using spamgate::testing::TempDir;

namespace {

// [learning] min_per_class as spamgate.toml ships it.
constexpr int64_t kShippedGate = 5;

// What a small site has marked: 5 spam of two templates (English and
// Japanese, words and links changed) and 20 ordinary comments.
std::vector<ModelTrainer::Example> small_site(int spam_count, int ham_count) {
  const std::vector<std::string> spam = {
      "Check out my channel for free gift cards http://bit.ly/a1 subscribe now",
      "Check out my new channel for free gift codes http://goo.gl/b2 please subscribe",
      "毎日簡単に稼げる副業はこちら http://kasegu.example.jp/x1 今すぐ登録",
      "Check out my channel for free steam cards http://bit.ly/c3 subscribe now guys",
      "毎日簡単に稼げるお仕事はこちら http://kasegu.example.jp/y2 今すぐ登録してね",
  };
  const std::vector<std::string> ham = {
      "this song reminds me of the summer of 2012",
      "the chorus gets stuck in my head every time",
      "who is still listening to this in 2015?",
      "her voice is amazing in the live version",
      "my little sister dances to this every morning",
      "the video is so colourful, I love the dancers",
      "I heard this at a wedding last weekend",
      "best song of the album, the bridge is perfect",
      "この曲を聴くと高校時代を思い出します",
      "サビのメロディーが本当にきれい",
      "the drummer in this video is so good",
      "I cannot believe this has so many views",
      "my dad showed me this song years ago",
      "the lyrics make more sense when you are older",
      "ライブで聴いたときは泣きました",
      "this was playing in every shop that year",
      "the guitar solo at the end is underrated",
      "we sang this at our school concert",
      "still a classic, never gets old",
      "the dance in the middle is so funny",
  };
  std::vector<ModelTrainer::Example> examples;
  for (int i = 0; i < spam_count; ++i)
    examples.push_back({extract_features(comment(spam[i % spam.size()], "promo" + std::to_string(i), "")), true});
  for (int i = 0; i < ham_count; ++i)
    examples.push_back({extract_features(comment(ham[i % ham.size()], "fan" + std::to_string(i), "")), false});
  return examples;
}

std::shared_ptr<const LearnedModel> taught(const std::vector<ModelTrainer::Example>& examples) {
  ModelTrainer trainer;
  trainer.train_all(examples);
  return trainer.snapshot(kShippedGate);
}

struct Scored {
  Verdict verdict;
  bool learned_fired = false;
  double learned_score = 0;  // LEARNED's band score, 0 when silent
};

Scored score(const LearnedModel* model, const Submission& submission) {
  static const RuleLoad load = load_rules({SPAMGATE_SOURCE_DIR "/rules/default.rules"});
  REQUIRE(load.rules);
  const ChecksConfig checks;
  Scored out{Scorer().score(*load.rules, submission, CheckContext{checks, "", nullptr, TimePoint{}, model})};
  for (const Hit& hit : out.verdict.hits)
    if (hit.rule == "LEARNED") out.learned_fired = true, out.learned_score = hit.score;
  return out;
}

double learned_score(const LearnedModel* model, const Submission& submission) {
  return score(model, submission).learned_score;
}

}  // namespace

TEST_CASE("gate: taught 5 spam and 20 ham, LEARNED holds a template copy but not a comment like ham") {
  const auto model = taught(small_site(5, 20));
  REQUIRE(model->active());

  // A copy with the words and the link changed: LEARNED alone scores it the hold threshold.
  const Submission copy = comment("Check out my channel for free steam codes http://tinyurl.com/zz9 subscribe", "promo77", "");
  CHECK(learned_score(model.get(), copy) == 5);
  CHECK(score(model.get(), copy).verdict.action != Action::pass);

  const Submission copy_ja = comment("毎日簡単に稼げる副業はこちら http://kasegu.example.jp/z9 今すぐ登録", "promo78", "");
  CHECK(score(nullptr, copy_ja).verdict.action == Action::pass);  // the rules alone let it through
  CHECK(learned_score(model.get(), copy_ja) == 5);
  CHECK(score(model.get(), copy_ja).verdict.action == Action::hold);

  // Shares words with the spam ("check out", "channel", "subscribe") but is a fan's comment.
  const Submission fan = comment("check out the live version on their channel, the chorus is amazing", "fan77", "");
  CHECK(learned_score(model.get(), fan) == 0);
  CHECK(score(model.get(), fan).verdict.action == Action::pass);
  const Submission fan_ja = comment("毎日この曲を聴いています。サビが本当にきれい", "fan78", "");
  CHECK(learned_score(model.get(), fan_ja) == 0);
  CHECK(score(model.get(), fan_ja).verdict.action == Action::pass);
}

TEST_CASE("gate: the fewer examples, the further the model is pulled toward ham") {
  const auto few = taught(small_site(5, 20));
  const auto more = taught(small_site(20, 80));
  CHECK(few->evidence_shift() > more->evidence_shift());
  CHECK(more->evidence_shift() > 0);
  const FeatureVector copy =
      extract_features(comment("Check out my channel for free gift cards http://tinyurl.com/zz9 subscribe", "", ""));
  CHECK(few->confident_probability(copy) < few->probability(copy));
}

TEST_CASE("gate: taught nothing, or one class only, every verdict is the rules' own") {
  const std::vector<Submission> submissions = {
      comment("Check out my channel for free gift cards http://bit.ly/a1 subscribe now", "promo", ""),
      comment("毎日簡単に稼げる副業はこちら http://kasegu.example.jp/x1 今すぐ登録", "promo", ""),
      comment("buy cheap viagra online http://pills.example.com/", "x", ""),
      comment("the chorus gets stuck in my head every time", "fan", ""),
  };
  const auto untaught = ModelTrainer().snapshot(kShippedGate);
  const auto spam_only = taught(small_site(5, 0));
  CHECK_FALSE(untaught->active());
  CHECK_FALSE(spam_only->active());
  for (const Submission& s : submissions) {
    const std::string rules_alone = json_text(score(nullptr, s).verdict);
    CHECK(json_text(score(untaught.get(), s).verdict) == rules_alone);
    CHECK(json_text(score(spam_only.get(), s).verdict) == rules_alone);
  }
}

TEST_CASE("gate: on a site taught 5 and 5, three clicks on a new wave: LEARNED speaks at once, holds after the rebuild") {
  // A knitting blog's history.
  const std::vector<std::string> spam = {
      "Cheap designer handbags, outlet prices, order today at our online store",
      "Work from home and earn 500 a day, no experience needed, message me",
      "Win free spins at the best online casino, claim your welcome bonus now",
      "Lose ten kilos in a week with this one natural pill, doctors hate it",
      "We sell followers and likes for your page, fast delivery, cheap packages"};
  const std::vector<std::string> ham = {
      "Your cable pattern finally made sense to me, the chart helps a lot.",
      "I used a thicker merino and the scarf came out warm and soft, thanks!",
      "Which needle size did you use for the ribbing on the sleeves?",
      "My aunt taught me this stitch years ago, lovely to see it again.",
      "The colour work on that sweater is beautiful, is the pattern for sale?"};
  std::vector<ModelTrainer::Example> log;
  for (const std::string& text : spam) log.push_back({extract_features(comment(text, "", "")), true});
  for (const std::string& text : ham) log.push_back({extract_features(comment(text, "", "")), false});
  ModelTrainer trainer;
  trainer.train_all(log);
  const Submission novel = comment("Zorblax gallery sells zorblax canvas prints, zorblax frames and zorblax posters", "", "");
  CHECK(score(trainer.snapshot(kShippedGate).get(), novel).verdict.action == Action::pass);
  for (int i = 0; i < 3; ++i) {
    const Submission click = comment("zorblax canvas prints and zorblax posters, order " + std::to_string(i), "", "");
    log.push_back({extract_features(click), true});
    trainer.learn(log.back());  // what the learner does at once for each click
  }
  CHECK(score(trainer.snapshot(kShippedGate).get(), novel).learned_fired);
  ModelTrainer rebuilt;  // what the learner's rebuild (due at once on a log this small) gives
  rebuilt.train_all(log);
  const Scored after = score(rebuilt.snapshot(kShippedGate).get(), novel);
  CHECK(after.learned_fired);
  CHECK(after.verdict.action == Action::hold);
}
