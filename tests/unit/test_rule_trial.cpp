// `spamgate rules try`'s parts: the candidate rule set (current files plus
// candidate lines, a same-named definition replacing the current one, errors
// located as `rules lint` words them), the difference between the two sets
// on stored submissions (per rule, with the owner's decisions), the history
// gathered from the store, and passed text kept for keep_passed_days.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "scoring/candidate_rules.h"
#include "scoring/rule_trial.h"
#include "store/submission_log.h"
#include "store/trial_history.h"
#include "support/temp_dir.h"
#include "util/clock.h"
#include "util/json_text.h"

using namespace spamgate;
using spamgate::testing::TempDir;

namespace {

const char* const kCurrent =
    "threshold hold 5\n"
    "threshold reject 10\n"
    "body PHARMA /viagra/i\n"
    "score PHARMA 6\n"
    "describe PHARMA Mentions prescription drugs\n";

TrialItem comment(std::string id, int64_t at, std::string author, std::string body, Action then,
                  std::optional<bool> owner_says_spam = std::nullopt, std::vector<Hit> hits = {}) {
  TrialItem item;
  item.id = std::move(id);
  item.created_at = at;
  item.submission.author = std::move(author);
  item.submission.body = std::move(body);
  item.submission.ip = "203.0.113.7";
  item.recorded_action = then;
  item.recorded_hits = std::move(hits);
  item.owner_says_spam = owner_says_spam;
  return item;
}

const RuleDifference* difference_for(const TrialReport& report, const std::string& rule) {
  for (const RuleDifference& d : report.rules)
    if (d.rule == rule) return &d;
  return nullptr;
}

// `errors` with the directory's path removed ("cand.rules:1: ...").
std::vector<std::string> relative(const TempDir& dir, std::vector<std::string> errors) {
  const std::string prefix = dir / "";
  for (std::string& e : errors)
    for (size_t at = e.find(prefix); at != std::string::npos; at = e.find(prefix)) e.erase(at, prefix.size());
  return errors;
}

}  // namespace

TEST_CASE("rules try: a Japanese rule newly blocks the passed Japanese spam, and says which ham it would catch") {
  TempDir dir;
  const std::string current = dir.write("main.rules", kCurrent);
  const std::string candidate = dir.write("ja.rules", "body DATING /出会い系/\nscore DATING 6\n");
  CandidateLoad rules = load_candidate_rules({current}, {candidate});
  REQUIRE_MESSAGE(rules.candidate != nullptr, (rules.errors.empty() ? std::string() : rules.errors.front()));
  CHECK(rules.replaced.empty());
  CHECK(rules.candidate->find("PHARMA"));  // the current rules are still there
  CHECK(rules.candidate->find("PHARMA")->score == 6);

  std::vector<TrialItem> items = {
      comment("a1", 100, "山田", "出会い系サイトで素敵な出会いを http://deai.example.jp", Action::pass, true),
      comment("a2", 200, "佐藤", "出会い系の記事を読んで考えさせられました。ありがとうございます。", Action::pass, false),
      comment("a3", 300, "bot", "cheap viagra here", Action::hold, true, {{"PHARMA", 6, ""}}),
      comment("a4", 400, "鈴木", "いつも楽しく拝見しています。", Action::pass),
  };
  const ChecksConfig checks;
  TrialReport report = run_rule_trial(*rules.current, *rules.candidate, items, checks);
  CHECK(report.scored == 4);
  CHECK(report.labelled == 3);
  CHECK(report.newly_blocked == 2);
  CHECK(report.newly_blocked_ham == 1);
  CHECK(report.newly_passed == 0);
  CHECK(report.differ_from_recorded == 0);
  REQUIRE(report.rules.size() == 1);
  const RuleDifference& dating = report.rules[0];
  CHECK(dating.rule == "DATING");
  CHECK(dating.newly_blocked == 2);
  CHECK(dating.newly_blocked_ham == 1);
  REQUIRE(dating.examples.size() == 2);
  CHECK(dating.examples[0].id == "a2");  // newest first
  CHECK(dating.examples[0].before == Action::pass);
  CHECK(dating.examples[0].after == Action::hold);
  CHECK(dating.examples[0].owner_says_spam == false);
  CHECK(dating.examples[1].text.find("山田: 出会い系サイト") == 0);
  CHECK(dating.examples[1].text.find("hxxp://deai[.]example[.]jp") != std::string::npos);  // shown, not linked

  TrialOptions short_examples;
  short_examples.examples = 1;
  short_examples.example_chars = 8;
  report = run_rule_trial(*rules.current, *rules.candidate, items, checks, short_examples);
  REQUIRE(report.rules[0].examples.size() == 1);
  CHECK(report.rules[0].examples[0].text == "佐藤: 出会い系…");  // 8 characters, cut on a character

  const std::string json = json_text(report);
  CHECK(json.find("\"newly_blocked\":{\"count\":2,\"marked_not_spam\":1}") != std::string::npos);
  CHECK(json.find("\"rule\":\"DATING\"") != std::string::npos);
  const std::string text = report.to_text();
  CHECK(text.find("newly blocked:     2 (1 of them marked not spam by the owner)") != std::string::npos);
  CHECK(text.find("DATING: 2 newly blocked (1 not spam)") != std::string::npos);
}

TEST_CASE("rules try: a candidate definition replaces the current rule of that name, keeping its score line") {
  TempDir dir;
  const std::string current = dir.write("main.rules", kCurrent);
  const std::string candidate = dir.write("cand.rules", "body PHARMA /cialis/i\n");
  CandidateLoad rules = load_candidate_rules({current}, {candidate});
  REQUIRE_MESSAGE(rules.candidate != nullptr, (rules.errors.empty() ? std::string() : rules.errors.front()));
  CHECK(rules.replaced == std::vector<std::string>{"PHARMA"});
  REQUIRE(rules.candidate->find("PHARMA"));
  CHECK(rules.candidate->find("PHARMA")->score == 6);
  CHECK(rules.candidate->find("PHARMA")->description == "Mentions prescription drugs");

  std::vector<TrialItem> items = {
      comment("b1", 100, "bot", "cheap viagra here", Action::hold, true, {{"PHARMA", 6, ""}}),
      comment("b2", 200, "bot", "cheap cialis here", Action::pass, true),
  };
  TrialReport report = run_rule_trial(*rules.current, *rules.candidate, items, ChecksConfig{});
  CHECK(report.newly_passed == 1);
  CHECK(report.newly_passed_spam == 1);
  CHECK(report.newly_blocked == 1);
  const RuleDifference* pharma = difference_for(report, "PHARMA");
  REQUIRE(pharma);
  CHECK(pharma->newly_passed == 1);
  CHECK(pharma->newly_blocked == 1);
}

TEST_CASE("rules try: thresholds and re-scored built-ins are named as the reason") {
  TempDir dir;
  const std::string current = dir.write("main.rules", kCurrent);
  // Recorded then: a missing form token (not replayable: carried over) and
  // a rate limit (replayed through the history the checks see).
  std::vector<TrialItem> items = {
      comment("c1", 100, "a", "hello", Action::hold, std::nullopt, {{"NO_TOKEN", 4, ""}, {"RATE_IP", 4, ""}}),
      comment("c2", 200, "b", "buy viagra", Action::hold, std::nullopt, {{"PHARMA", 6, ""}}),
  };
  SUBCASE("a lower hold threshold") {
    CandidateLoad rules = load_candidate_rules({current}, {dir.write("t.rules", "threshold hold 3\n")});
    REQUIRE(rules.candidate);
    std::vector<TrialItem> low = {comment("c3", 100, "a", "hello", Action::pass, false, {{"NO_TOKEN", 4, ""}})};
    TrialReport report = run_rule_trial(*rules.current, *rules.candidate, low, ChecksConfig{});
    CHECK(report.newly_blocked == 1);
    CHECK(report.newly_blocked_ham == 1);
    REQUIRE(report.rules.size() == 1);
    CHECK(report.rules[0].rule == "(thresholds)");
  }
  SUBCASE("a built-in scored 0 lets through what it held") {
    CandidateLoad rules = load_candidate_rules({current}, {dir.write("s.rules", "score NO_TOKEN 0\nscore RATE_IP 0\n")});
    REQUIRE(rules.candidate);
    TrialReport report = run_rule_trial(*rules.current, *rules.candidate, items, ChecksConfig{});
    CHECK(report.differ_from_recorded == 0);  // NO_TOKEN + RATE_IP = 8: held then, held now
    CHECK(report.newly_passed == 1);
    CHECK(difference_for(report, "NO_TOKEN"));
    CHECK(difference_for(report, "RATE_IP"));
    CHECK_FALSE(difference_for(report, "PHARMA"));
  }
}

TEST_CASE("rules try: a bad candidate line is reported where it is, as rules lint does") {
  TempDir dir;
  const std::string current = dir.write("main.rules", kCurrent);
  const std::string bad = dir.write("cand.rules", "# a comment\nbody JA_BAD /(出会い/\nmeta BOTH PHARMA && NOPE\n");
  CandidateLoad rules = load_candidate_rules({current}, {bad});
  CHECK_FALSE(rules.candidate);
  const std::vector<std::string> lint = relative(dir, load_rules({bad}).errors);
  const std::vector<std::string> tried = relative(dir, rules.errors);
  REQUIRE(tried.size() == 2);
  CHECK(tried[0] == lint[0]);
  CHECK(tried[0].rfind("cand.rules:2: JA_BAD: invalid regex", 0) == 0);
  CHECK(tried[1] == "cand.rules:3: meta BOTH: unknown rule NOPE");

  CandidateLoad syntax = load_candidate_rules({current}, {dir.write("syntax.rules", "bogus line here\n")});
  CHECK(relative(dir, syntax.errors) == relative(dir, load_rules({dir / "syntax.rules"}).errors));

  CandidateLoad clash = load_candidate_rules({current}, {dir.write("dup.rules", "body X /a/\nbody X /b/\n")});
  REQUIRE(clash.errors.size() == 1);
  CHECK(relative(dir, clash.errors)[0] == "dup.rules:2: rule X is already defined at dup.rules:1");

  SUBCASE("pasted lines are named by their label and may not read files") {
    CandidateLoad pasted = load_candidate_text({current}, "body OK /a/\nbody JA /(/\n", "candidate");
    REQUIRE(pasted.errors.size() == 1);
    CHECK(pasted.errors[0].rfind("candidate:2: JA: invalid regex", 0) == 0);
    CandidateLoad include = load_candidate_text({current}, "include /etc/passwd\nlist L any /etc/passwd\n", "candidate");
    REQUIRE(include.errors.size() == 2);
    CHECK(include.errors[0].rfind("candidate:1: include cannot be tried from pasted lines", 0) == 0);
    CHECK(include.errors[1].rfind("candidate:2: list cannot be tried from pasted lines", 0) == 0);
    CandidateLoad good = load_candidate_text({current}, "regex_free_line_is_bad\n", "candidate");
    CHECK_FALSE(good.candidate);
    CandidateLoad fine = load_candidate_text({current}, "body 出会い /出会い系/\n", "candidate");
    CHECK_FALSE(fine.candidate);  // rule names are A-Z, 0-9, _
    CandidateLoad ok = load_candidate_text({current}, "body DATING /出会い系/\nscore DATING 6\n", "candidate");
    CHECK(ok.candidate);
  }
  SUBCASE("a current rule that fails to load stops the try") {
    CandidateLoad broken = load_candidate_rules({dir.write("broken.rules", "body B /(/\n")}, {dir / "cand.rules"});
    CHECK_FALSE(broken.candidate);
    CHECK_FALSE(broken.current);
  }
  SUBCASE("a current list keeps working from the flattened set") {
    dir.write("lists/words.txt", "カジノ\n");
    const std::string with_list = dir.write("list.rules", std::string(kCurrent) + "list WORDS body lists/words.txt\nscore WORDS 6\n");
    CandidateLoad listed = load_candidate_rules({with_list}, {dir.write("ok.rules", "body DATING /出会い系/\n")});
    REQUIRE_MESSAGE(listed.candidate != nullptr, (listed.errors.empty() ? std::string() : listed.errors.front()));
    std::vector<TrialItem> items = {comment("d1", 1, "x", "オンラインカジノ", Action::hold, true, {{"WORDS", 6, ""}})};
    TrialReport report = run_rule_trial(*listed.current, *listed.candidate, items, ChecksConfig{});
    CHECK(report.newly_passed == 0);
    CHECK(report.differ_from_recorded == 0);
  }
}

TEST_CASE("rules try: the history is the kept rows with the owner's latest decision, and decisions without a row") {
  auto row = [](std::string id, int64_t at, std::string action, std::optional<std::string> content) {
    SubmissionRecord r;
    r.id = std::move(id);
    r.created_at = at;
    r.kind = "comment";
    r.action = std::move(action);
    r.ip = "198.51.100.4";
    r.hits = R"([{"detail":"","rule":"RATE_IP","score":4.0}])";
    r.content = std::move(content);
    return r;
  };
  std::vector<SubmissionRecord> rows = {
      row("old", 50, "hold", R"({"author":"古い","body":"前の月"})"),
      row("p1", 100, "pass", R"({"author":"山田","body":"出会い系サイト","email":"y@example.jp"})"),
      row("h1", 200, "hold", R"({"author":"bot","body":"viagra"})"),
  };
  rows[2].decision = "spam";
  FeedbackRecord on_p1;
  on_p1.id = 1;
  on_p1.created_at = 150;
  on_p1.submission_id = "p1";
  on_p1.decision = "spam";
  FeedbackRecord alone;
  alone.id = 2;
  alone.created_at = 300;
  alone.submission_id = "gone";
  alone.decision = "approve";
  alone.author = "佐藤";
  alone.body = "素敵な記事でした";
  alone.kind = "comment";
  FeedbackRecord before;
  before.id = 3;
  before.created_at = 10;
  before.decision = "spam";
  before.body = "too old";
  const std::vector<TrialItem> items = trial_items(rows, {on_p1, alone, before}, 100);
  REQUIRE(items.size() == 3);
  CHECK(items[0].id == "p1");
  CHECK(items[0].submission.author == "山田");
  CHECK(items[0].submission.email == "y@example.jp");
  CHECK(items[0].submission.ip == "198.51.100.4");
  CHECK(items[0].owner_says_spam == true);
  CHECK(items[0].recorded_action == Action::pass);
  REQUIRE(items[0].recorded_hits.size() == 1);
  CHECK(items[0].recorded_hits[0].rule == "RATE_IP");
  CHECK(items[1].id == "h1");
  CHECK(items[1].owner_says_spam == true);
  CHECK(items[2].id == "feedback:2");
  CHECK(items[2].submission.body == "素敵な記事でした");
  CHECK(items[2].owner_says_spam == false);
  CHECK_FALSE(items[2].recorded_action);
}

TEST_CASE("passed text is kept for keep_passed_days, then only blocked text is left; the budget drops passed text first") {
  spamgate::testing::TempStore store;
  ManualClock clock;
  SubmissionLogOptions options;
  options.keep_passed_days = 7;
  options.retention_interval = std::chrono::seconds(1);
  auto log = SubmissionLog::open(store.store_path(), options, clock);
  REQUIRE_MESSAGE(log.ok(), log.error());
  auto record = [&](std::string id, std::string action) {
    SubmissionRecord r;
    r.id = std::move(id);
    r.created_at = unix_seconds(clock.now());
    r.kind = "comment";
    r.action = std::move(action);
    r.hits = "[]";
    r.content = R"({"author":"山田","body":"出会い系"})";
    REQUIRE((*log)->record(r));
  };
  record("pass-old", "pass");
  record("hold-old", "hold");
  clock.advance(std::chrono::hours(24 * 8));
  record("pass-new", "pass");
  REQUIRE((*log)->flush().ok());
  clock.advance(std::chrono::seconds(2));  // retention is due
  REQUIRE((*log)->flush().ok());
  auto kept = (*log)->with_text_since(0);
  REQUIRE(kept.ok());
  std::vector<std::string> ids;
  for (const SubmissionRecord& r : *kept) ids.push_back(r.id);
  CHECK(ids == std::vector<std::string>{"hold-old", "pass-new"});
}

TEST_CASE("a log opened without keep_passed_days (spamgate log) leaves passed text alone") {
  spamgate::testing::TempStore store;
  ManualClock clock;
  SubmissionLogOptions options;
  options.retention_interval = std::chrono::seconds(1);
  auto log = SubmissionLog::open(store.store_path(), options, clock);
  REQUIRE_MESSAGE(log.ok(), log.error());
  SubmissionRecord r;
  r.id = "pass-kept";
  r.created_at = unix_seconds(clock.now()) - 86400 * 20;
  r.kind = "comment";
  r.action = "pass";
  r.hits = "[]";
  r.content = R"({"body":"京都の紅葉"})";
  REQUIRE((*log)->record(r));
  REQUIRE((*log)->flush().ok());
  clock.advance(std::chrono::seconds(2));
  REQUIRE((*log)->flush().ok());
  auto kept = (*log)->with_text_since(0);
  REQUIRE(kept.ok());
  REQUIRE(kept->size() == 1);
  CHECK((*kept)[0].id == "pass-kept");
}

TEST_CASE("over the review budget, passed text goes before rejected text, and is not counted as a review item") {
  spamgate::testing::TempStore store;
  ManualClock clock;
  SubmissionLogOptions options;
  options.keep_passed_days = 7;
  options.budget.max_bytes = 1000;
  auto log = SubmissionLog::open(store.store_path(), options, clock);
  REQUIRE_MESSAGE(log.ok(), log.error());
  auto record = [&](std::string id, std::string action, std::string ip) {
    SubmissionRecord r;
    r.id = std::move(id);
    r.created_at = unix_seconds(clock.now());
    r.kind = "comment";
    r.ip = std::move(ip);
    r.action = std::move(action);
    r.hits = "[]";
    r.content = R"({"body":")" + std::string(600, 'x') + R"("})";
    REQUIRE((*log)->record(r));
  };
  record("reject-first", "reject", "192.0.2.1");
  clock.advance(std::chrono::seconds(1));
  record("pass-later", "pass", "192.0.2.2");
  REQUIRE((*log)->flush().ok());
  auto kept = (*log)->with_text_since(0);
  REQUIRE(kept.ok());
  REQUIRE(kept->size() == 1);
  CHECK((*kept)[0].id == "reject-first");
  CHECK((*log)->not_kept() == 0);
  ReviewQuery query;
  query.include_not_kept = true;
  auto page = (*log)->review(query);
  REQUIRE(page.ok());
  CHECK(page->not_kept.empty());
}
