// Character n-grams: LEARNED's features that see inside words, so that
// spellings the model has never seen as words still share much of their
// evidence with ones it has ("subscribers" shares 7 of its 10 with
// "subscribe", "sub5cribe" 4 of its 8). Cut from each word of the folded text
// with a space at either end (" subscribe " gives " sub", "subs", ...,
// "ibe "), as fastText does, word by word as the feature walk cuts the words
// (no second pass over the text); letters of scripts written without spaces
// (Japanese, Chinese, Thai) are no words, because their character pairs are
// features already. Pure: no state but the copy of the words in the
// caller's buffer; never throws but for std::bad_alloc.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

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

// Cuts the n-grams of the words of one text, given in the order of the
// text: every window of kCharGramLength code points of " word " (a word of
// n code points gives n - 1 of them, one of fewer than 3 none), the first
// kMaxCharGrams of the text; a gram may come more than once.
class CharGramCutter {
 public:
  // `text`: well-formed UTF-8 (fold_text's output) that the words are
  // ranges of; `words`: where the cutter copies the words (its contents
  // replaced, so that a caller cutting text after text reuses one buffer).
  // Both must outlive the cutter and the grams it gives out.
  CharGramCutter(std::string_view text, std::string& words) : text_(text), padded_(words) {
    padded_.clear();
    padded_.reserve(text.size() + 2);  // never reallocated: the grams given out stay valid
    padded_.push_back(' ');
  }

  // True once kMaxCharGrams grams have been cut: later words give none.
  bool full() const { return cut_ == kMaxCharGrams; }

  // Calls emit('g', gram) for each n-gram of the word text[begin, end), in
  // order, until the cap. The words given must not overlap and come in the
  // order of the text. The views are of the copy of the words, each
  // between two spaces: they live as long as the buffer is left alone.
  template <typename Emit>
  void cut_word(size_t begin, size_t end, Emit&& emit) {
    if (full()) return;
    const size_t start = padded_.size() - 1;  // the space before the word
    padded_.append(text_, begin, end - begin);
    padded_.push_back(' ');
    const std::string_view word(padded_.data() + start, padded_.size() - start);
    const auto next = [&word](size_t pos) {  // the offset of the code point after the one at `pos`
      const auto lead = static_cast<unsigned char>(word[pos]);
      return std::min(word.size(), pos + (lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4));
    };
    size_t first = 0, last = 0;
    for (size_t k = 0; k < kCharGramLength && last < word.size(); ++k) last = next(last);
    if (last >= word.size()) return;  // fewer than 3 code points: every window holds both spaces
    for (;;) {
      emit('g', word.substr(first, last - first));
      if (++cut_ == kMaxCharGrams || last == word.size()) return;
      first = next(first);
      last = next(last);
    }
  }

 private:
  std::string_view text_;
  std::string& padded_;  // " " then each word given and a space
  size_t cut_ = 0;
};

}  // namespace spamgate
