// LINK_ONLY: a comment that is a link and a few words at most ("nice post
// http://..."). Readers explain; bots paste. The words are counted in every
// script: Japanese, Chinese and Thai put no spaces between words, so a
// sentence of theirs would be one "word" (or none, for an ASCII-only \w) if
// words were runs between spaces.
#include <cctype>
#include <cmath>
#include <string>
#include <vector>

#include <unicode/uchar.h>

#include "scoring/checks/check_functions.h"
#include "scoring/text_classes.h"

namespace spamgate::checks {
namespace {

// At most this many words on each side of the link.
constexpr double kMaxWordsBeside = 3;
// A run of letters of a script without spaces counts as one word for every
// this many letters, rounded up: Han and kana words are one to three
// characters (ありがとう, 5 kana: 3 words); Thai, Lao, Khmer and Myanmar
// words are several letters (ขอบคุณครับ, 8 letters and 2 vowel marks: 2 words).
constexpr double kIdeographsPerWord = 2;
constexpr double kUnspacedLettersPerWord = 4;

// Words in `text`, which holds no link: each run of letters and digits of a
// spaced script (Latin, Cyrillic, Hangul, ...) is one word; runs of unspaced
// letters count as above; HTML tags count as nothing.
double count_words(std::string_view text) {
  double words = 0;
  bool in_word = false, in_tag = false;
  double ideographs = 0, letters = 0;
  auto end_unspaced_run = [&] {
    words += std::ceil(ideographs / kIdeographsPerWord) + std::ceil(letters / kUnspacedLettersPerWord);
    ideographs = letters = 0;
  };
  for (size_t pos = 0, length = 1; pos < text.size(); pos += length) {
    const UChar32 c = code_point_at(text, pos, length);
    if (in_tag) {
      in_tag = c != '>';
      continue;
    }
    if (c == '<' && pos + 1 < text.size() && (std::isalpha(static_cast<unsigned char>(text[pos + 1])) || text[pos + 1] == '/')) {
      in_tag = true;
      continue;
    }
    const CharClass cls = classify(c);
    if (cls != CharClass::unspaced) end_unspaced_run();
    if (cls == CharClass::word && !in_word) ++words;
    in_word = cls == CharClass::word;
    if (cls == CharClass::unspaced && !(U_GET_GC_MASK(c) & U_GC_M_MASK)) (ideograph_or_kana(c) ? ideographs : letters) += 1;
  }
  end_unspaced_run();
  return words;
}

}  // namespace

Finding link_only(const Submission& submission, const CheckContext& context) {
  const std::string_view body = submission.body;
  const std::vector<LinkSpan> found = context.body_links ? std::vector<LinkSpan>() : link_spans(body);
  const std::vector<LinkSpan>& links = context.body_links ? *context.body_links : found;
  if (links.empty()) return std::nullopt;
  // before[i]: the words before link i, the text of the other links left out.
  std::vector<double> before(links.size());
  double words = 0;
  size_t from = 0;
  for (size_t i = 0; i < links.size(); ++i) {
    words += count_words(body.substr(from, links[i].begin - from));
    before[i] = words;
    from = links[i].end;
  }
  const double total = words + count_words(body.substr(from));
  // Bare when some link has at most kMaxWordsBeside words on either side.
  for (size_t i = 0; i < links.size(); ++i) {
    if (before[i] <= kMaxWordsBeside && total - before[i] <= kMaxWordsBeside) {
      const auto shown = static_cast<long>(total);
      return "body: " + std::to_string(links.size()) + (links.size() == 1 ? " link and " : " links and ") +
             std::to_string(shown) + (shown == 1 ? " word" : " words");
    }
  }
  return std::nullopt;
}

}  // namespace spamgate::checks
