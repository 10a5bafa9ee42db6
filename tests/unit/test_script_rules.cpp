// Script rules (`script NAME FIELD CONDITION SCRIPTS`): they count a field's
// letters by Unicode script, fire on `none`, a count or a share, and report
// every mistake as file:line: message.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "scoring/scorer.h"
#include "support/temp_dir.h"

using namespace spamgate;
using spamgate::testing::TempDir;

namespace {

struct ScriptRules {
  TempDir dir;
  RuleLoad load;
  ChecksConfig config;
  CheckContext context{config, "", nullptr, TimePoint{}};

  explicit ScriptRules(const std::string& text) { load = load_rules({dir.write("script.rules", text)}); }

  // The names and details of the rules that fired on `body` (author "Ann"),
  // built-in checks (LINK_ONLY, BAD_UTF8) left out.
  std::vector<std::string> hits(const std::string& body, const std::string& author = "Ann") const {
    REQUIRE(load.rules);
    Submission s;
    s.author = author;
    s.body = body;
    std::vector<std::string> out;
    for (const Hit& hit : Scorer().score(*load.rules, s, context).hits)
      if (load.rules->find(hit.rule)->kind != RuleKind::builtin) out.push_back(hit.rule + " " + hit.detail);
    return out;
  }
  std::vector<std::string> errors() const {
    std::vector<std::string> out;
    for (const std::string& e : load.errors) out.push_back(e.substr((dir / "").size()));
    return out;
  }
};

using Hits = std::vector<std::string>;

}  // namespace

TEST_CASE("script NAME FIELD none SCRIPTS: no letter of those scripts, among some letters") {
  const ScriptRules rules("script NO_JAPANESE body none Han+Hiragana+Katakana\n");
  for (const std::string& e : rules.load.errors) FAIL_CHECK(e);
  CHECK(rules.hits("Great post, thanks!") == Hits{"NO_JAPANESE body: 0 of 15 letters Han+Hiragana+Katakana"});
  CHECK(rules.hits("Привет http://x.example") == Hits{"NO_JAPANESE body: 0 of 18 letters Han+Hiragana+Katakana"});
  CHECK(rules.hits("ありがとうございます").empty());
  CHECK(rules.hits("ｺﾒﾝﾄ失礼します").empty());        // half-width katakana is Katakana
  CHECK(rules.hits("This works. ラーメン").empty());  // one Japanese word is enough
  CHECK(rules.hits("").empty());                      // no letter: nothing to judge
  CHECK(rules.hits("12345 !!! 😀").empty());
  CHECK(rules.hits("\xFF\xFE").empty());              // ill-formed bytes are no letters
}

TEST_CASE("script rules with a count or a share of the letters, on any field") {
  const ScriptRules rules(
      "script CYRILLIC   body   > 50%  Cyrillic\n"
      "script RU_AUTHOR  author >= 3   cyrillic\n"  // script names in any case
      "script FEW_KANA   body   < 10%  Hira+Kana\n"  // four-letter codes
      "script ANY_HAN    any    >= 1   Han\n");
  for (const std::string& e : rules.load.errors) FAIL_CHECK(e);
  CHECK(rules.hits("Отличный сайт, заходите к нам http://kazino.example.ru", "Иван") ==
        Hits{"CYRILLIC body: 24 of 43 letters Cyrillic (56%)", "RU_AUTHOR author: 4 of 4 letters cyrillic",
             "FEW_KANA body: 0 of 43 letters Hira+Kana (0%)"});
  CHECK(rules.hits("ありがとう", "鈴木") == Hits{"ANY_HAN any: 2 of 7 letters Han"});
  CHECK(rules.hits("Hi", "Ann").size() == 1);  // FEW_KANA only
}

TEST_CASE("script rules: every mistake is a file:line: error, and score/meta see the rule") {
  const ScriptRules bad(
      "script NO_JA body none Han+Klingon\n"
      "script RU body most Cyrillic\n"
      "script HALF body > 150% Cyrillic\n"
      "script NONE body none\n"
      "script WHERE nowhere none Han\n"
      "script EXTRA body none Han trailing\n"
      "script LINKS_1 body none Han\n"
      "script HONEYPOT body none Han\n");
  CHECK(bad.errors() ==
        std::vector<std::string>{
            "script.rules:1: script NO_JA: unknown script 'Klingon' (use Unicode script names joined by +, e.g. "
            "Han+Hiragana+Katakana, Latin, Cyrillic, Hangul, Thai)",
            "script.rules:2: script RU: expected 'none' or a comparison (>, >=, <, <=), not 'most'",
            "script.rules:3: script HALF: expected a number of letters or a percentage from 0% to 100%, not '150%'",
            "script.rules:4: script NONE: missing script names (e.g. Han+Hiragana+Katakana)",
            "script.rules:5: script WHERE: unknown field 'nowhere'",
            "script.rules:6: script EXTRA: unexpected text 'trailing'",
            "script.rules:7: LINKS_1: names starting with LINKS_ are reserved for link counts",
            "script.rules:8: HONEYPOT is a built-in check; use 'score HONEYPOT N' to change its score"});

  const ScriptRules good(
      "script   NO_JA  body none Han+Hiragana+Katakana\n"
      "score    NO_JA  2\n"
      "describe NO_JA  No Japanese letter\n"
      "meta     NO_JA_LINK NO_JA && LINKS_1\n"
      "score    NO_JA_LINK 3\n");
  for (const std::string& e : good.load.errors) FAIL_CHECK(e);
  REQUIRE(good.load.rules);
  const RuleInfo* info = good.load.rules->find("NO_JA");
  REQUIRE(info);
  CHECK(info->kind == RuleKind::script);
  CHECK(info->score == 2);
  CHECK(good.hits("see http://x.example") ==
        Hits{"NO_JA body: 0 of 15 letters Han+Hiragana+Katakana", "NO_JA_LINK NO_JA && LINKS_1"});
}
