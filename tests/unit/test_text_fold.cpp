// fold_text, the text the learned model's features and FUZZY's shingles are
// cut from: its ASCII table and its ICU runs together must give exactly what
// ICU's NFKC_Casefold gives for the whole text, on every ASCII character, on
// random mixed English / Japanese / full-width / ill-formed text, and on
// every corpus comment and Japanese ham comment.
#include <doctest/doctest.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <array>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "scoring/eval.h"
#include "scoring/text_fold.h"
#include "support/cjk_ham.h"
#include "support/sanitizer.h"
#include "util/text_decode.h"
#include "util/utf8.h"

using namespace spamgate;

namespace {

// The whole text through ICU at once, as fold_text did before its fast
// path: references decoded once, ill-formed bytes replaced, NFKC_Casefold.
std::string icu_fold(std::string_view raw) {
  std::string text = raw.find('&') == std::string_view::npos ? std::string(raw) : html_entity_decode_once(raw);
  if (!is_valid_utf8(text)) text = replace_invalid_utf8(text);
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
  REQUIRE(U_SUCCESS(status));
  const icu::UnicodeString folded = nfkc_cf->normalize(icu::UnicodeString::fromUTF8(text), status);
  REQUIRE(U_SUCCESS(status));
  std::string out;
  folded.toUTF8String(out);
  return out;
}

bool has_ascii_and_more(std::string_view text) {
  bool ascii = false, other = false;
  for (char c : text) (static_cast<unsigned char>(c) < 0x80 ? ascii : other) = true;
  return ascii && other;
}

// Random text of pieces that fold in every way: words in any case,
// Japanese, full-width and half-width forms, ligatures, combining marks
// that compose with the ASCII letter before them, characters case folding
// removes, emoji, ill-formed and truncated sequences, character references,
// and characters that fold alone (U+FEFF, a private-use character, an
// emoji with its variation selector, Han) before marks that compose.
std::string random_mixed_text(std::mt19937& random) {
  static const std::array<const char*, 41> kPieces = {
      "Subscribe", "CHECK", "my", "channel", "FREE", "ＳＵＢＳＣＲＩＢＥ", "ｶﾀｶﾅ", "カタカナ", "日本語", "です", "ひらがな",
      "ﬁ", "Straße", "İstanbul", "ΣΟΦΙΑ", "e\xCC\x81", "=\xCC\xB8", "\xCC\x88", "\xC2\xAD", "\xE2\x80\x8D", "😀",
      "\xFF", "\xE3\x81", "&amp;", "&#x30A2;", "&#39;", "\xE2\x84\xAA", "\xE2\x84\xAB", "한국어", "ไทย", "①", "㍿",
      "１２３", "ａｂｃ", "A\xCC\x8A", "n\xCC\x83o", "\xEF\xBB\xBF", "\xEE\x80\x80", "\xE2\x9D\xA4\xEF\xB8\x8F",
      "漢字", "\xE3\x82\xAB\xE3\x82\x99"};
  static const std::array<const char*, 11> kGlue = {" ", "", ".", "://", "@", "+", "2", "\n", "www.", "http://x.co/", ", "};
  std::string text;
  const size_t pieces = random() % 40;
  for (size_t i = 0; i < pieces; ++i) {
    text += kGlue[random() % kGlue.size()];
    text += kPieces[random() % kPieces.size()];
  }
  return text;
}

}  // namespace

TEST_CASE("fold_text folds every ASCII character as ICU does, alone, after other text and before a combining mark") {
  for (int c = 0; c < 128; ++c) {
    const std::string ascii(1, static_cast<char>(c));
    for (const std::string& text : {ascii, "日本" + ascii, ascii + "\xCC\x81", ascii + "\xCC\xB8" + ascii, "ｶ" + ascii + "ﾞ"}) {
      CAPTURE(c);
      CHECK(fold_text(text) == icu_fold(text));
    }
  }
  CHECK(fold_text("cafe\xCC\x81 =\xCC\xB8 ＡＢＣ ﬁne") == "caf\xC3\xA9 \xE2\x89\xA0 abc fine");  // é, ≠ from ASCII + mark
}

TEST_CASE("fold_text: random mixed ASCII, Japanese, full-width and ill-formed text folds as ICU folds the whole text") {
  std::mt19937 random(2026);
  const int texts = testing::kUnderAsan ? 4000 : 20000;
  int mixed = 0, differing = 0, differing_reused = 0;
  std::string reused;  // fold_text_into's buffer, holding the text before each time
  for (int i = 0; i < texts; ++i) {
    const std::string text = random_mixed_text(random);
    const std::string folded = fold_text(text);
    if (folded != icu_fold(text) && ++differing <= 5) FAIL_CHECK("differs on: " << text);
    fold_text_into(text, reused);
    differing_reused += reused != folded;
    mixed += has_ascii_and_more(folded);
  }
  CHECK(differing == 0);
  CHECK(differing_reused == 0);
  CHECK(mixed > texts / 2);  // most texts take both the table and ICU
}

TEST_CASE("fold_text: every corpus comment and Japanese ham comment folds as ICU folds it") {
  std::vector<std::string> texts;
  for (const char* name : {"Youtube01-Psy.csv", "Youtube02-KatyPerry.csv", "Youtube03-LMFAO.csv",
                           "Youtube04-Eminem.csv", "Youtube05-Shakira.csv"}) {
    auto rows = read_labelled_csv(std::string(SPAMGATE_CORPUS_DIR) + "/comments/" + name);
    REQUIRE(rows);
    for (LabelledComment& row : rows.value()) {
      texts.push_back(std::move(row.body));
      texts.push_back(std::move(row.author));
    }
  }
  std::ifstream sms(std::string(SPAMGATE_CORPUS_DIR) + "/comments/SMSSpamCollection.tsv", std::ios::binary);
  REQUIRE(sms);
  for (std::string line; std::getline(sms, line);) texts.push_back(line);
  size_t japanese = 0;
  for (const testing::HamComment& ham : testing::read_cjk_ham(SPAMGATE_SOURCE_DIR)) {
    texts.push_back(ham.body);
    texts.push_back(ham.author);
    japanese += ham.language == "ja";
  }
  CHECK(texts.size() > 8000);
  CHECK(japanese > 10);
  size_t differing = 0, non_ascii = 0;
  for (const std::string& text : texts) {
    if (fold_text(text) != icu_fold(text) && ++differing <= 5) FAIL_CHECK("differs on: " << text);
    non_ascii += has_ascii_and_more(text);
  }
  CHECK(differing == 0);
  CHECK(non_ascii > 100);
}

TEST_CASE("fold_text folds every ASCII character as ICU does at each place of a long ASCII run (8 bytes at a time)") {
  const std::string run = "Check My CHANNEL now";  // 20 bytes: two and a half 8-byte words
  for (int c = 1; c < 128; ++c)
    for (size_t at = 0; at <= run.size(); ++at) {
      std::string text = run;
      text.insert(at, 1, static_cast<char>(c));
      for (const std::string& whole : {text, "日本" + text, text + "ﾞ"}) {
        CAPTURE(c);
        CAPTURE(at);
        CHECK(fold_text(whole) == icu_fold(whole));
      }
    }
}
