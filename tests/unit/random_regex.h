// Test support for the literal prefilter: random Perl regexes (words,
// alternations, classes, optional groups, quantifiers, anchors, escapes,
// word boundaries, lookaheads and lookbehinds) and random texts over the
// same words, so that matches are frequent. Every generated regex compiles with Boost.Regex's ICU engine.
#pragma once

#include <array>
#include <random>
#include <string>

namespace spamgate::testing {

inline const std::array<const char*, 18> kWords = {
    "cheap", "pills", "casino", "loan", "free", "money", "buy", "now", "win", "bonus", "ab", "x", "caf\xc3\xa9",
    "http",  "КАЗИНО", "казино", "出会い系", "ｶｼﾞﾉ"};

inline constexpr size_t kPatternWords = kWords.size() - 1;  // all but ｶｼﾞﾉ

inline size_t pick(std::mt19937& random, size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(random); }

// `word` with each ASCII letter upper-cased with probability 1/4. (Words
// in other scripts come in both cases in kWords; ｶｼﾞﾉ is not NFKC, so it
// only turns up in texts: a pattern cannot hold it.)
inline std::string random_case(std::mt19937& random, std::string word) {
  for (char& c : word)
    if (c >= 'a' && c <= 'z' && pick(random, 4) == 0) c = static_cast<char>(c - 32);
  return word;
}

inline std::string random_alternation(std::mt19937& random, int depth);

// One item that consumes text (so that it may carry a quantifier).
inline std::string random_atom(std::mt19937& random, int depth) {
  static const std::array<const char*, 16> kPieces = {
      "\\.", "\\-", "\\/", "\\?", "\\+", "[a-c]", "[^x]", "[[:digit:]]", "\\d", "\\w", "\\s", "\\W", ".", "[Ee]",
      "[.]", "\\$"};
  switch (pick(random, 10)) {
    case 0: case 1: case 2: case 3: return random_case(random, kWords[pick(random, kPatternWords)]);
    case 4: return std::string(1, "abcxyzACX0 :"[pick(random, 12)]);
    case 5: case 6: return kPieces[pick(random, kPieces.size())];
    case 7: case 8:
      if (depth < 3) return (pick(random, 2) ? "(" : "(?:") + random_alternation(random, depth + 1) + ")";
      return "x";
    default: return "\xc3\xa9";
  }
}

inline std::string random_quantifier(std::mt19937& random) {
  static const std::array<const char*, 8> kQuantifiers = {"?", "*", "+", "{1,2}", "{2}", "{0,3}", "??", "+?"};
  return pick(random, 3) == 0 ? kQuantifiers[pick(random, kQuantifiers.size())] : "";
}

inline std::string random_sequence(std::mt19937& random, int depth) {
  std::string out;
  const size_t items = 1 + pick(random, 4);
  for (size_t i = 0; i < items; ++i) {
    switch (pick(random, 12)) {
      case 0: out += pick(random, 3) ? "\\b" : (pick(random, 2) ? "\\<" : "\\>"); break;
      case 1: out += pick(random, 2) ? "^" : "$"; break;
      case 2: {
        static const std::array<const char*, 4> kLookarounds = {"(?=", "(?!", "(?<=", "(?<!"};
        out += kLookarounds[pick(random, kLookarounds.size())];
        out += random_case(random, kWords[pick(random, kPatternWords)]) + ")";
        break;
      }
      default: out += random_atom(random, depth) + random_quantifier(random);
    }
  }
  return out;
}

inline std::string random_alternation(std::mt19937& random, int depth) {
  std::string out = random_sequence(random, depth);
  const size_t more = pick(random, 3) == 0 ? 1 + pick(random, 3) : 0;
  for (size_t i = 0; i < more; ++i) {
    out += '|';
    if (pick(random, 20) != 0) out += random_sequence(random, depth);
  }
  return out;
}

inline std::string random_regex(std::mt19937& random) { return random_alternation(random, 0); }

// "", "i", "s" or "is".
inline std::string random_flags(std::mt19937& random) {
  static const std::array<const char*, 4> kFlags = {"", "i", "s", "is"};
  return kFlags[pick(random, kFlags.size())];
}

// Up to 12 words in random case joined by spaces, punctuation, digits or
// line breaks.
inline std::string random_text(std::mt19937& random) {
  static const std::array<const char*, 10> kGlue = {" ", " ", "", ".", "-", "/", "\n", "2", ", ", "://"};
  std::string out;
  const size_t words = pick(random, 13);
  for (size_t i = 0; i < words; ++i) {
    out += kGlue[pick(random, kGlue.size())];
    out += pick(random, 8) == 0 ? std::string(1, "acxEZ9?$"[pick(random, 8)])
                                : random_case(random, kWords[pick(random, kWords.size())]);
  }
  return out;
}

}  // namespace spamgate::testing
