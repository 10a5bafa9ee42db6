// LiteralPrefilter: one Aho-Corasick pass over a field finds which regex
// rules could match it at all, from the literals each regex requires (see
// regex_literals.h); only those run Boost.Regex. It only ever skips a regex
// that cannot match, so hits, scores and details are identical with and
// without it (a skipped regex can no longer hit Boost's complexity limit on
// a text it cannot match, so it reports no rule error there).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/aho_corasick.h"

namespace spamgate {

class LiteralPrefilter {
 public:
  // A prefilter that lets every regex run.
  LiteralPrefilter() = default;

  // literals[i]: the necessary literals of regex i (lower-cased), or nullopt
  // when regex i must always run.
  explicit LiteralPrefilter(const std::vector<std::optional<std::vector<std::string>>>& literals);

  // Resizes `out` to the number of regexes and sets out[i] to 1 for every
  // regex i that may match `text`, 0 for the others. Never allocates once
  // `out` has its size.
  void candidates(std::string_view text, std::vector<char>& out) const;

  // How many regexes the prefilter can skip (those with literals).
  size_t filtered_count() const { return filtered_; }

 private:
  AhoCorasick automaton_;
  std::vector<uint32_t> regex_of_literal_;  // automaton pattern id → regex index
  std::vector<char> always_;                // per regex: 1 when it has no literals
  size_t filtered_ = 0;
};

}  // namespace spamgate
