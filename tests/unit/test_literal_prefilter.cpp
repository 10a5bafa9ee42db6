// The literal prefilter must never change a verdict: every test here scores
// the same submissions with and without it and compares everything.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "random_regex.h"
#include "scoring/eval.h"
#include "scoring/literal_prefilter.h"
#include "scoring/scorer.h"
#include "support/comment.h"
#include "support/sanitizer.h"
#include "support/temp_dir.h"
#include "util/json_text.h"

using namespace spamgate;
using spamgate::testing::TempDir;

namespace {

const std::string kCorpus = SPAMGATE_CORPUS_DIR;

struct Twins {
  ChecksConfig config;
  CheckContext context{config, "", nullptr, TimePoint{}};
  Scorer with{ScorerOptions{true}};
  Scorer without{ScorerOptions{false}};
  size_t hits = 0;  // hits seen, so a test can tell that it compared something

  // Scores `s` both ways; true when the verdicts are identical (hits, scores,
  // details, action, rule errors).
  bool same(const RuleSet& rules, const Submission& s) {
    const Verdict a = with.score(rules, s, context);
    const Verdict b = without.score(rules, s, context);
    hits += b.hits.size();
    bool equal = a.action == b.action && a.score == b.score && a.rule_errors == b.rule_errors &&
                 a.hits.size() == b.hits.size();
    for (size_t i = 0; equal && i < a.hits.size(); ++i)
      equal = a.hits[i].rule == b.hits[i].rule && a.hits[i].score == b.hits[i].score &&
              a.hits[i].detail == b.hits[i].detail;
    if (!equal) {
      MESSAGE("with prefilter:    " << json_text(a));
      MESSAGE("without prefilter: " << json_text(b));
    }
    return equal;
  }
};

// Every comment of the corpus: the YouTube CSVs (author and body) and the
// SMS collection (body only).
std::vector<Submission> corpus_comments() {
  std::vector<Submission> out;
  for (const char* name : {"Youtube01-Psy.csv", "Youtube02-KatyPerry.csv", "Youtube03-LMFAO.csv",
                           "Youtube04-Eminem.csv", "Youtube05-Shakira.csv"}) {
    auto rows = read_labelled_csv(kCorpus + "/comments/" + name);
    if (!rows) FAIL(rows.error());
    for (LabelledComment& row : rows.value())
      out.push_back(testing::comment(std::move(row.body), std::move(row.author), "reader@example.org"));
  }
  std::ifstream sms(kCorpus + "/comments/SMSSpamCollection.tsv", std::ios::binary);
  REQUIRE(sms);
  for (std::string line; std::getline(sms, line);) {
    const size_t tab = line.find('\t');
    if (tab != std::string::npos) out.push_back(testing::comment(line.substr(tab + 1), "", "reader@example.org"));
  }
  return out;
}

// A rule file of `count` random regex rules on random fields, some scored 0
// (they only feed the meta), and one meta over the first two.
std::string random_rules(std::mt19937& random, size_t count) {
  static const std::array<const char*, 5> kFields = {"body", "author", "url", "subject", "any"};
  std::string out = "threshold hold 5\nthreshold reject 10\n";
  for (size_t i = 0; i < count; ++i) {
    const std::string name = "R" + std::to_string(i);
    out += std::string(kFields[testing::pick(random, kFields.size())]) + " " + name + " /" +
           testing::random_regex(random) + "/" + testing::random_flags(random) + "\n";
    out += "score " + name + " " + std::to_string(testing::pick(random, 4)) + "\n";
  }
  out += "meta BOTH R0 && R1\nscore BOTH 2\n";
  return out;
}

Submission random_submission(std::mt19937& random) {
  Submission s = testing::comment(testing::random_text(random), testing::random_text(random), "reader@example.org");
  s.url = testing::random_text(random);
  s.subject = testing::random_text(random);
  return s;
}

}  // namespace

TEST_CASE("the prefilter marks regexes without literals always, others only when their literals occur") {
  using Strings = std::vector<std::string>;
  const LiteralPrefilter prefilter({{Strings{"casino", "poker"}, std::nullopt},
                                    {},
                                    {Strings{"viagra"}, std::nullopt},
                                    {Strings{"money"}, Strings{"free"}}});  // needs both
  CHECK(prefilter.filtered_count() == 3);
  auto candidates = [&](std::string_view text) {
    PrefilterHits hits;
    prefilter.scan(text, hits);
    std::vector<bool> out;
    for (size_t i = 0; i < 4; ++i) out.push_back(hits.may_match(i));
    return out;
  };
  CHECK(candidates("Play POKER now") == std::vector<bool>{true, true, false, false});
  CHECK(candidates("nothing") == std::vector<bool>{false, true, false, false});
  CHECK(candidates("ViAgRa casino free") == std::vector<bool>{true, true, true, false});
  CHECK(candidates("free money") == std::vector<bool>{false, true, false, true});
  // The scorer walks only these: the regexes without literals, and those
  // whose literals all occurred.
  CHECK(std::vector<uint32_t>(prefilter.unfiltered().begin(), prefilter.unfiltered().end()) ==
        std::vector<uint32_t>{1});
  PrefilterHits hits;
  prefilter.scan("poker casino, free money, free money", hits);
  std::vector<uint32_t> ready(hits.ready().begin(), hits.ready().end());
  std::sort(ready.begin(), ready.end());
  CHECK(ready == std::vector<uint32_t>{0, 3});
}

TEST_CASE("the prefilter gives, for a regex with leading literals, every offset where one starts") {
  using Strings = std::vector<std::string>;
  const LiteralPrefilter prefilter({{Strings{"http://", "https://"}, Strings{"http://", "https://"}},
                                    {Strings{"casino"}, std::nullopt}});
  CHECK(prefilter.anchored(0));
  CHECK_FALSE(prefilter.anchored(1));
  PrefilterHits hits;
  prefilter.scan("see HTTPS://a and http://b, casino, https://c", hits);
  REQUIRE(hits.may_match(0));
  const auto starts = hits.starts(0);
  using Start = std::pair<uint32_t, uint32_t>;  // (regex, offset)
  CHECK(std::vector<Start>(starts.begin(), starts.end()) == std::vector<Start>{{0, 4}, {0, 18}, {0, 36}});
  CHECK(hits.may_match(1));
  CHECK(hits.starts(1).empty());
  prefilter.scan("no links", hits);  // a second pass over the same hits forgets the first
  CHECK_FALSE(hits.may_match(0));
  CHECK(hits.starts(0).empty());
}

TEST_CASE("default rules: identical verdicts with and without the prefilter on every corpus comment") {
  auto load = load_rules({std::string(SPAMGATE_SOURCE_DIR) + "/rules/default.rules"});
  REQUIRE(load.errors.empty());
  const RuleSet& rules = *load.rules;
  // Most regex rules of the default set must be prefiltered, or this test
  // would compare two identical code paths.
  CHECK(rules.compiled().prefilter.filtered_count() * 4 >= rules.compiled().regexes.size() * 3);

  Twins twins;
  const std::vector<Submission> comments = corpus_comments();
  CHECK(comments.size() > 7000);
  // Under the sanitizers every fourth comment: the same code on the same
  // kinds of text, at a quarter of the -O0 time; the optimised run takes all.
  const size_t stride = testing::kUnderAsan ? 4 : 1;
  size_t differing = 0;
  for (size_t i = 0; i < comments.size(); i += stride) differing += twins.same(rules, comments[i]) ? 0 : 1;
  CHECK(differing == 0);
  CHECK(twins.hits > 300 / stride);
}

TEST_CASE("random rule sets: identical verdicts with and without the prefilter on random and corpus text") {
  std::mt19937 random(7);
  const std::vector<Submission> comments = corpus_comments();
  Twins twins;
  size_t compared = 0, filtered = 0, anchored = 0;
  const int rounds = testing::kUnderAsan ? 7 : 25;  // under the sanitizers, fewer of the same rounds
  for (int round = 0; round < rounds; ++round) {
    TempDir dir;
    auto load = load_rules({dir.write("random.rules", random_rules(random, 60))});
    for (const std::string& e : load.errors) FAIL_CHECK(e);
    REQUIRE(load.rules);
    const RuleSet& rules = *load.rules;
    filtered += rules.compiled().prefilter.filtered_count();
    for (size_t i = 0; i < rules.compiled().regexes.size(); ++i) anchored += rules.compiled().prefilter.anchored(i);
    for (int i = 0; i < 200; ++i) {
      const Submission s = random_submission(random);
      CHECK(twins.same(rules, s));
      ++compared;
    }
    for (size_t i = static_cast<size_t>(round); i < comments.size(); i += 40) {
      CHECK(twins.same(rules, comments[i]));
      ++compared;
    }
  }
  CHECK(compared > static_cast<size_t>(360 * rounds));
  CHECK(filtered > static_cast<size_t>(rounds * 60 / 3));
  CHECK(anchored > static_cast<size_t>(rounds * 60 / 5));
  CHECK(twins.hits > static_cast<size_t>(400 * rounds));
}
