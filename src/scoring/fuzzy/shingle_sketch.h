// ShingleSketch: the two MinHash sketches of a FuzzyFingerprint, built from
// a text's shingle hashes, repeats included, in linear time and without
// allocating once a thread has fingerprinted a text of that length. It
// knows nothing of text: the fingerprint (scoring/fuzzy/fuzzy_fingerprint.cpp)
// feeds it hashes.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "scoring/fuzzy/fuzzy_fingerprint.h"

namespace spamgate {

// One sketch at a time per thread: its hashes live in a buffer the thread
// keeps for the next text.
class ShingleSketch {
 public:
  ShingleSketch();
  ShingleSketch(const ShingleSketch&) = delete;
  ShingleSketch& operator=(const ShingleSketch&) = delete;

  // Takes one shingle hash (uniformly spread over 64 bits). Its low 6 bits
  // choose a one-permutation bin, which keeps the least of the next 32
  // bits; the hash is kept for the bottom-k sketch.
  void add(uint64_t shingle) {
    uint32_t& bin = bins_[shingle % kFuzzyBins];
    bin = std::min(bin, static_cast<uint32_t>(shingle >> 6));
    if (count_ == hashes_.size()) grow();
    hashes_[count_++] = shingle;
  }

  // The fingerprint of the hashes taken so far: the bins (an empty one
  // borrows from the next filled one) and the top 32 bits of the
  // kFuzzyBottom least distinct hashes, ascending. nullopt when fewer than
  // kFuzzyMinShingles distinct hashes came.
  std::optional<FuzzyFingerprint> fingerprint() const;

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;

  // Makes room for more hashes (out of line: add() stays small).
  void grow();

  std::array<uint32_t, kFuzzyBins> bins_;
  std::vector<uint64_t>& hashes_;  // the thread's buffer: its first count_ are this sketch's
  size_t count_ = 0;
};

}  // namespace spamgate
