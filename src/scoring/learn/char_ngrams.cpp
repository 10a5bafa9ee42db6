#include "scoring/learn/char_ngrams.h"

#include <algorithm>

namespace spamgate {

std::string squeeze_for_ngrams(std::string_view folded) {
  std::string squeezed;
  squeezed.reserve(std::min(folded.size(), 4 * kMaxCharGrams) + 2);
  squeezed.push_back(' ');
  size_t grams = 0;       // the n-grams of the words squeezed so far (n - 1 for n >= 3 code points)
  size_t word_length = 0; // code points of the word being squeezed
  size_t pos = 0;
  while (pos < folded.size()) {
    size_t length = 1;
    const UChar32 c = code_point_at(folded, pos, length);
    if (classify(c) == CharClass::word) {
      squeezed.append(folded.substr(pos, length));
      ++word_length;
    } else if (squeezed.back() != ' ') {
      squeezed.push_back(' ');
      grams += word_length >= 3 ? word_length - 1 : 0;
      word_length = 0;
      if (grams >= kMaxCharGrams) return squeezed;  // for_each_char_ngram stops within what is here
    }
    pos += length;
  }
  if (squeezed.back() != ' ') squeezed.push_back(' ');
  return squeezed;
}

}  // namespace spamgate
