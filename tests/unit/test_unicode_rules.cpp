// Regex and list rules on Unicode text: \p{Script} classes, Unicode case
// folding under /i, the \b of spaced scripts, NFKC (full-width and half-width
// forms), the literal prefilter on non-ASCII literals, ill-formed UTF-8, and
// the file:line errors of bad classes and unnormalised patterns.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "scoring/regex_literals.h"
#include "scoring/scorer.h"
#include "scoring/search_text.h"
#include "scoring/unicode_pattern.h"
#include "support/temp_dir.h"

using namespace spamgate;
using spamgate::testing::TempDir;

namespace doctest {
template <>
struct StringMaker<std::vector<std::string>> {
  static String convert(const std::vector<std::string>& strings) {
    std::string out = "{";
    for (const std::string& s : strings) out += "\"" + s + "\" ";
    return (out + "}").c_str();
  }
};
}  // namespace doctest

namespace {

struct Rules {
  TempDir dir;
  RuleLoad load;
  ChecksConfig config;
  CheckContext context{config, "", nullptr, TimePoint{}};

  explicit Rules(const std::string& text, const std::string& words = "") {
    if (!words.empty()) dir.write("words.txt", words);
    load = load_rules({dir.write("u.rules", text)});
  }

  // "NAME detail" of every rule file rule that fired on `body` (built-ins
  // left out), with or without the literal prefilter.
  std::vector<std::string> hits(const std::string& body, bool prefilter = true, const std::string& author = "Ann") const {
    REQUIRE(load.rules);
    Submission s;
    s.author = author;
    s.body = body;
    std::vector<std::string> out;
    const Verdict verdict = Scorer(ScorerOptions{prefilter}).score(*load.rules, s, context);
    for (const std::string& e : verdict.rule_errors) FAIL_CHECK(e);
    for (const Hit& hit : verdict.hits)
      if (load.rules->find(hit.rule)->kind != RuleKind::builtin) out.push_back(hit.rule + " " + hit.detail);
    return out;
  }
  // The same hits with and without the prefilter (the prefilter only skips work).
  std::vector<std::string> both(const std::string& body) const {
    const auto with = hits(body, true);
    CHECK(with == hits(body, false));
    return with;
  }
  std::vector<std::string> errors() const {
    std::vector<std::string> out;
    for (const std::string& e : load.errors) out.push_back(e.substr((dir / "").size()));
    return out;
  }
};

using Hits = std::vector<std::string>;

}  // namespace

TEST_CASE("\\p{Script} classes: the scripts ICU knows, inside and outside brackets, negated") {
  const Rules rules(
      "body HAN      /\\p{Han}{2}/\n"
      "body KANA     /[\\p{Hiragana}\\p{Katakana}ー]{3}/\n"
      "body CYRILLIC /\\p{Cyrillic}+/\n"
      "body HANGUL   /\\p{Hangul}/\n"
      "body THAI     /\\p{Thai}/\n"
      "body NOT_LATIN_RUN /^\\P{Latin}{4}$/\n"
      "body NO_HAN_CLASS /^[^\\p{Han}]+$/\n"
      "body SCX      /\\p{scx=Kana}\\p{Script=Katakana}/\n"
      "body LETTER   /^\\p{Lu}\\p{L}+$/\n"
      "body IN_BRACKETS /^[\\p{Lu}\\P{L}]{3}$/\n");
  for (const std::string& e : rules.load.errors) FAIL_CHECK(e);
  CHECK(rules.both("日本語のコメントです") ==
        Hits{"HAN body: 日本", "KANA body: のコメ", "SCX body: コメ"});  // の is Hiragana, コメ Katakana
  CHECK(rules.both("Привет") == Hits{"CYRILLIC body: Привет", "NO_HAN_CLASS body: Привет", "LETTER body: Привет"});
  CHECK(rules.both("안녕하세요") == Hits{"HANGUL body: 안", "NO_HAN_CLASS body: 안녕하세요"});
  CHECK(rules.both("ขอบคุณ") == Hits{"THAI body: ข", "NO_HAN_CLASS body: ขอบคุณ"});
  CHECK(rules.both("1234") == Hits{"NOT_LATIN_RUN body: 1234", "NO_HAN_CLASS body: 1234"});
  CHECK(rules.both("abcd") == Hits{"NO_HAN_CLASS body: abcd"});
  CHECK(rules.both("Ж1!") == Hits{"CYRILLIC body: Ж", "NO_HAN_CLASS body: Ж1!", "IN_BRACKETS body: Ж1!"});
  CHECK(rules.both("Жa!") == Hits{"CYRILLIC body: Ж", "NO_HAN_CLASS body: Жa!"});
  CHECK(rules.both("ーカ") == Hits{"NO_HAN_CLASS body: ーカ", "SCX body: ーカ"});  // ー: Common, kana by scx
  CHECK(rules.both("中文评论") == Hits{"HAN body: 中文", "NOT_LATIN_RUN body: 中文评论"});
}

TEST_CASE("an unknown or malformed Unicode class is a file:line error, never a crash") {
  const Rules rules(
      "body OK /\\p{Han}/\n"
      "body KLINGON /\\p{Klingon}/\n"
      "body IN_CLASS /[a\\P{Hiragana_Typo}]/\n"
      "body EMPTY /\\p{}/\n"
      "body UNCLOSED /\\p{Han/\n"
      "body BAD_VALUE /\\p{Script=Nope}/\n");
  const auto errors = rules.errors();
  REQUIRE(errors.size() == 5);
  CHECK(errors[0].rfind("u.rules:2: KLINGON: unknown Unicode class \\p{Klingon} (use a script such as Han", 0) == 0);
  CHECK(errors[1].rfind("u.rules:3: IN_CLASS: unknown Unicode class \\P{Hiragana_Typo}", 0) == 0);
  CHECK(errors[2].rfind("u.rules:4: EMPTY: unknown Unicode class \\p{}", 0) == 0);
  CHECK(errors[3].rfind("u.rules:5: UNCLOSED: invalid regex: ", 0) == 0);
  CHECK(errors[4].rfind("u.rules:6: BAD_VALUE: unknown Unicode class \\p{Script=Nope}", 0) == 0);
}

TEST_CASE("a Japanese pattern Boost.Regex refuses is quoted as written, not garbled") {
  const Rules rules("body JA_BAD /(出会い系/\n");
  const auto errors = rules.errors();
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == "u.rules:1: JA_BAD: invalid regex: Unmatched marking parenthesis ( or \\( in /(出会い系/");
}

TEST_CASE("/i folds Unicode case; without it, case counts") {
  const Rules rules(
      "body PHARMA_EN /viagra/i\n"
      "body PHARMA_RU /виагра/i\n"
      "body GREEK     /φάρμακα/i\n"
      "body EXACT     /Казино/\n");
  for (const std::string& e : rules.load.errors) FAIL_CHECK(e);
  CHECK(rules.both("BUY VIAGRA") == Hits{"PHARMA_EN body: VIAGRA"});
  CHECK(rules.both("КУПИТЬ ВИАГРА дешево") == Hits{"PHARMA_RU body: ВИАГРА"});
  CHECK(rules.both("ΦΆΡΜΑΚΑ") == Hits{"GREEK body: ΦΆΡΜΑΚΑ"});
  CHECK(rules.both("Казино").size() == 1);
  CHECK(rules.both("КАЗИНО").empty());
}

TEST_CASE("\\b: letters of spaced scripts are word characters; kanji and kana are not") {
  const Rules rules(
      "body PHARMA /\\bviagra\\b/i\n"
      "body RU     /\\bвиагра\\b/i\n"
      "body INSIDE /\\Bagr\\B/\n"
      "body START  /\\<cas/\n"
      "body END    /ino\\>/\n");
  for (const std::string& e : rules.load.errors) FAIL_CHECK(e);
  CHECK(rules.both("安いviagraの通販") == Hits{"PHARMA body: viagra", "INSIDE body: agr"});
  CHECK(rules.both("viagras").empty() == false);  // INSIDE still fires
  CHECK(rules.both("viagras") == Hits{"INSIDE body: agr"});
  CHECK(rules.both("купить виагру").empty());      // виагру is another word
  CHECK(rules.both("купить виагра, дешево") == Hits{"RU body: виагра"});
  CHECK(rules.both("наviagra").empty() == false);
  CHECK(rules.both("наviagra") == Hits{"INSIDE body: agr"});  // Cyrillic letters are word characters
  CHECK(rules.both("オンラインcasinoで") == Hits{"START body: cas", "END body: ino"});
  CHECK(rules.both("bigcasinos").empty());
  CHECK(rules.both("café_viagra").size() == 1);  // _ joins words: only INSIDE
  CHECK(rules.both("viagra2").size() == 1);
}

TEST_CASE("NFKC: full-width and half-width forms match the rules written in ordinary form") {
  const Rules rules(
      "body PHARMA /\\bviagra\\b/i\n"
      "body CASINO /カジノ/\n"
      "body MONEY  /月収[0-9]+万/\n");
  // Lists compare the text as sent, as WordPress does.
  const Rules with_list("list WORDS body words.txt\n", "ｽｰﾊﾟｰｺﾋﾟｰ\n");
  for (const std::string& e : rules.load.errors) FAIL_CHECK(e);
  CHECK(rules.both("ｖｉａｇｒａ") == Hits{"PHARMA body: viagra"});
  CHECK(rules.both("ＶＩＡＧＲＡ を安く") == Hits{"PHARMA body: VIAGRA"});
  CHECK(rules.both("ｶｼﾞﾉで遊ぼう") == Hits{"CASINO body: カジノ"});
  CHECK(rules.both("月収１００万円") == Hits{"MONEY body: 月収100万"});
  REQUIRE(with_list.load.rules);
  CHECK(with_list.both("ｽｰﾊﾟｰｺﾋﾟｰ品") == Hits{"WORDS body: ｽｰﾊﾟｰｺﾋﾟｰ"});
  CHECK(with_list.both("スーパーコピー品").empty());
}

TEST_CASE("NFKC: the submission keeps its own text; only the search text is normalised") {
  CHECK(!search_text("plain ASCII"));
  CHECK(!search_text("日本語のコメント"));  // already NFKC: no copy
  CHECK(search_text("ｖｉａｇｒａ") == std::optional<std::string>("viagra"));
  CHECK(search_text("ｶｼﾞﾉ") == std::optional<std::string>("カジノ"));
  CHECK(search_text("ok\xFF") == std::optional<std::string>("ok\xEF\xBF\xBD"));
  CHECK(search_text("\xE3\x81") == std::optional<std::string>("\xEF\xBF\xBD\xEF\xBF\xBD"));
}

TEST_CASE("a pattern NFKC would change is an error naming the character") {
  const Rules rules("body FULL /ｖｉａｇｒａ/\nbody DIGIT /月収[０-９]/\nbody FINE /ガ/\n");
  const auto errors = rules.errors();
  REQUIRE(errors.size() == 2);
  CHECK(errors[0] ==
        "u.rules:1: FULL: the text is matched after NFKC normalisation, so the pattern cannot contain 'ｖ' (write 'v')");
  CHECK(errors[1] ==
        "u.rules:2: DIGIT: the text is matched after NFKC normalisation, so the pattern cannot contain '０' (write '0')");
}

TEST_CASE("ill-formed UTF-8 in a field never crashes a rule: its bytes are U+FFFD to the rules") {
  const Rules rules("body PHARMA /\\bviagra\\b/i\nbody ANY_CHAR /^.{3}$/\nbody CYR /\\p{Cyrillic}/\n");
  for (const std::string& e : rules.load.errors) FAIL_CHECK(e);
  CHECK(rules.both("\xFF viagra \xC3") == Hits{"PHARMA body: viagra"});
  CHECK(rules.both("a\xFF" "b") == Hits{"ANY_CHAR body: a\xEF\xBF\xBD" "b"});
  CHECK(rules.both("\xD0") .empty());  // a truncated Cyrillic letter is no letter
  const Rules bad_pattern("body BAD /abc\xFF/\n");
  REQUIRE(bad_pattern.errors().size() == 1);
  CHECK(bad_pattern.errors()[0] == "u.rules:1: BAD: the pattern is not valid UTF-8 (at byte 4)");
}

TEST_CASE("the prefilter knows non-ASCII literals, with and without /i") {
  CHECK(regex_literals("出会い系", "").required == std::vector<std::string>{"出会い系"});
  CHECK(regex_literals("(出会い系|セフレ)", "").leading == std::vector<std::string>{"セフレ", "出会い系"});
  // Under /i each letter stands for its case variants.
  const auto cyrillic = regex_literals("да", "i").required;
  REQUIRE(cyrillic);
  // (ᲁ, U+1C81, is an old form of д with the same case folding.)
  CHECK(*cyrillic == std::vector<std::string>{"ДА", "Да", "дА", "да", "ᲁА", "ᲁа"});
  // A quantifier applies to the whole character, not its last byte.
  CHECK(regex_literals("日本?語", "").required == std::vector<std::string>{"日本語", "日語"});
  // Bracket expressions with non-ASCII members and \p classes are one unknown character.
  CHECK(regex_literals("abc[日本]def", "").required == std::vector<std::string>{"abc"});
  CHECK(regex_literals("\\p{Han}+viagra", "i").required == std::vector<std::string>{"viagra"});

  const Rules rules("body JA_ADULT /(出会い系|セフレ)/\nbody RU /виагра/i\n");
  for (const std::string& e : rules.load.errors) FAIL_CHECK(e);
  const CompiledRules& c = rules.load.rules->compiled();
  CHECK(c.prefilter.filtered_count() == 2);
  PrefilterHits found;
  c.prefilter.scan("無料の出会い系サイト", found);
  CHECK(found.may_match(0));
  CHECK_FALSE(found.may_match(1));
  c.prefilter.scan("普通のコメントです", found);
  CHECK_FALSE(found.may_match(0));
  c.prefilter.scan("ВиАгРа", found);
  CHECK(found.may_match(1));
  CHECK(rules.both("無料の出会い系サイト") == Hits{"JA_ADULT body: 出会い系"});
  CHECK(rules.both("купи ВиАгРа") == Hits{"RU body: ВиАгРа"});
  CHECK(rules.both("普通のコメントです").empty());
}

TEST_CASE("unicode_pattern leaves what Boost knows and rewrites what it does not") {
  CHECK(*unicode_pattern("\\p{L}+\\d", "") == "\\p{L}+\\d");
  CHECK(*unicode_pattern("[\\b]", "") == "[\\b]");      // backspace in a class
  CHECK(*unicode_pattern("\\Q\\b\\E", "") == "\\Q\\b\\E");  // quoted
  CHECK(unicode_pattern("\\p{Han}", "")->rfind("[\u2E80-", 0) == 0);  // ICU's ranges, as characters
  CHECK(unicode_pattern("\\P{Han}", "")->rfind("[\\x{0}-", 0) == 0);
  CHECK(unicode_pattern("\\bx", "")->find("(?<=") != std::string::npos);
  CHECK(*unicode_pattern("a # \\b [", "x") == "a # \\b [");  // a comment under x
}

TEST_CASE("mixed Japanese, Russian, Chinese and English comments") {
  const Rules rules(
      "body PHARMA   /\\b(viagra|cialis)\\b/i\n"
      "body RU_SPAM  /\\b(казино|заработок)\\b/i\n"
      "body ZH_SPAM  /(代开发票|博彩)/\n"
      "body JA_ADULT /(出会い系|セフレ)/\n");
  for (const std::string& e : rules.load.errors) FAIL_CHECK(e);
  CHECK(rules.both("先日の記事、とても参考になりました。Cialisの話ではありません。") == Hits{"PHARMA body: Cialis"});
  CHECK(rules.both("Лучшее КАЗИНО онлайн http://x.example") == Hits{"RU_SPAM body: КАЗИНО"});
  CHECK(rules.both("代开发票，联系微信") == Hits{"ZH_SPAM body: 代开发票"});
  CHECK(rules.both("ｾﾌﾚ募集中") == Hits{"JA_ADULT body: セフレ"});
  CHECK(rules.both("ありがとうございます。とても勉強になりました。").empty());
  CHECK(rules.both("Спасибо за статью!").empty());
}
