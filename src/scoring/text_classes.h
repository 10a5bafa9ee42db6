// Text classes: what a code point is for the measures that count words in
// any script (the learned model's words and character pairs, LINK_ONLY's
// words around a link). Scripts written without spaces between words
// (Japanese, Chinese, Thai, ...) are told apart from spaced ones, because a
// run of their letters is a sentence, not a word. Reads only; never throws,
// whatever the bytes.
#pragma once

#include <unicode/umachine.h>

#include <cstddef>
#include <string_view>

namespace spamgate {

enum class CharClass {
  separator,  // space, punctuation, symbols, ill-formed bytes
  word,       // a letter, digit or mark of a script written with spaces
  unspaced,   // a letter of Han, kana (full- and half-width), Thai, Lao, Khmer or Myanmar
};

// The code point that starts at text[pos] (pos < text.size()) and its
// length in bytes; an ill-formed byte gives U_SENTINEL (-1) and length 1.
// ASCII is decoded inline (the tokenisers call this for every character).
UChar32 multibyte_code_point_at(std::string_view text, size_t pos, size_t& length);
inline UChar32 code_point_at(std::string_view text, size_t pos, size_t& length) {
  const auto lead = static_cast<unsigned char>(text[pos]);
  if (lead < 0x80) {
    length = 1;
    return lead;
  }
  return multibyte_code_point_at(text, pos, length);
}

// True for an ASCII letter or digit: the ASCII that classify() calls a
// word character (a tokeniser may skip the rest of an ASCII word by it).
inline bool ascii_alnum(unsigned char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

// The class of a code point; U_SENTINEL is a separator. ASCII is
// classified inline, the rest by its Unicode script and category.
CharClass classify_non_ascii(UChar32 c);
inline CharClass classify(UChar32 c) {
  if (c >= 0x80) return classify_non_ascii(c);
  return c >= 0 && ascii_alnum(static_cast<unsigned char>(c)) ? CharClass::word : CharClass::separator;
}

// For an unspaced letter: true for Han and kana, whose words are one to three
// characters; false for Thai, Lao, Khmer and Myanmar, written with letters
// of an alphabet whose words are several letters long.
bool ideograph_or_kana(UChar32 c);

}  // namespace spamgate
