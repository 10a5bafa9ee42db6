#include "scoring/literal_prefilter.h"

namespace spamgate {

LiteralPrefilter::LiteralPrefilter(const std::vector<std::optional<std::vector<std::string>>>& literals) {
  std::vector<std::string> patterns;
  for (size_t regex = 0; regex < literals.size(); ++regex) {
    always_.push_back(literals[regex] ? 0 : 1);
    if (!literals[regex]) continue;
    ++filtered_;
    for (const std::string& literal : *literals[regex]) {
      patterns.push_back(literal);
      regex_of_literal_.push_back(static_cast<uint32_t>(regex));
    }
  }
  automaton_ = AhoCorasick(patterns, true);
}

void LiteralPrefilter::candidates(std::string_view text, std::vector<char>& out) const {
  out = always_;
  if (filtered_ == 0) return;
  automaton_.scan(text, [&](AhoCorasick::Match match) {
    out[regex_of_literal_[match.pattern]] = 1;
    return true;
  });
}

}  // namespace spamgate
