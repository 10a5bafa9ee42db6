#include "scoring/learn/char_ngrams.h"

namespace spamgate {

std::string squeeze_for_ngrams(std::string_view folded) {
  std::string squeezed;
  squeezed.reserve(folded.size() + 2);
  squeezed.push_back(' ');
  size_t pos = 0;
  while (pos < folded.size()) {
    size_t length = 1;
    const UChar32 c = code_point_at(folded, pos, length);
    if (classify(c) == CharClass::word) squeezed.append(folded.substr(pos, length));
    else if (squeezed.back() != ' ') squeezed.push_back(' ');
    pos += length;
  }
  if (squeezed.back() != ' ') squeezed.push_back(' ');
  return squeezed;
}

}  // namespace spamgate
