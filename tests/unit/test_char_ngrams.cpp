// LEARNED's character 4-grams (src/scoring/learn/char_ngrams.h) and how
// extract_features weighs them beside the words.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "scoring/learn/char_ngrams.h"
#include "scoring/learn/explanation.h"
#include "scoring/learn/features.h"
#include "support/comment.h"
#include "util/utf8.h"

using namespace spamgate;
using spamgate::testing::comment;

namespace {

// Keeps the n-grams of one extraction as they were cut.
class GramCollector : public FeatureObserver {
 public:
  void walked(const WalkedFeatures& walk) override {
    for (const FeatureSighting& seen : walk.sightings)
      if (seen.kind == 'g') grams.emplace_back(seen.a);
  }
  std::vector<std::string> grams;
};

// The n-grams extract_features cuts from a comment of `text`, in order.
std::vector<std::string> grams_of(std::string_view text) {
  GramCollector collector;
  extract_features(comment(std::string(text), "", ""), &collector);
  return collector.grams;
}

// The n-grams a CharGramCutter cuts from the words of `text`, split at spaces.
std::vector<std::string> cut_words(std::string_view text) {
  std::vector<std::string> grams;
  std::string words;
  CharGramCutter cutter(text, words);
  for (size_t begin = 0; begin < text.size();) {
    const size_t end = std::min(text.find(' ', begin), text.size());
    if (end > begin) cutter.cut_word(begin, end, [&](char kind, std::string_view gram) {
      CHECK(kind == 'g');
      grams.emplace_back(gram);
    });
    begin = end + 1;
  }
  return grams;
}

bool has(const std::vector<std::string>& grams, const std::string& gram) {
  return std::find(grams.begin(), grams.end(), gram) != grams.end();
}

size_t shared_grams(std::string_view a, std::string_view b) {
  const std::vector<std::string> left = grams_of(a), right = grams_of(b);
  const std::set<std::string> x(left.begin(), left.end()), y(right.begin(), right.end());
  std::vector<std::string> both;
  std::set_intersection(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(both));
  return both.size();
}

}  // namespace

TEST_CASE("char n-grams: cut from each folded word with a space at either end") {
  const std::vector<std::string> grams = grams_of("Check OUT,  my--CHANNEL!!");
  // A word of n letters gives n - 1: check 4, out 2, my none, channel 6.
  CHECK(grams == std::vector<std::string>{" che", "chec", "heck", "eck ", " out", "out ", " cha", "chan", "hann",
                                          "anne", "nnel", "nel "});
  // Full-width letters fold to the same grams as ASCII ones.
  CHECK(grams_of("ＣＨＥＣＫ ｏｕｔ") == grams_of("check out"));
}

TEST_CASE("char n-grams: spellings never seen as words share most of their grams") {
  CHECK(shared_grams("subscribe", "subscribers") >= 6);
  CHECK(shared_grams("subscribe", "sub5cribe") >= 4);
  CHECK(shared_grams("subscribe to my channel", "sub scribe to my chanel") >= 7);
  CHECK(shared_grams("subscribe", "great song") == 0);
}

TEST_CASE("char n-grams: Japanese and Chinese letters are left to the character pairs; accented letters count") {
  CHECK(grams_of("無料で稼げる方法はこちら").empty());
  CHECK(grams_of("今すぐ登録").empty());
  // Mixed text: the spaced words give grams, the Japanese between them a space.
  const std::vector<std::string> mixed = grams_of("無料iPhone今すぐsubscribe登録");
  CHECK(has(mixed, " iph"));
  CHECK(has(mixed, "ibe "));
  for (const std::string& gram : mixed) CHECK(gram.find("\xe7\x84\xa1") == std::string::npos);  // 無
  // Four code points, not four bytes: "é" and "è" are two bytes each.
  const std::vector<std::string> french = grams_of("Café crème");
  CHECK(has(french, "afé "));
  CHECK(has(french, "crèm"));
  CHECK(french.size() == 7);
}

TEST_CASE("char n-grams of any bytes are well-formed UTF-8 and never more than the text allows") {
  const std::string bytes("\0\xc3(\xe2\x82 ok \xff\xfe abc\xf0\x9f\x98", 18);
  const std::vector<std::string> grams = grams_of(bytes);
  for (const std::string& gram : grams) CHECK(is_valid_utf8(gram));
  CHECK(grams_of("").empty());
  CHECK(grams_of("a").empty());
  CHECK(grams_of("!!! ...").empty());
  CHECK(grams_of("ab cd").empty());
  CHECK(grams_of("abc") == std::vector<std::string>{" abc", "abc "});
}

TEST_CASE("char n-grams: a long text gives its first kMaxCharGrams, in English and Japanese alike") {
  std::string english, mixed;
  for (int i = 0; i < 100; ++i) {
    english += "wonderful " + std::to_string(1000 + i) + " ";
    mixed += "今日はwonderfulな日 ";
  }
  const std::vector<std::string> grams = grams_of(english);
  CHECK(grams.size() == kMaxCharGrams);
  CHECK(grams.front() == " won");
  CHECK(grams_of(mixed).size() == kMaxCharGrams);
  CHECK(grams_of("wonderful day").size() == 8 + 2);  // well under the cap: every one
}

TEST_CASE("char n-grams: the cutter cuts each word between two spaces, up to the cap, ASCII and UTF-8 alike") {
  CHECK(cut_words("abc") == std::vector<std::string>{" abc", "abc "});
  CHECK(cut_words("ab cd e").empty());
  CHECK(cut_words("ab café") == std::vector<std::string>{" caf", "café", "afé "});
  CHECK(cut_words("привет") == std::vector<std::string>{" при", "прив", "риве", "ивет", "вет "});
  // Words of 1 to 9 letters: a word of n >= 3 letters gives n - 1 grams,
  // and the cutter stops at the cap, within a word.
  std::string text;
  size_t expected = 0;
  for (int i = 0; i < 400; ++i) {
    const size_t letters = 1 + i % 9;
    text += std::string(letters, static_cast<char>('a' + i % 26)) + " ";
    expected += letters >= 3 ? letters - 1 : 0;
  }
  REQUIRE(expected > kMaxCharGrams);
  const std::vector<std::string> grams = cut_words(text);
  CHECK(grams.size() == kMaxCharGrams);
  CHECK(grams[0] == " ccc");  // "a" and "bb" give none
  CHECK(grams[1] == "ccc ");
  CHECK(grams[2] == " ddd");
}

TEST_CASE("extract_features: the n-grams and the other features each weigh as one family, English and Japanese") {
  const Submission s = comment(
      "Check out my channel for free gifts https://bit.ly/x and subscribe, I upload new covers every week. "
      "無料で稼げる方法はこちら",
      "Ann", "");
  const FeatureVector features = extract_features(s);
  const std::vector<NamedFeature> named = describe_features(s);
  const size_t grams = static_cast<size_t>(
      std::count_if(named.begin(), named.end(), [](const NamedFeature& f) { return f.name[0] == 'g'; }));
  REQUIRE(grams > 50);
  REQUIRE(named.size() - grams > 30);
  // Each family's values are 1/sqrt(its size), the n-grams' times
  // kCharGramWeight: squared, the other family sums to 1, the n-grams to its square.
  double squares = 0;
  for (const Feature& f : features) squares += static_cast<double>(f.value) * f.value;
  CHECK(squares == doctest::Approx(1.0 + kCharGramWeight * kCharGramWeight).epsilon(0.05));
  const float gram_value = kCharGramWeight / std::sqrt(static_cast<float>(grams));
  const size_t at_gram_value = static_cast<size_t>(std::count_if(
      features.begin(), features.end(), [&](const Feature& f) { return std::abs(f.value - gram_value) < 1e-6f; }));
  CHECK(at_gram_value + 2 >= grams);  // all but a collision or two
  CHECK(readable_feature("g:scri") == "letters \"scri\"");
}
