#include "scoring/fuzzy/fuzzy_fingerprint.h"

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "scoring/checks/builtin_checks.h"
#include "scoring/fuzzy/fuzzy_hash.h"
#include "scoring/fuzzy/fuzzy_mask.h"
#include "scoring/fuzzy/shingle_sketch.h"
#include "scoring/text_classes.h"
#include "scoring/text_fold.h"
#include "util/fnv1a.h"

namespace spamgate {
namespace {

constexpr uint64_t kNumberToken = 0x6e756d6265720001ULL;

struct Token {
  uint64_t hash;
  bool unspaced;  // one character of a script written without spaces
};

// What a byte of folded text is to the tokeniser: ASCII letters and
// digits are read a word at a time; any other ASCII byte ends a word; a
// byte from 0x80 starts a character that classify() decides.
enum ByteKind : uint8_t { kSeparator = 0, kLetter = 1, kDigit = 2, kMultibyte = 4 };
constexpr std::array<uint8_t, 256> kByteKinds = [] {
  std::array<uint8_t, 256> kinds{};
  for (int b = 0; b < 256; ++b)
    kinds[b] = b >= 0x80                   ? kMultibyte
               : b >= '0' && b <= '9'        ? kDigit
               : (b | 0x20) >= 'a' && (b | 0x20) <= 'z' ? kLetter
                                             : kSeparator;
  return kinds;
}();

// The tokens of folded text, each given to `emit` with its bytes (empty
// for a character or a placeholder): words, single unspaced characters and
// placeholders; a word of ASCII digits becomes kNumberToken. A word is
// hashed (FNV-1a) as its bytes are read, an ASCII run of it at once.
template <typename Emit>
void tokenize(std::string_view text, Emit emit) {
  const auto* const bytes = reinterpret_cast<const unsigned char*>(text.data());
  const size_t size = text.size();
  size_t word_begin = 0;
  bool in_word = false;
  uint8_t kinds = 0;  // the kinds of the word's bytes, or'ed
  uint64_t hash = kFnv1aBasis;
  const auto flush = [&](size_t end) {
    if (!in_word) return;
    emit(Token{kinds == kDigit ? kNumberToken : hash, false}, text.substr(word_begin, end - word_begin));
    in_word = false, kinds = 0, hash = kFnv1aBasis;
  };
  for (size_t pos = 0; pos < size;) {
    uint8_t kind = kByteKinds[bytes[pos]];
    if (kind & (kLetter | kDigit)) {
      if (!in_word) in_word = true, word_begin = pos;
      do {
        hash = fnv1a(hash, bytes[pos]);
        kinds |= kind;
      } while (++pos < size && ((kind = kByteKinds[bytes[pos]]) & (kLetter | kDigit)));
      continue;
    }
    if (kind == kSeparator) {
      flush(pos++);
      continue;
    }
    size_t length = 1;
    const UChar32 c = multibyte_code_point_at(text, pos, length);
    if (c >= kFuzzyLinkMark && c <= kFuzzyNameMark) {
      flush(pos);
      emit(Token{fuzzy_mix(static_cast<uint64_t>(c)), false}, std::string_view());
    } else {
      switch (classify(c)) {
        case CharClass::word:
          if (!in_word) in_word = true, word_begin = pos;
          for (size_t i = 0; i < length; ++i) hash = fnv1a(hash, bytes[pos + i]);
          kinds |= kMultibyte;
          break;
        case CharClass::unspaced:
          flush(pos);
          emit(Token{fnv1a(kFnv1aBasis, text.substr(pos, length)), true}, std::string_view());
          break;
        case CharClass::separator: flush(pos); break;
      }
    }
    pos += length;
  }
  flush(size);
}

}  // namespace

std::optional<FuzzyFingerprint> fuzzy_fingerprint(std::string_view body, std::string_view author,
                                                  const std::vector<LinkSpan>* body_links) {
  // The author's own name, wherever the text repeats it.
  thread_local std::vector<uint64_t> name_words;
  name_words.clear();
  if (!author.empty())
    tokenize(fold_text(author), [&](const Token& t, std::string_view word) {
      if (word.size() >= 2) name_words.push_back(t.hash);
    });
  const uint64_t name_token = fuzzy_mix(static_cast<uint64_t>(kFuzzyNameMark));

  // The text's forms are kept per thread for the next text (as long as
  // the longest text fingerprinted on it).
  thread_local std::string masked, folded;
  const std::vector<LinkSpan> found = body_links ? std::vector<LinkSpan>() : link_spans(body);
  fold_text_into(fuzzy_masked(body, body_links ? *body_links : found, masked), folded);
  ShingleSketch sketch;
  bool have_previous = false;
  uint64_t previous = 0;
  tokenize(folded, [&](Token t, std::string_view) {
    if (std::find(name_words.begin(), name_words.end(), t.hash) != name_words.end()) t.hash = name_token;
    if (!t.unspaced) sketch.add(fuzzy_mix(t.hash));
    if (have_previous) sketch.add(fuzzy_mix(previous * 0x9E3779B97F4A7C15ULL + t.hash + 1));
    previous = t.hash;
    have_previous = true;
  });
  return sketch.fingerprint();
}

double fuzzy_similarity(const FuzzyFingerprint& a, const FuzzyFingerprint& b) {
  return fuzzy_similarity_reaching(a, b, 0.0);
}

double fuzzy_similarity_reaching(const FuzzyFingerprint& a, const FuzzyFingerprint& b, double threshold) {
  // Walk the union's smallest hashes in order; count those both sketches
  // hold. Were every hash still to come held by both, the share would be
  // at most (both + kFuzzyBottom - taken) / kFuzzyBottom: below `needed`,
  // the threshold cannot be reached.
  const double needed = threshold * static_cast<double>(kFuzzyBottom);
  size_t i = 0, j = 0, taken = 0, both = 0;
  while (taken < kFuzzyBottom && (i < a.bottom_size || j < b.bottom_size)) {
    if (j >= b.bottom_size || (i < a.bottom_size && a.bottom[i] < b.bottom[j])) {
      ++i;
    } else if (i >= a.bottom_size || b.bottom[j] < a.bottom[i]) {
      ++j;
    } else {
      ++both, ++i, ++j;
    }
    ++taken;
    if (static_cast<double>(both + kFuzzyBottom - taken) < needed) return 0.0;
  }
  return taken == 0 ? 0.0 : static_cast<double>(both) / static_cast<double>(taken);
}

}  // namespace spamgate
