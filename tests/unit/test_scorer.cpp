#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "scoring/checks/builtin_checks.h"
#include "scoring/scorer.h"
#include "support/comment.h"
#include "support/temp_dir.h"

using namespace spamgate;
using spamgate::testing::comment;
using spamgate::testing::TempDir;


namespace {

struct Fixture {
  TempDir dir;
  ChecksConfig config;
  CheckContext context{config, "", nullptr, TimePoint{}};
  Scorer scorer;

  std::shared_ptr<const RuleSet> load(const std::string& text) {
    auto load = load_rules({dir.write("test.rules", text)});
    for (const auto& e : load.errors) FAIL_CHECK(e);
    REQUIRE(load.rules);
    return load.rules;
  }
  Verdict score(const RuleSet& rules, const Submission& s) { return scorer.score(rules, s, context); }
};

const Hit* hit(const Verdict& v, const std::string& rule) {
  auto it = std::find_if(v.hits.begin(), v.hits.end(), [&](const Hit& h) { return h.rule == rule; });
  return it == v.hits.end() ? nullptr : &*it;
}

}  // namespace

TEST_CASE_FIXTURE(Fixture, "scores add up; pass below hold, hold from hold, reject from reject") {
  auto rules = load("threshold hold 5\nthreshold reject 10\n"
                    "body FOUR /four/\nscore FOUR 4\nbody ONE /one/\nbody FIVE /five/\nscore FIVE 5\n");
  CHECK(score(*rules, comment("nothing here")).action == Action::pass);
  CHECK(score(*rules, comment("four")).action == Action::pass);
  Verdict v = score(*rules, comment("four one"));
  CHECK(v.score == 5);
  CHECK(v.action == Action::hold);
  CHECK(v.rule_names() == "FOUR,ONE");
  v = score(*rules, comment("four five"));
  CHECK(v.score == 9);
  CHECK(v.action == Action::hold);
  v = score(*rules, comment("five four one"));
  CHECK(v.score == 10);
  CHECK(v.action == Action::reject);
  CHECK(v.rule_names() == "FOUR,ONE,FIVE");  // rule order, not text order
}

TEST_CASE_FIXTURE(Fixture, "negative scores lower the total") {
  auto rules = load("body SPAMMY /deal/\nscore SPAMMY 6\nbody THANKS /thank you/i\nscore THANKS -2\n");
  const Verdict v = score(*rules, comment("Thank you for the deal"));
  CHECK(v.score == 4);
  CHECK(v.action == Action::pass);
}

TEST_CASE_FIXTURE(Fixture, "regex rules look at their own field; any looks at author, email, url, subject, body") {
  auto rules = load("author AUTH /casino/i\nurl URL /casino/i\nany ANY /casino/i\nuser_agent UA /curl/\n"
                    "referer REF /spam\\.example/\nip IP /^203\\.0\\.113\\./\nemail EM /@mail\\.ru$/\n"
                    "subject SUBJ /win/\n");
  Submission s = comment("hello");
  s.url = "http://CASINO.example";
  Verdict v = score(*rules, s);
  CHECK(v.rule_names() == "URL,ANY");
  CHECK(hit(v, "ANY")->detail == "url: CASINO");

  s = comment("hello");
  s.user_agent = "curl/8.0";
  s.referer = "http://spam.example/";
  s.ip = "203.0.113.9";
  s.email = "x@mail.ru";
  s.subject = "you win";
  CHECK(score(*rules, s).rule_names() == "UA,REF,IP,EM,SUBJ");

  s = comment("casino");
  s.user_agent = "casino";  // not one of any's fields
  CHECK(score(*rules, s).rule_names() == "ANY");
}

TEST_CASE_FIXTURE(Fixture, "regex flags follow Perl: case, dot and line anchors") {
  auto rules = load("body CASE /Viagra/\nbody NOCASE /viagra/i\nbody DOT /a.b/\nbody DOTALL /a.b/s\n"
                    "body ANCHORED /^start.*end$/s\nbody LINE /^second/\nbody SPACED /v i a/x\n");
  CHECK(score(*rules, comment("VIAGRA")).rule_names() == "NOCASE");
  CHECK(score(*rules, comment("a\nb")).rule_names() == "DOTALL");
  CHECK(score(*rules, comment("start\nmiddle\nend")).rule_names() == "ANCHORED");
  CHECK(score(*rules, comment("first\nsecond")).rule_names() == "");  // ^ only at the very start
  CHECK(score(*rules, comment("via")).rule_names() == "SPACED");
}

TEST_CASE_FIXTURE(Fixture, "a hit's detail names the field and the matched text, cut to about 60 bytes") {
  auto rules = load("body LONG /buy.*now/\nbody CTRL /x\\ny/\n");
  const std::string middle(100, 'z');
  Verdict v = score(*rules, comment("please buy " + middle + " now"));
  REQUIRE(hit(v, "LONG"));
  CHECK(hit(v, "LONG")->detail == "body: buy " + std::string(56, 'z') + "...");
  v = score(*rules, comment("x\ny"));
  CHECK(hit(v, "CTRL")->detail == "body: x y");
  // A cut never splits a UTF-8 sequence.
  auto utf8 = load("body U /e.*/\n");
  std::string text = "e";
  for (int i = 0; i < 40; ++i) text += "\xc3\xa9";
  v = score(*utf8, comment(text));
  const std::string& d = hit(v, "U")->detail;
  CHECK(d.size() <= std::string("body: ").size() + 60 + 3);
  CHECK(d.substr(d.size() - 3) == "...");
  CHECK((static_cast<unsigned char>(d[d.size() - 4]) & 0xC0) == 0x80);  // ends on a full é
  CHECK(static_cast<unsigned char>(d[d.size() - 5]) == 0xc3);
}

TEST_CASE_FIXTURE(Fixture, "meta rules combine other rules with &&, || and !") {
  auto rules = load("body A /alpha/\nscore A 0.5\nbody B /beta/\nscore B 0.5\nbody C /gamma/\nscore C 0.5\n"
                    "meta AB A && B\nscore AB 3\nmeta A_OR_C A || C\nmeta NOT_A !A\nscore NOT_A 0.25\n"
                    "meta NESTED (AB || C) && !NOT_A\nscore NESTED 2\n");
  Verdict v = score(*rules, comment("alpha beta"));
  CHECK(v.rule_names() == "A,B,AB,A_OR_C,NESTED");
  CHECK(v.score == 0.5 + 0.5 + 3 + 1 + 2);
  CHECK(hit(v, "AB")->detail == "A && B");
  CHECK(score(*rules, comment("gamma")).rule_names() == "C,A_OR_C,NOT_A");
  CHECK(score(*rules, comment("nothing")).rule_names() == "NOT_A");
}

TEST_CASE_FIXTURE(Fixture, "built-ins: default scores, overrides, and a built-in scored 0 still counts for metas") {
  Submission s = comment("hello");
  s.raw_form = {{"sg_website", "http://bot.example"}};

  auto defaults = load("body X /never matches/\n");
  Verdict v = score(*defaults, s);
  REQUIRE(hit(v, "HONEYPOT"));
  CHECK(hit(v, "HONEYPOT")->score == 10);
  CHECK(v.action == Action::reject);

  auto lowered = load("score HONEYPOT 2\n");
  v = score(*lowered, s);
  CHECK(hit(v, "HONEYPOT")->score == 2);
  CHECK(v.action == Action::pass);

  auto silenced = load("score HONEYPOT 0\nmeta BOT_PAIR HONEYPOT && GREETING\nscore BOT_PAIR 6\n"
                       "body GREETING /hello/\nscore GREETING 0\n");
  v = score(*silenced, s);
  CHECK(v.rule_names() == "BOT_PAIR");  // rules scored 0 are not hits, but fed the meta
  CHECK(v.score == 6);
  CHECK(v.action == Action::hold);

  s.author = "Ann\r\nBcc: victim@example.com";
  v = score(*defaults, s);
  CHECK(hit(v, "HEADER_INJECTION"));
  CHECK(v.rule_names() == "HEADER_INJECTION,HONEYPOT");
}

TEST_CASE_FIXTURE(Fixture, "LINKS_N fires at N links or more, for every N the rules name") {
  auto rules = load("score LINKS_2 1\nscore LINKS_4 3\nmeta LINKY_PHARMA PHARMA && LINKS_1\n"
                    "body PHARMA /viagra/i\nscore BBCODE_LINK 2.5\n"
                    "score LINK_ONLY 0\n");  // these bare links are not what this case is about
  CHECK(score(*rules, comment("see http://a.example")).rule_names() == "");  // LINKS_1 scores 0
  Verdict v = score(*rules, comment("http://a.example http://b.example http://c.example"));
  CHECK(v.rule_names() == "LINKS_2");
  CHECK(hit(v, "LINKS_2")->detail == "3 links");
  v = score(*rules, comment("https://a.example https://b.example http://c.example http://d.example"));
  CHECK(v.rule_names() == "LINKS_2,LINKS_4");
  CHECK(v.score == 4);
  CHECK(score(*rules, comment("cheap viagra http://a.example")).rule_names() == "LINKY_PHARMA,PHARMA");
  v = score(*rules, comment("[url=http://a.example]a[/url]"));
  REQUIRE(hit(v, "BBCODE_LINK"));
  CHECK(hit(v, "BBCODE_LINK")->score == 2.5);
}

TEST_CASE_FIXTURE(Fixture, "lists: WordPress Disallowed Comment Keys semantics") {
  dir.write("words.txt", "Viagra\n  payday loan \n\n0\n\t\nbadguy@\n198.51.100.\nEvilBot\n");
  auto rules = load("list WORDS any words.txt\nscore WORDS 6\nlist IN_BODY body words.txt\nscore IN_BODY 0.5\n");
  // Case-insensitive substring, inside other words too.
  Verdict v = score(*rules, comment("Get VIAGRAS here"));
  CHECK(v.rule_names() == "WORDS,IN_BODY");
  CHECK(hit(v, "WORDS")->detail == "body: Viagra");
  CHECK(score(*rules, comment("a PAYDAY LOAN today")).rule_names() == "WORDS,IN_BODY");
  // Leading and trailing spaces of an entry are trimmed; "0" and blank lines are skipped.
  CHECK(score(*rules, comment("the year 2020")).rule_names() == "");
  CHECK(score(*rules, comment("payday loans")).rule_names() == "WORDS,IN_BODY");
  // `any` covers author, email, url, body, IP and user agent; a field list only its field.
  Submission s = comment("fine");
  s.email = "BadGuy@example.com";
  CHECK(score(*rules, s).rule_names() == "WORDS");
  s = comment("fine");
  s.ip = "198.51.100.23";
  CHECK(hit(score(*rules, s), "WORDS")->detail == "ip: 198.51.100.");
  s = comment("fine");
  s.user_agent = "evilbot/1.0";
  CHECK(score(*rules, s).rule_names() == "WORDS");
  s = comment("fine");
  s.referer = "http://viagra.example";  // WordPress does not check the referer
  CHECK(score(*rules, s).rule_names() == "");
  // HTML tags cannot split an entry: WordPress also checks the comment without tags.
  CHECK(score(*rules, comment("vi<b></b>agra")).rule_names() == "WORDS,IN_BODY");
}

TEST_CASE_FIXTURE(Fixture, "the 62,204-entry WordPress list loads and matches like a substring search") {
  const std::string list = std::string(SPAMGATE_CORPUS_DIR) + "/blocklists/wordpress-comment-blacklist.txt";
  auto rules = load("list WP any " + list + "\nscore WP 6\n");
  const CompiledList& compiled = rules->compiled().lists.at(0);
  CHECK(compiled.entries.size() > 62000);
  CHECK(score(*rules, comment("Thanks, this helped me fix my bicycle's brakes.")).action == Action::pass);
  // Every entry is found when it is embedded in a comment.
  for (size_t i = 0; i < compiled.entries.size(); i += 997) {
    const Verdict v = score(*rules, comment("well " + compiled.entries[i] + " ok"));
    REQUIRE_MESSAGE(hit(v, "WP"), compiled.entries[i]);
  }
}

TEST_CASE_FIXTURE(Fixture, "a regex that hits Boost's complexity limit is a rule error, not a failure") {
  auto rules = load("body CATASTROPHIC /(a+)+b/\nscore CATASTROPHIC 9\nbody PLAIN /aaa/\nscore PLAIN 6\n"
                    "any EVERYWHERE /(x+x+)+y/\n");
  Submission s = comment(std::string(40, 'a') + "c");
  s.author = std::string(40, 'x');
  s.subject = std::string(40, 'x');
  Verdict v;
  CHECK_NOTHROW(v = score(*rules, s));
  CHECK(v.rule_names() == "PLAIN");
  CHECK(v.action == Action::hold);
  REQUIRE(v.rule_errors.size() == 2);  // one per rule, even when several fields fail
  CHECK(v.rule_errors[0].rfind("CATASTROPHIC: ", 0) == 0);
  CHECK(v.rule_errors[1].rfind("EVERYWHERE: ", 0) == 0);
}
