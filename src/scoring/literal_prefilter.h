// LiteralPrefilter: one Aho-Corasick pass over a field finds which regex
// rules could match it at all, from the literals each regex requires, and
// where a match of each could start, from the literals it must start with
// (see regex_literals.h). Only those regexes run Boost.Regex, and a regex
// with leading literals is tried only at those offsets. It only ever skips
// work that cannot produce a match, so hits, scores and details are
// identical with and without it (a skipped regex can no longer hit Boost's
// complexity limit on a text it cannot match, so it reports no rule error
// there).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "scoring/aho_corasick.h"
#include "scoring/regex_literals.h"

namespace spamgate {

// What one prefilter pass found in one text. Reused between passes so that
// scanning stops allocating once its vectors have grown.
class PrefilterHits {
 public:
  // Whether regex `regex` may match the text.
  bool may_match(size_t regex) const { return missing_[regex] == 0; }
  // The regexes with literals that may match the text, in no order.
  std::span<const uint32_t> ready() const { return ready_; }
  // For a regex with leading literals: (regex, offset) for each offset,
  // ascending, where one of them starts in the text; every match of the
  // regex starts at one of those offsets.
  std::span<const std::pair<uint32_t, uint32_t>> starts(size_t regex) const;

 private:
  friend class LiteralPrefilter;
  std::vector<uint8_t> missing_;                      // per regex: kinds of literal not yet seen
  std::vector<uint32_t> ready_;                       // regexes whose missing_ went to 0
  std::vector<std::pair<uint32_t, uint32_t>> found_;  // (regex, start offset), sorted
};

class LiteralPrefilter {
 public:
  // A prefilter that lets every regex run.
  LiteralPrefilter() = default;

  // literals[i]: what regex i requires (see regex_literals()).
  explicit LiteralPrefilter(const std::vector<RegexLiterals>& literals);

  void scan(std::string_view text, PrefilterHits& out) const;

  // Whether regex i is tried only where its leading literals start.
  bool anchored(size_t regex) const { return (needs_[regex] & kLeading) != 0; }

  // How many regexes the prefilter can skip (those with literals).
  size_t filtered_count() const { return filtered_; }
  // The regexes without literals, which may match any text, ascending.
  std::span<const uint32_t> unfiltered() const { return unfiltered_; }

 private:
  static constexpr uint8_t kRequired = 1, kLeading = 2;
  struct Owner {
    uint32_t regex;
    uint32_t length;  // of the literal
    uint8_t kind;     // kRequired or kLeading
  };
  AhoCorasick automaton_;
  std::vector<Owner> owner_of_literal_;  // automaton pattern id → its regex
  std::vector<uint8_t> needs_;           // per regex: the kinds of literal it has
  std::vector<uint32_t> unfiltered_;     // regexes with no literal
  size_t filtered_ = 0;
};

}  // namespace spamgate
