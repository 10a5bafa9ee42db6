// Character n-grams: LEARNED's features that see inside words, so that
// spellings the model has never seen as words still share much of their
// evidence with ones it has ("subscribers" shares 7 of its 10 with
// "subscribe", "sub5cribe" 4 of its 8). Cut from each word of the folded text
// with a space at either end (" subscribe " gives " sub", "subs", ...,
// "ibe "), as fastText does; letters of scripts written without spaces
// (Japanese, Chinese, Thai) are left out, because their character pairs are
// features already. Pure: no state, one scratch string, never throws.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "scoring/text_classes.h"

namespace spamgate {

// Code points per n-gram. Measured on the dev corpus (scripts/eval) against
// 3, 3-4, 3-5, 4-5 and 5, within words and across them (README, learning).
constexpr size_t kCharGramLength = 4;
// What the n-grams of a text weigh beside its other features: each family's
// values are 1/sqrt(its size), the n-grams' then times this (0.5, 0.7, 1
// and 1.4 measured; at 1 the n-grams held more ham on every protocol).
constexpr float kCharGramWeight = 0.7f;
// At most this many n-grams per text (about its first 300 letters; most
// comments have fewer): each one costs its hash, its place in the sort and
// a weight read while scoring, and a 1 KB comment would otherwise double
// LEARNED's cost (build/bench_scorer). The words of the whole text still count.
constexpr size_t kMaxCharGrams = 256;

// `folded` (fold_text's output) with each run of characters that are not
// CharClass::word replaced by one space, and a space at either end: the
// text the n-grams are cut from; it ends after the word that brings its
// n-grams to kMaxCharGrams, since no later one is cut. Well-formed UTF-8
// whatever `folded` holds.
std::string squeeze_for_ngrams(std::string_view folded);

// Calls emit('g', gram) for every window of kCharGramLength code points of
// `squeezed` (squeeze_for_ngrams's output) that lies within one word and its
// two spaces (a word of n code points gives n - 1 of them, one of fewer
// than 3 none), in order, the first kMaxCharGrams of them; a gram may come
// more than once. The views are of `squeezed`: they live as long as it.
template <typename Emit>
void for_each_char_ngram(std::string_view squeezed, Emit&& emit) {
  const std::string_view text = squeezed;
  size_t starts[kCharGramLength + 1];  // the last code points' offsets, a ring
  size_t seen = 0, emitted = 0;
  for (size_t pos = 0; emitted < kMaxCharGrams;) {
    starts[seen % (kCharGramLength + 1)] = pos;
    ++seen;
    if (seen > kCharGramLength) {
      const auto space_at = [&](size_t k) {  // the window's k-th code point
        return text[starts[(seen - 1 - kCharGramLength + k) % (kCharGramLength + 1)]] == ' ';
      };
      bool within_word = !(space_at(0) && space_at(kCharGramLength - 1));
      for (size_t k = 1; k + 1 < kCharGramLength; ++k) within_word &= !space_at(k);
      const size_t first = starts[(seen - 1 - kCharGramLength) % (kCharGramLength + 1)];
      if (within_word) {
        emit('g', text.substr(first, pos - first));
        ++emitted;
      }
    }
    if (pos == text.size()) return;
    const auto lead = static_cast<unsigned char>(text[pos]);
    pos += lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  }
}

}  // namespace spamgate
