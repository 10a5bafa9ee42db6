#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "learning/learner.h"
#include "scoring/eval.h"
#include "scoring/learn/explanation.h"
#include "scoring/learn/features.h"
#include "scoring/learn/learned_model.h"
#include "scoring/scorer.h"
#include "support/cjk_ham.h"
#include "support/comment.h"
#include "support/temp_dir.h"
#include "util/json_text.h"

using namespace spamgate;
using spamgate::testing::comment;
using spamgate::testing::TempDir;

namespace {

bool has_feature(const Submission& s, const std::string& name) {
  const auto named = describe_features(s);
  return std::any_of(named.begin(), named.end(), [&](const NamedFeature& f) { return f.name == name; });
}

// A feature vector as (slot, value) pairs, to compare.
std::vector<std::pair<uint32_t, float>> slots_of(const FeatureVector& features) {
  std::vector<std::pair<uint32_t, float>> pairs;
  for (const Feature& f : features) pairs.emplace_back(f.slot, f.value);
  return pairs;
}

// A model taught `rounds` copies of a few spam and ham comments.
std::shared_ptr<const LearnedModel> taught_model(int rounds, int64_t gate) {
  const char* spam[] = {"subscribe to my channel for free gifts", "check out my channel and subscribe",
                        "free iphone giveaway at http://bit.ly/x1 subscribe now"};
  const char* ham[] = {"this song reminds me of summer with my friends", "great video, the chorus is beautiful",
                       "I listened to this song every day in 2012"};
  std::vector<ModelTrainer::Example> examples;
  for (int i = 0; i < rounds; ++i) {
    for (const char* text : spam) examples.push_back({extract_features(comment(text, "bot" + std::to_string(i), "")), true});
    for (const char* text : ham) examples.push_back({extract_features(comment(text, "fan" + std::to_string(i), "")), false});
  }
  ModelTrainer trainer;
  trainer.train_all(examples);
  return trainer.snapshot(gate);
}

}  // namespace

TEST_CASE("fold_text applies NFKC case folding and decodes HTML entities once") {
  CHECK(fold_text("ＳＵＢＳＣＲＩＢＥ Now") == "subscribe now");
  CHECK(fold_text("Straße") == "strasse");
  CHECK(fold_text("Tom &amp; Jerry&#39;s") == "tom & jerry's");
  CHECK(fold_text("ｶﾀｶﾅ") == "カタカナ");
  CHECK(fold_text(std::string("bad \xff utf8")) == "bad \xef\xbf\xbd utf8");
}

TEST_CASE("features: words, word pairs, link hosts and their registrable domains") {
  const Submission s = comment("Check OUT my channel: https://www.Example.co.uk/x and http://bit.ly/abc", "Ann", "");
  CHECK(has_feature(s, "w:check"));
  CHECK(has_feature(s, "b:my channel"));
  CHECK_FALSE(has_feature(s, "b:channel https"));  // pairs do not cross punctuation
  CHECK(has_feature(s, "h:example.co.uk"));
  CHECK(has_feature(s, "d:example.co.uk"));
  CHECK(has_feature(s, "h:bit.ly"));
  CHECK(has_feature(s, "a:ann"));
  CHECK(has_feature(s, "k:comment"));
  CHECK(has_feature(s, "x:links 2"));
  CHECK(registrable_domain("www.shop.example.com") == "example.com");
  CHECK(registrable_domain("a.b.example.co.jp") == "example.co.jp");
}

TEST_CASE("features: Japanese and Thai text becomes character pairs") {
  const Submission s = comment("無料で稼げる方法はこちら", "太郎", "");
  CHECK(has_feature(s, "c:無料"));
  CHECK(has_feature(s, "c:稼げ"));
  CHECK(has_feature(s, "c:こち"));
  CHECK_FALSE(has_feature(s, "w:無料で稼げる方法はこちら"));
  CHECK(has_feature(comment("ซื้อยา", "", ""), "c:ซื"));
}

TEST_CASE("features: links to the site's own host are told apart") {
  Submission s = comment("see https://blog.example.org/about and https://spam.example.net/", "Ann", "");
  s.referer = "https://blog.example.org/2026/hello/";
  CHECK(has_feature(s, "x:link to own site"));
  CHECK(has_feature(s, "x:link elsewhere"));
}

TEST_CASE("features of any bytes are a sorted set of slots in the table") {
  const FeatureVector f = extract_features(comment(std::string("\0\xc3(\xe2\x82 ok", 9), "x", ""));
  REQUIRE_FALSE(f.empty());
  CHECK(std::is_sorted(f.begin(), f.end(), [](const Feature& a, const Feature& b) { return a.slot < b.slot; }));
  for (const Feature& feature : f) CHECK(feature.slot < kFeatureSlots);
}

TEST_CASE("features: the slots extracted are the slots of the named features, on the corpus and mixed text") {
  // extract_features hashes each word once for its own slot and its pairs,
  // and sorts by radix; describe_features hashes every feature whole.
  std::vector<Submission> texts;
  for (const char* name : {"Youtube01-Psy.csv", "Youtube02-KatyPerry.csv", "Youtube03-LMFAO.csv",
                           "Youtube04-Eminem.csv", "Youtube05-Shakira.csv"}) {
    auto rows = read_labelled_csv(std::string(SPAMGATE_CORPUS_DIR) + "/comments/" + name);
    REQUIRE(rows);
    for (const LabelledComment& row : rows.value()) texts.push_back(comment(row.body, row.author, ""));
  }
  for (const testing::HamComment& ham : testing::read_cjk_ham(SPAMGATE_SOURCE_DIR))
    texts.push_back(comment(ham.body, ham.author, ""));
  texts.push_back(comment("Ｆｒｅｅ ＩＰＨＯＮＥ 今すぐ登録 free free 12345 12345 123456789 call now, call NOW "
                          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb ok ok",
                          "ｎａｍｅ 名前", ""));
  CHECK(texts.size() > 1900);
  size_t differing = 0;
  for (const Submission& s : texts) {
    std::vector<uint32_t> extracted, named;
    for (const Feature& f : extract_features(s)) extracted.push_back(f.slot);
    for (const NamedFeature& f : describe_features(s)) named.push_back(f.slot);
    if (extracted != named && ++differing <= 5) FAIL_CHECK("differs on: " << s.body);
  }
  CHECK(differing == 0);
}

TEST_CASE("a taught model separates spam from ham and explains itself") {
  const auto model = taught_model(20, 10);
  REQUIRE(model->active());
  CHECK(model->counts().spam == 60);
  CHECK(model->counts().ham == 60);
  const Submission spam = comment("please subscribe to my channel", "bot99", "");
  const Submission ham = comment("the chorus of this song is beautiful", "fan99", "");
  const double p_spam = model->probability(extract_features(spam));
  CHECK(p_spam > 0.8);
  CHECK(model->probability(extract_features(ham)) < 0.2);
  LearnedExplainer explainer(*model);
  extract_features(spam, &explainer);
  const std::string why = explainer.explain(p_spam);
  CHECK(why.rfind("p=0.", 0) == 0);
  CHECK(why.find("\"subscribe\"") != std::string::npos);
}

TEST_CASE("the explanation names the strongest features of the verdict's side, as describe_features names them") {
  // The explainer keeps the strongest features as extract_features cuts
  // them; the reference here ranks the finished vector (LearnedModel::strongest)
  // and names it by a second walk. Texts whose ranking has ties are skipped:
  // the explainer keeps the first in the text, the reference any one; so are
  // texts where a word's slot is an n-gram's too (a hash collision).
  std::vector<Submission> texts;
  std::vector<ModelTrainer::Example> examples;
  for (const char* name : {"Youtube01-Psy.csv", "Youtube02-KatyPerry.csv", "Youtube04-Eminem.csv"}) {
    auto rows = read_labelled_csv(std::string(SPAMGATE_CORPUS_DIR) + "/comments/" + name);
    REQUIRE(rows);
    for (const LabelledComment& row : rows.value()) {
      texts.push_back(comment(row.body, row.author, ""));
      if (texts.size() % 2 == 0) examples.push_back({extract_features(texts.back()), row.spam});
    }
  }
  for (const testing::HamComment& ham : testing::read_cjk_ham(SPAMGATE_SOURCE_DIR))
    texts.push_back(comment(ham.body, ham.author, ""));
  ModelTrainer trainer;
  trainer.train_all(examples);
  const auto model = trainer.snapshot(1);
  size_t compared = 0, differing = 0, other_probability = 0;
  for (const Submission& s : texts) {
    LearnedExplainer explainer(*model);
    const FeatureVector features = extract_features(s, &explainer);
    const double p = model->probability(features);
    // The explainer's probability (what LEARNED acts on) comes from the same
    // read of the weights as its ranking: exactly the model's own.
    if (explainer.probability() != model->confident_probability(features) && ++other_probability <= 5)
      FAIL_CHECK("probability " << explainer.probability() << " != " << model->confident_probability(features)
                                << " on: " << s.body);
    const std::vector<Contribution> strongest = model->strongest(features, p >= 0.5, 5);
    bool tied = false;
    for (size_t i = 1; i < strongest.size(); ++i) tied |= strongest[i].weight == strongest[i - 1].weight;
    std::set<float> values;  // a word's and an n-gram's, and their sum where a slot is hit by both
    for (const Feature& f : features) values.insert(f.value);
    if (tied || values.size() > 2) continue;  // a collision weighs by the family the explainer saw
    const std::vector<NamedFeature> named = describe_features(s);
    char head[32];
    std::snprintf(head, sizeof head, "p=%.2f", p);
    std::string expected = head;
    size_t shown = 0;
    for (size_t i = 0; i < std::min<size_t>(4, strongest.size()); ++i) {
      const auto it = std::find_if(named.begin(), named.end(), [&](const auto& f) { return f.slot == strongest[i].slot; });
      REQUIRE(it != named.end());
      if (it->name == "z:bias" || shown == 3) continue;
      expected += shown++ == 0 ? ": " : ", ";
      expected += readable_feature(it->name);
    }
    ++compared;
    if (explainer.explain(p) != expected && ++differing <= 5)
      FAIL_CHECK(explainer.explain(p) << " != " << expected << " on: " << s.body);
  }
  CHECK(compared * 2 > texts.size());  // most rankings have no tie
  CHECK(differing == 0);
  CHECK(other_probability == 0);
}

TEST_CASE("features: a text gives the same features after longer texts, English and Japanese") {
  // extract_features reuses its thread's buffers from one text to the next.
  const Submission english = comment("subscribe to my channel http://bit.ly/x", "bot", "");
  const Submission japanese = comment("この曲が大好きです。チャンネル登録お願いします", "ファン", "");
  std::string long_text;
  for (int i = 0; i < 200; ++i) long_text += "word" + std::to_string(i) + " 長い文章です ";
  const Submission longer = comment(long_text, "someone with a long name", "");
  const auto english_first = slots_of(extract_features(english));
  const auto japanese_first = slots_of(extract_features(japanese));
  CHECK(extract_features(longer).size() > english_first.size() + japanese_first.size());
  CHECK(slots_of(extract_features(english)) == english_first);
  CHECK(slots_of(extract_features(japanese)) == japanese_first);
}

TEST_CASE("training is independent of the order the labels arrived in") {
  std::vector<ModelTrainer::Example> hams_first, spams_first;
  for (int i = 0; i < 30; ++i) {
    hams_first.push_back({extract_features(comment("lovely song number " + std::to_string(i), "", "")), false});
    spams_first.push_back({extract_features(comment("buy cheap followers " + std::to_string(i), "", "")), true});
  }
  std::vector<ModelTrainer::Example> a = hams_first, b = spams_first;
  a.insert(a.end(), spams_first.begin(), spams_first.end());
  b.insert(b.end(), hams_first.begin(), hams_first.end());
  ModelTrainer first, second;
  first.train_all(a);
  second.train_all(b);
  const FeatureVector probe = extract_features(comment("buy cheap song", "", ""));
  CHECK(first.snapshot(1)->probability(probe) == doctest::Approx(second.snapshot(1)->probability(probe)).epsilon(0.1));
}

TEST_CASE("LEARNED: silent below the gate, banded above it, never without a model") {
  TempDir dir;
  auto load = load_rules({dir.write("r.rules", "threshold hold 5\nthreshold reject 10\nscore LEARNED 0.5:3 0.65:5\n")});
  REQUIRE(load.rules);
  ChecksConfig config;
  const Submission spam = comment("please subscribe to my channel", "bot99", "");
  const Scorer scorer;

  const Verdict rules_alone = scorer.score(*load.rules, spam, CheckContext{config, "", nullptr, TimePoint{}});
  const auto gated = taught_model(20, 1000);
  const Verdict below_gate = scorer.score(*load.rules, spam, CheckContext{config, "", nullptr, TimePoint{}, gated.get()});
  CHECK(json_text(below_gate) == json_text(rules_alone));

  const auto model = taught_model(20, 10);
  const Verdict learned = scorer.score(*load.rules, spam, CheckContext{config, "", nullptr, TimePoint{}, model.get()});
  REQUIRE(learned.hits.size() == 1);
  CHECK(learned.hits[0].rule == "LEARNED");
  CHECK(learned.hits[0].score == 5);
  CHECK(learned.action == Action::hold);  // the learner alone never rejects
  CHECK(learned.hits[0].detail.find("subscribe") != std::string::npos);
}

TEST_CASE("score LEARNED takes probability bands; other rules do not") {
  TempDir dir;
  auto errors = [&](const std::string& text) {
    auto load = load_rules({dir.write("r.rules", text)});
    return load.errors.empty() ? std::string() : load.errors.front();
  };
  CHECK(errors("score LEARNED 0.5:3 0.9:5\n").empty());
  CHECK(errors("score LEARNED 0\n").empty());
  CHECK(errors("score LEARNED 4\n").find("r.rules:1: score LEARNED takes probability bands") != std::string::npos);
  CHECK(errors("score LEARNED 0.9:3 0.5:5\n").find("band probabilities must increase") != std::string::npos);
  CHECK(errors("score LEARNED 1.5:3\n").find("not between 0 and 1") != std::string::npos);
  CHECK(errors("score LEARNED 0.5:x\n").find("expected probability bands") != std::string::npos);
  CHECK(errors("body A /a/\nscore A 0.5:3\n").find("only LEARNED is scored by probability bands") != std::string::npos);
}

TEST_CASE("eval --train on the YouTube corpus: a fresh model catches more than the rules, untrained changes nothing") {
  const std::string dir = SPAMGATE_CORPUS_DIR "/comments/";
  auto load = load_rules({SPAMGATE_SOURCE_DIR "/rules/default.rules"});
  REQUIRE(load.rules);
  ChecksConfig checks;
  const std::vector<std::string> test = {dir + "Youtube05-Shakira.csv"};
  auto trained = train_on_files({dir + "Youtube01-Psy.csv", dir + "Youtube02-KatyPerry.csv"}, 40);
  REQUIRE(trained.ok());
  auto alone = evaluate(*load.rules, checks, test);
  auto learned = evaluate(*load.rules, checks, test, trained->get());
  REQUIRE(alone.ok());
  REQUIRE(learned.ok());
  CHECK(learned->total.spam_caught > alone->total.spam_caught + 20);
  CHECK(learned->total.false_positives <= 4);
  const auto untrained = ModelTrainer().snapshot(40);
  auto silent = evaluate(*load.rules, checks, test, untrained.get());
  REQUIRE(silent.ok());
  CHECK(silent->total.spam_caught == alone->total.spam_caught);
  CHECK(silent->total.false_positives == alone->total.false_positives);
}

TEST_CASE("Learner: silent on an empty log, learns decisions as they arrive, unlearns forgotten ones by a rebuild") {
  const TempDir dir("spamgate-learner");
  {
    auto log = FeedbackLog::open(dir / "s.db");
    REQUIRE(log.ok());
    Learner learner(**log, 6);
    REQUIRE(learner.refresh().ok());
    CHECK_FALSE(learner.current()->active());
    std::vector<FeedbackRecord> decisions;
    for (int i = 0; i < 6; ++i) {
      FeedbackRecord spam, ham;
      spam.comment_id = 100 + i;
      spam.decision = "spam";
      spam.body = "subscribe to my channel " + std::to_string(i);
      ham.comment_id = 200 + i;
      ham.decision = "approve";
      ham.body = "what a lovely melody " + std::to_string(i);
      decisions.push_back(spam);
      decisions.push_back(ham);
    }
    REQUIRE((*log)->record_all(decisions).ok());
    const auto before = learner.current();
    REQUIRE(learner.refresh().ok());
    const auto after = learner.current();
    CHECK(after != before);  // a new snapshot; `before` stays valid for whoever holds it
    CHECK(after->active());
    CHECK(after->counts().spam == 6);
    CHECK(after->counts().ham == 6);
    CHECK(after->probability(extract_features(comment("subscribe to my channel", "", ""))) > 0.5);
    REQUIRE(learner.refresh().ok());
    CHECK(learner.current() == after);  // nothing changed: no retrain
    CHECK(*(*log)->forget("100") == 1);
    REQUIRE(learner.refresh().ok());
    CHECK(learner.status()["exact"] == false);  // a decision is unlearned by a rebuild, not by a refresh
    REQUIRE(learner.settle().ok());
    CHECK(learner.status()["exact"] == true);
    CHECK(learner.current()->counts().spam == 5);
    CHECK_FALSE(learner.current()->active());
    CHECK(learner.status()["min_per_class"] == 6);
  }
}
