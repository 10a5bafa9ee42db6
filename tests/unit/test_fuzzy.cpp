// FUZZY: fingerprints that see through swapped words, changed links,
// numbers, addresses and names (English and Japanese), the bounded memory
// with its ham veto, the check's explained hit, and the feedback channel
// teaching it the owner's marks.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "learning/feedback_channel.h"
#include "scoring/checks/builtin_checks.h"
#include "learning/fuzzy_teacher.h"
#include "scoring/fuzzy/fuzzy_memory.h"
#include "scoring/scorer.h"
#include "support/temp_dir.h"

using namespace spamgate;
using spamgate::testing::TempDir;

namespace {

Submission comment(std::string body, std::string author = "Ann", std::string email = "ann@example.org") {
  Submission s;
  s.author = std::move(author);
  s.email = std::move(email);
  s.body = std::move(body);
  return s;
}

const std::string kWave =
    "Hey guys check out my new channel at http://spam.example/a1 and subscribe for free gift cards, "
    "best giveaway of 2024, contact me at win@prize.example to claim your reward today";
// The same template: words swapped and added, another link, number, address and name.
const std::string kVariant =
    "Hi guys check out my brand new channel at https://other.example/zz9 and subscribe for free gift cards, "
    "biggest giveaway of 2025, contact me at claim@gifts.example to claim your reward now +Bob";
const std::string kUnrelated =
    "I have listened to this song every morning since the summer, the guitar solo near the end still gives "
    "me chills and the lyrics about her home town remind me of mine";

const std::string kJaWave =
    "今なら無料でギフト券がもらえます！詳しくはこちらのサイトをご覧ください http://spam.example/ja 先着100名様限定です";
const std::string kJaVariant =
    "今だけ無料でギフト券がもらえます！詳しくはこのサイトをご覧下さい https://x.example/jp2 先着500名様限定です";
const std::string kJaUnrelated =
    "この曲を聴くと学生時代を思い出します。ギターの音色がとても優しくて、毎朝通勤中に聴いています。";

}  // namespace

TEST_CASE("fingerprints of one template agree; unrelated texts do not") {
  const auto wave = fuzzy_fingerprint(kWave), variant = fuzzy_fingerprint(kVariant),
             unrelated = fuzzy_fingerprint(kUnrelated);
  REQUIRE(wave);
  REQUIRE(variant);
  REQUIRE(unrelated);
  CHECK(fuzzy_similarity(*wave, *wave) == 1.0);
  CHECK(fuzzy_similarity(*wave, *variant) >= 0.5);
  CHECK(fuzzy_similarity(*wave, *unrelated) < 0.2);
}

TEST_CASE("links, numbers, addresses and mentions are masked, and capitals and full-width letters folded") {
  const auto a = fuzzy_fingerprint("Visit http://a.example/1 now, call 555 1234, mail me@a.example, thanks @carol dear friend");
  const auto b = fuzzy_fingerprint("VISIT www.b.example/xyz now, call 999 0000, mail you@b.example, ｔｈａｎｋｓ @dave dear friend");
  REQUIRE(a);
  REQUIRE(b);
  CHECK(fuzzy_similarity(*a, *b) == 1.0);
}

TEST_CASE("a fingerprint made with the links the caller found is the one made without them") {
  for (const std::string& text : {kWave, kJaWave, std::string("no link at all in this little comment about the song")}) {
    const std::vector<LinkSpan> links = link_spans(text);
    const auto found_here = fuzzy_fingerprint(text, "Ann"), given = fuzzy_fingerprint(text, "Ann", &links);
    REQUIRE(found_here.has_value() == given.has_value());
    if (found_here) CHECK(fuzzy_similarity(*found_here, *given) == 1.0);
    if (found_here) CHECK(found_here->bins == given->bins);
  }
}

TEST_CASE("the author's own name in the text is masked") {
  const auto a = fuzzy_fingerprint("Hello I am Jenny and I sell the best shoes in town, visit my shop", "Jenny");
  const auto b = fuzzy_fingerprint("Hello I am Marco and I sell the best shoes in town, visit my shop", "Marco");
  REQUIRE(a);
  REQUIRE(b);
  CHECK(fuzzy_similarity(*a, *b) == 1.0);
}

TEST_CASE("Japanese is shingled by characters: a variant matches, an unrelated comment does not") {
  const auto wave = fuzzy_fingerprint(kJaWave), variant = fuzzy_fingerprint(kJaVariant),
             unrelated = fuzzy_fingerprint(kJaUnrelated);
  REQUIRE(wave);
  REQUIRE(variant);
  REQUIRE(unrelated);
  CHECK(fuzzy_similarity(*wave, *variant) >= 0.5);
  CHECK(fuzzy_similarity(*wave, *unrelated) < 0.2);
  FuzzyMemory memory(100, 0.5);
  REQUIRE(memory.add_spam("ja1", comment(kJaWave, "田中"), true));
  const auto hit = memory.match(comment(kJaVariant, "佐藤"));
  REQUIRE(hit);
  CHECK(hit->id == "ja1");
  CHECK(hit->snippet.find("今なら無料で") == 0);
  CHECK_FALSE(memory.match(comment(kJaUnrelated)));
}

TEST_CASE("short texts get no fingerprint and never match") {
  CHECK_FALSE(fuzzy_fingerprint("nice video"));
  CHECK_FALSE(fuzzy_fingerprint(""));
  CHECK_FALSE(fuzzy_fingerprint("http://a.example/ http://b.example/"));
  FuzzyMemory memory(10, 0.5);
  CHECK_FALSE(memory.add_spam("1", comment("great song"), true));
  CHECK(memory.spam_examples() == 0);
}

TEST_CASE("invalid UTF-8 and control bytes give a fingerprint or none, never a crash") {
  static const char raw[] = "\xff\xfe spam \xc3 offer \x00 now \xe3\x81 buy cheap pills online today\x80";
  const std::string bytes(raw, sizeof raw - 1);  // the NUL inside included
  (void)fuzzy_fingerprint(bytes, "\xff");
  FuzzyMemory memory(4, 0.5);
  memory.add_spam("x\n\x1b[31m", comment(bytes), true);
  if (const auto hit = memory.match(comment(bytes))) {
    CHECK(hit->id.find('\n') == std::string::npos);
    CHECK(hit->id.find('\x1b') == std::string::npos);
  }
}

TEST_CASE("one marked example catches its wave; unrelated text is not caught") {
  FuzzyMemory memory(100, 0.5);
  REQUIRE(memory.add_spam("4711", comment(kWave), true));
  const auto hit = memory.match(comment(kVariant, "Bob", "bob@example.net"));
  REQUIRE(hit);
  CHECK(hit->id == "4711");
  CHECK(hit->similarity >= 0.5);
  CHECK(hit->snippet.rfind("Hey guys check out my new channel at hxxp://spam[.]example/a1", 0) == 0);
  CHECK_FALSE(memory.match(comment(kUnrelated)));
}

TEST_CASE("a ham mark removes the spam examples near it and vetoes rejected ones, until the owner marks spam") {
  FuzzyMemory memory(100, 0.5);
  REQUIRE(memory.add_spam("1", comment(kWave), true));
  REQUIRE(memory.match(comment(kVariant)));
  CHECK(memory.add_ham(comment(kVariant)) == 1);  // the owner says the variant is ham
  CHECK(memory.spam_examples() == 0);
  CHECK_FALSE(memory.match(comment(kWave)));
  // A rejected copy near the ham is not remembered...
  CHECK_FALSE(memory.add_spam("2", comment(kWave), false));
  CHECK_FALSE(memory.match(comment(kWave)));
  // ...but the owner's own spam mark is, and lifts the veto.
  CHECK(memory.add_spam("3", comment(kWave), true));
  CHECK(memory.ham_vetoes() == 0);
  CHECK(memory.match(comment(kVariant))->id == "3");
  // Unrelated ham removes nothing.
  CHECK(memory.add_ham(comment(kUnrelated)) == 0);
  CHECK(memory.spam_examples() == 1);
}

TEST_CASE("memory is bounded: the oldest example goes first") {
  FuzzyMemory memory(3, 0.5);
  const auto text = [](int i) {
    return "unique template number " + std::string(1, static_cast<char>('a' + i)) + " word" +
           std::string(1, static_cast<char>('a' + i)) + " offers cheap stuff" + std::string(3, static_cast<char>('k' + i)) +
           " at the shop" + std::string(2, static_cast<char>('p' + i)) + " forever";
  };
  for (int i = 0; i < 5; ++i) REQUIRE(memory.add_spam(std::to_string(i), comment(text(i)), true));
  CHECK(memory.spam_examples() == 3);
  CHECK_FALSE(memory.match(comment(text(0))));
  CHECK_FALSE(memory.match(comment(text(1))));
  for (int i = 2; i < 5; ++i) CHECK(memory.match(comment(text(i)))->id == std::to_string(i));
  FuzzyMemory off(0, 0.5);
  CHECK_FALSE(off.add_spam("1", comment(kWave), true));
  CHECK_FALSE(off.match(comment(kWave)));
}

TEST_CASE("forgetting an id or an address forgets its examples") {
  FuzzyMemory memory(10, 0.5);
  memory.add_spam("a", comment(kWave, "Ann", "Ann@Example.org"), true);
  memory.add_spam("b", comment(kJaWave, "Bo", "bo@example.org"), true);
  CHECK(memory.forget("a") == 1);
  CHECK_FALSE(memory.match(comment(kVariant)));
  CHECK(memory.forget_email("BO@example.ORG") == 1);
  CHECK(memory.spam_examples() == 0);
}

TEST_CASE("the FUZZY check explains its hit; without examples it is silent") {
  TempDir dir;
  auto load = load_rules({dir.write("test.rules", "score FUZZY 4\n")});
  REQUIRE(load.rules);
  ChecksConfig config;
  FuzzyMemory memory(10, 0.5);
  CheckContext context{config, "", nullptr, TimePoint{}, nullptr, &memory};
  CHECK(Scorer{}.score(*load.rules, comment(kVariant), context).hits.empty());
  memory.add_spam("0123456789abcdef", comment(kWave), true);
  const Verdict verdict = Scorer{}.score(*load.rules, comment(kVariant), context);
  REQUIRE(verdict.hits.size() == 1);
  CHECK(verdict.hits[0].rule == "FUZZY");
  CHECK(verdict.hits[0].score == 4);
  CHECK(verdict.hits[0].detail.rfind("like #0123456789abcdef: \"Hey guys check out my new channel", 0) == 0);
  CHECK(verdict.hits[0].detail.find("% alike)") != std::string::npos);
  CHECK(verdict.to_text().find("FUZZY") != std::string::npos);
}

TEST_CASE("a rejection teaches FUZZY only when it did not need FUZZY's own score") {
  Verdict v;
  v.action = Action::reject;
  v.score = 12;
  v.hits = {{"PHARMA", 7, ""}, {"FUZZY", 5, ""}};
  CHECK_FALSE(rejection_teaches_fuzzy(v, 10));
  v.hits = {{"PHARMA", 12, ""}};
  CHECK(rejection_teaches_fuzzy(v, 10));
  v.action = Action::hold;
  CHECK_FALSE(rejection_teaches_fuzzy(v, 10));
}

TEST_CASE("the feedback channel teaches FUZZY the owner's marks and forgets with them") {
  TempDir dir("spamgate-fuzzy");
  const std::string db = dir / "spamgate.db";
  auto log = FeedbackLog::open(db);
  REQUIRE(log.ok());
  auto channel = FeedbackChannel::open(db, **log, nullptr, nullptr, 100);
  REQUIRE(channel.ok());
  FuzzyMemory memory(10, 0.5);
  (*channel)->teach_fuzzy_too(memory);
  FeedbackRecord spam;
  spam.decision = "spam";
  spam.comment_id = 42;
  spam.author = "Ann";
  spam.body = kWave;
  spam.source = "wordpress";
  REQUIRE((*channel)->record(spam).ok());
  REQUIRE(memory.match(comment(kVariant)));
  CHECK(memory.match(comment(kVariant))->id == "42");
  REQUIRE((*channel)->forget("42").ok());
  CHECK_FALSE(memory.match(comment(kVariant)));
  // A history import: spam then the owner's ham on a near copy; the ham wins.
  FeedbackRecord ham = spam;
  ham.decision = "approve";
  ham.comment_id = 43;
  ham.body = kVariant;
  REQUIRE((*channel)->record_all({spam, ham}).ok());
  CHECK(memory.spam_examples() == 0);
  // At start-up the decisions in effect seed a fresh memory the same way.
  FuzzyMemory fresh(10, 0.5);
  auto labels = (*log)->labels();
  REQUIRE(labels.ok());
  CHECK(seed_fuzzy(fresh, *labels) == 0);
}
