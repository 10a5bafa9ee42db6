#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "scoring/rule_set.h"
#include "scoring/rule_syntax.h"
#include "support/temp_dir.h"

using namespace spamgate;
using spamgate::testing::TempDir;

namespace {

// Loads one file called main.rules with `content`; returns the errors with
// the directory prefix removed, so they read "main.rules:3: ...".
struct Loaded {
  RuleLoad load;
  std::vector<std::string> errors;
};

Loaded load_text(const TempDir& dir, const std::string& content) {
  Loaded out{load_rules({dir.write("main.rules", content)}), {}};
  const std::string prefix = dir / "";
  for (std::string e : out.load.errors) {
    for (size_t at = e.find(prefix); at != std::string::npos; at = e.find(prefix)) e.erase(at, prefix.size());
    out.errors.push_back(e);
  }
  return out;
}

std::vector<std::string> errors_of(const std::string& content) {
  TempDir dir;
  return load_text(dir, content).errors;
}

}  // namespace

TEST_CASE("every directive loads: thresholds, regex fields, list, meta, score, describe, include") {
  TempDir dir;
  dir.write("lists/words.txt", "casino\n\n  payday loan  \n");
  dir.write("sub/local.rules", "score PHARMA 7   # the site owner's override\n");
  const auto loaded = load_text(dir,
                                "# comment line\n"
                                "threshold hold 4.5\n"
                                "threshold reject 9\n"
                                "\n"
                                "body PHARMA /\\b(viagra|cialis)\\b/i   # trailing comment\n"
                                "score PHARMA 6\n"
                                "describe PHARMA Mentions prescription drugs # not part of the text\n"
                                "author A1 /x/\n"
                                "email E1 /x/s\n"
                                "url U1 /x/x\n"
                                "subject S1 /x/isx\n"
                                "ip I1 /^10\\./\n"
                                "user_agent UA1 /curl/\n"
                                "referer R1 /x/\n"
                                "any HASHTAG /#tag/\n"
                                "list WORDS any lists/words.txt\n"
                                "meta COMBO (PHARMA || WORDS) && !HONEYPOT && LINKS_2\n"
                                "score LINKS_5 2.5\n"
                                "score HONEYPOT 8\n"
                                "include sub/local.rules\n");
  REQUIRE(loaded.errors.empty());
  const RuleSet& rules = *loaded.load.rules;
  CHECK(rules.hold_threshold() == 4.5);
  CHECK(rules.reject_threshold() == 9);

  const RuleInfo* pharma = rules.find("PHARMA");
  REQUIRE(pharma);
  CHECK(pharma->kind == RuleKind::regex);
  CHECK(pharma->score == 7);  // the include comes later and wins
  CHECK(pharma->description == "Mentions prescription drugs");
  CHECK(pharma->source == (dir / "main.rules") + ":5");
  CHECK(rules.find("A1")->score == 1);  // default score
  CHECK(rules.find("HASHTAG"));
  CHECK(rules.find("WORDS")->kind == RuleKind::list);
  CHECK(rules.find("COMBO")->kind == RuleKind::meta);
  CHECK(rules.find("HONEYPOT")->kind == RuleKind::builtin);
  CHECK(rules.find("HONEYPOT")->score == 8);
  CHECK(rules.find("LINKS_5")->score == 2.5);
  CHECK(rules.find("LINKS_2")->kind == RuleKind::links);  // declared by the meta
  CHECK(rules.find("LINKS_2")->score == 0);
  CHECK(rules.find("LINKS_3") == nullptr);
  CHECK(rules.compiled().lists.at(0).entries == std::vector<std::string>{"casino", "payday loan"});

  CHECK(rules.source_files() == std::vector<std::string>{dir / "main.rules", dir / "lists/words.txt",
                                                         dir / "sub/local.rules"});
  // Order: built-ins, LEARNED, LINKS_N by N, then definitions in file order.
  std::vector<std::string> names;
  for (const RuleInfo& info : rules.rules())
    if (info.kind != RuleKind::builtin) names.push_back(info.name);
  CHECK(names == std::vector<std::string>{"LEARNED", "LINKS_2", "LINKS_5", "PHARMA", "A1", "E1", "U1", "S1", "I1", "UA1",
                                          "R1", "HASHTAG", "WORDS", "COMBO"});
}

TEST_CASE("default thresholds are hold 5 and reject 10") {
  TempDir dir;
  const auto loaded = load_text(dir, "body X /x/\n");
  REQUIRE(loaded.errors.empty());
  CHECK(loaded.load.rules->hold_threshold() == 5);
  CHECK(loaded.load.rules->reject_threshold() == 10);
}

TEST_CASE("CRLF line endings and a missing final newline are accepted") {
  TempDir dir;
  const auto loaded = load_text(dir, "body X /x/i\r\nscore X 2\r\ndescribe X Some text\r\nthreshold hold 3");
  REQUIRE(loaded.errors.empty());
  CHECK(loaded.load.rules->find("X")->description == "Some text");
  CHECK(loaded.load.rules->hold_threshold() == 3);
}

TEST_CASE("syntax errors are reported with file:line, and every one of them") {
  const auto errors = errors_of(
      "frobnicate X 1\n"                   // 1
      "threshold maybe 3\n"                // 2
      "threshold hold lots\n"              // 3
      "body lower /x/\n"                   // 4
      "body NOSLASH x\n"                   // 5
      "body OPEN /abc\n"                   // 6
      "body FLAG /abc/ig\n"                // 7
      "body TAIL /abc/i extra\n"           // 8
      "body EMPTY //\n"                    // 9
      "list L1 nowhere file.txt\n"         // 10
      "list L2 body\n"                     // 11
      "score X\n"                          // 12
      "score X 1 2\n"                      // 13
      "describe X\n"                       // 14
      "meta M\n"                           // 15
      "include\n"                          // 16
      "body\n"                             // 17
      "threshold reject 1e999\n");         // 18
  CHECK(errors == std::vector<std::string>{
                      "main.rules:1: unknown directive 'frobnicate'",
                      "main.rules:2: threshold: expected 'hold' or 'reject'",
                      "main.rules:3: threshold hold: expected one number",
                      "main.rules:4: invalid rule name 'lower' (use A-Z, 0-9 and _)",
                      "main.rules:5: NOSLASH: expected /regex/flags",
                      "main.rules:6: OPEN: regex has no closing /",
                      "main.rules:7: FLAG: unknown regex flag 'g' (use i, s, x)",
                      "main.rules:8: TAIL: unexpected text after regex: 'extra'",
                      "main.rules:9: EMPTY: empty regex",
                      "main.rules:10: list L1: unknown field 'nowhere'",
                      "main.rules:11: list L2: missing file path",
                      "main.rules:12: score X: expected one number",
                      "main.rules:13: score X: expected one number",
                      "main.rules:14: describe X: missing text",
                      "main.rules:15: meta M: missing expression",
                      "main.rules:16: include: missing file path",
                      "main.rules:17: body: missing rule name",
                      "main.rules:18: threshold reject: expected one number",
                  });
}

TEST_CASE("a regex Boost refuses is an error carrying Boost's message") {
  const auto errors = errors_of("body GOOD /ok/\nbody BAD /(unclosed/\nbody BAD2 /a{2,1}/\n");
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].rfind("main.rules:2: BAD: invalid regex: ", 0) == 0);
  CHECK(errors[0].size() > std::string("main.rules:2: BAD: invalid regex: ").size());
  CHECK(errors[1].rfind("main.rules:3: BAD2: invalid regex: ", 0) == 0);
}

TEST_CASE("a slash inside a regex is escaped; # inside a regex is not a comment") {
  TempDir dir;
  const auto loaded = load_text(dir, "url SLASH /^https?:\\/\\/bit\\.ly\\//i # shortener\nbody TAG /#\\w+/\n");
  REQUIRE(loaded.errors.empty());
  CHECK(loaded.load.rules->compiled().regexes.at(0).pattern == "^https?:\\/\\/bit\\.ly\\/");
  CHECK(loaded.load.rules->compiled().regexes.at(1).pattern == "#\\w+");
}

TEST_CASE("name errors: duplicates, built-in names, LINKS_ names, unknown names in score and describe") {
  const auto errors = errors_of(
      "body DUP /a/\n"            // 1
      "body DUP /b/\n"            // 2
      "any HONEYPOT /c/\n"        // 3
      "body LINKS_3 /d/\n"        // 4
      "score NOPE 2\n"            // 5
      "describe NOPE2 text\n"     // 6
      "score LINKS_0 1\n"         // 7
      "meta DUP A\n");            // 8
  CHECK(errors == std::vector<std::string>{
                      "main.rules:2: rule DUP is already defined at " + std::string("main.rules:1"),
                      "main.rules:3: HONEYPOT is a built-in check; use 'score HONEYPOT N' to change its score",
                      "main.rules:4: LINKS_3: names starting with LINKS_ are reserved for link counts",
                      "main.rules:5: score for unknown rule NOPE",
                      "main.rules:6: describe for unknown rule NOPE2",
                      "main.rules:7: score for unknown rule LINKS_0",
                      "main.rules:8: rule DUP is already defined at main.rules:1",
                  });
}

TEST_CASE("meta errors: syntax, unknown rules, cycles") {
  const auto errors = errors_of(
      "body A /a/\n"                  // 1
      "meta M1 A &&\n"                // 2
      "meta M2 (A || B\n"             // 3
      "meta M3 A && MISSING\n"        // 4
      "meta M4 A ) B\n"               // 5
      "meta C1 A && C2\n"             // 6
      "meta C2 !C3\n"                 // 7
      "meta C3 C1 || A\n"             // 8
      "meta SELF SELF\n"              // 9
      "meta OK (A || M3) && !LINKS_4\n"  // 10: M3 exists, only its own line is wrong
      "meta M5 a && A\n");            // 11
  CHECK(errors == std::vector<std::string>{
                      "main.rules:2: meta M1: expression ends where a rule name is expected",
                      "main.rules:3: meta M2: missing ')'",
                      "main.rules:4: meta M3: unknown rule MISSING",
                      "main.rules:5: meta M4: unexpected ') B'",
                      "main.rules:6: meta C1: cycle C1 -> C2 -> C3 -> C1",
                      "main.rules:9: meta SELF: cycle SELF -> SELF",
                      "main.rules:11: meta M5: expected a rule name at 'a && A'",
                  });
}

TEST_CASE("include and list errors: missing files, include cycles, errors inside included files") {
  TempDir dir;
  dir.write("a.rules", "include b.rules\nbody IN_A /a/\n");
  dir.write("b.rules", "body IN_B /b/\nbogus line\ninclude a.rules\n");
  const auto loaded = load_text(dir,
                                "include missing.rules\n"      // 1
                                "list L any nothere.txt\n"     // 2
                                "include a.rules\n"            // 3
                                "include main.rules\n");       // 4
  CHECK(loaded.errors == std::vector<std::string>{
                             "main.rules:1: cannot read 'missing.rules': No such file or directory",
                             "main.rules:2: cannot read list 'nothere.txt': No such file or directory",
                             "b.rules:2: unknown directive 'bogus'",
                             "b.rules:3: include cycle: a.rules -> b.rules -> a.rules",
                             "main.rules:4: include cycle: main.rules -> main.rules",
                         });
  CHECK(loaded.load.rules == nullptr);
}

TEST_CASE("a missing top-level file is an error naming the file") {
  TempDir dir;
  const auto load = load_rules({dir / "absent.rules"});
  REQUIRE(load.errors.size() == 1);
  CHECK(load.errors[0] == (dir / "absent.rules") + ": cannot read rule file: No such file or directory");
  CHECK(load.rules == nullptr);
}

TEST_CASE("hold must stay below reject, reported at the last threshold line") {
  CHECK(errors_of("threshold hold 12\nbody X /x/\n") ==
        std::vector<std::string>{"main.rules:1: threshold hold (12) must be below threshold reject (10)"});
  CHECK(errors_of("threshold reject 4\nthreshold hold 4\n") ==
        std::vector<std::string>{"main.rules:2: threshold hold (4) must be below threshold reject (4)"});
}

TEST_CASE("several files load in order; a later score overrides an earlier one") {
  TempDir dir;
  const std::string base = dir.write("base.rules", "body X /x/\nscore X 3\n");
  const std::string local = dir.write("local.rules", "score X 0.5\nscore BBCODE_LINK 4\n");
  const auto load = load_rules({base, local});
  REQUIRE(load.errors.empty());
  CHECK(load.rules->find("X")->score == 0.5);
  CHECK(load.rules->find("BBCODE_LINK")->score == 4);
  CHECK(load.rules->source_files() == std::vector<std::string>{base, local});
}

TEST_CASE("rule line syntax helpers") {
  CHECK(valid_rule_name("PHARMA_2"));
  CHECK_FALSE(valid_rule_name("Pharma"));
  CHECK_FALSE(valid_rule_name(""));
  CHECK(links_rule_count("LINKS_3") == 3u);
  CHECK(links_rule_count("LINKS_12") == 12u);
  CHECK_FALSE(links_rule_count("LINKS_0").has_value());
  CHECK_FALSE(links_rule_count("LINKS_03").has_value());
  CHECK_FALSE(links_rule_count("LINKS_").has_value());
  CHECK_FALSE(links_rule_count("LINKS_3A").has_value());
  auto blank = parse_rule_line("   # only a comment");
  REQUIRE(blank.ok());
  CHECK_FALSE(blank->has_value());
}
