// AhoCorasick: finds every occurrence of a fixed set of byte strings in one
// pass over a text, optionally ignoring ASCII case. Built once, immutable and
// shareable between threads afterwards; scanning never allocates or throws.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spamgate {

class AhoCorasick {
 public:
  struct Match {
    uint32_t pattern;  // index of the pattern in the vector given to the constructor
    size_t end;        // offset one past the occurrence's last byte
  };

  // An automaton that never matches.
  AhoCorasick();

  // Builds the automaton; pattern i gets id i. Empty patterns never match.
  // With ignore_case, patterns and text are compared with ASCII letters
  // folded to lower case (bytes >= 0x80 compare exactly).
  AhoCorasick(const std::vector<std::string>& patterns, bool ignore_case);

  // Calls on_match(Match) for every occurrence, in order of end offset (for
  // one end offset, longer patterns first). Stops early when on_match
  // returns false. `on_match` must not throw.
  template <typename OnMatch>
  void scan(std::string_view text, OnMatch&& on_match) const;

  // The occurrence that ends first (the longest one among those), if any.
  std::optional<Match> find_first(std::string_view text) const;

  size_t pattern_count() const { return pattern_count_; }
  size_t state_count() const { return fail_.size(); }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  // The states nearest the root (all of them in a small automaton: the
  // prefilter of a few hundred rules, a short list) get a full transition
  // row over byte classes, up to this many entries (4 MB) in all; deeper
  // states of a large one (a 62,204-entry list) keep only the compact
  // sparse form, and their failure links soon lead back to a full row.
  static constexpr size_t kDenseMaxEntries = size_t{1} << 20;

  // The target of the edge of `state` itself labelled `byte`, or kNone.
  uint32_t own_edge(uint32_t state, unsigned char byte) const;
  // The sparse transition on an already case-folded byte, for building.
  uint32_t next_state(uint32_t state, unsigned char byte) const;
  // The transition on a text byte: one table load from a state with a
  // full row, a sparse lookup (and failure links) from the others.
  uint32_t step(uint32_t state, unsigned char byte) const;
  void build_dense_table();

  size_t pattern_count_ = 0;
  bool ignore_case_ = false;
  uint32_t root_next_[256];              // dense transitions of the root (state 0)
  std::vector<uint32_t> fail_;           // failure link of each state
  std::vector<uint32_t> edge_begin_;     // edges of state s: [edge_begin_[s], edge_begin_[s + 1])
  std::vector<unsigned char> labels_;    // edge labels, sorted within a state
  std::vector<uint32_t> targets_;        // edge targets
  std::vector<uint32_t> report_;         // first state on s's suffix chain with patterns, or kNone
  std::vector<uint32_t> dict_next_;      // next state after s on the suffix chain with patterns
  std::vector<uint32_t> out_begin_;      // patterns ending at s: out_[out_begin_[s] .. out_begin_[s + 1])
  std::vector<uint32_t> out_;
  uint16_t byte_class_[256];             // text byte -> column of dense_ (case folded; 0 = in no pattern)
  uint32_t class_count_ = 1;
  uint32_t dense_states_ = 0;            // states [0, dense_states_) have a row in dense_
  std::vector<uint32_t> dense_;          // dense_[state * class_count_ + class]
};

inline uint32_t AhoCorasick::own_edge(uint32_t state, unsigned char byte) const {
  const uint32_t begin = edge_begin_[state], end = edge_begin_[state + 1];
  if (end - begin <= 8) {
    for (uint32_t e = begin; e < end; ++e)
      if (labels_[e] == byte) return targets_[e];
    return kNone;
  }
  const unsigned char* first = &labels_[begin];
  const unsigned char* found = std::lower_bound(first, first + (end - begin), byte);
  return found != first + (end - begin) && *found == byte ? targets_[begin + (found - first)] : kNone;
}

inline uint32_t AhoCorasick::next_state(uint32_t state, unsigned char byte) const {
  for (;;) {
    if (state == 0) return root_next_[byte];
    if (const uint32_t target = own_edge(state, byte); target != kNone) return target;
    state = fail_[state];
  }
}

inline uint32_t AhoCorasick::step(uint32_t state, unsigned char byte) const {
  const uint16_t byte_class = byte_class_[byte];
  if (ignore_case_ && byte >= 'A' && byte <= 'Z') byte = static_cast<unsigned char>(byte + ('a' - 'A'));
  for (;;) {
    if (state < dense_states_) return dense_[size_t{state} * class_count_ + byte_class];
    if (const uint32_t target = own_edge(state, byte); target != kNone) return target;
    state = fail_[state];
  }
}

template <typename OnMatch>
void AhoCorasick::scan(std::string_view text, OnMatch&& on_match) const {
  if (pattern_count_ == 0) return;
  uint32_t state = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    state = step(state, static_cast<unsigned char>(text[i]));
    for (uint32_t s = report_[state]; s != kNone; s = dict_next_[s])
      for (uint32_t o = out_begin_[s]; o < out_begin_[s + 1]; ++o)
        if (!on_match(Match{out_[o], i + 1})) return;
  }
}

}  // namespace spamgate
