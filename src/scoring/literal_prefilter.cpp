#include "scoring/literal_prefilter.h"

#include <algorithm>

namespace spamgate {

std::span<const std::pair<uint32_t, uint32_t>> PrefilterHits::starts(size_t regex) const {
  const auto [first, last] =
      std::equal_range(found_.begin(), found_.end(), std::pair<uint32_t, uint32_t>{static_cast<uint32_t>(regex), 0},
                       [](const auto& a, const auto& b) { return a.first < b.first; });
  return {first, last};
}

LiteralPrefilter::LiteralPrefilter(const std::vector<RegexLiterals>& literals) {
  std::vector<std::string> patterns;
  auto add = [&](uint32_t regex, const std::vector<std::string>& strings, uint8_t kind) {
    needs_[regex] |= kind;
    for (const std::string& literal : strings) {
      patterns.push_back(literal);
      owner_of_literal_.push_back({regex, static_cast<uint32_t>(literal.size()), kind});
    }
  };
  needs_.assign(literals.size(), 0);
  for (uint32_t regex = 0; regex < literals.size(); ++regex) {
    const RegexLiterals& l = literals[regex];
    if (l.leading) add(regex, *l.leading, kLeading);
    if (l.required && l.required != l.leading) add(regex, *l.required, kRequired);
    if (needs_[regex] != 0) ++filtered_;
    else unfiltered_.push_back(regex);
  }
  automaton_ = AhoCorasick(patterns, true);
}

void LiteralPrefilter::scan(std::string_view text, PrefilterHits& out) const {
  out.missing_ = needs_;
  out.ready_.clear();
  out.found_.clear();
  if (filtered_ == 0) return;
  automaton_.scan(text, [&](AhoCorasick::Match match) {
    const Owner& owner = owner_of_literal_[match.pattern];
    if (uint8_t& missing = out.missing_[owner.regex]; missing != 0) {
      missing &= static_cast<uint8_t>(~owner.kind);
      if (missing == 0) out.ready_.push_back(owner.regex);
    }
    if (owner.kind == kLeading)
      out.found_.emplace_back(owner.regex, static_cast<uint32_t>(match.end - owner.length));
    return true;
  });
  std::sort(out.found_.begin(), out.found_.end());
  out.found_.erase(std::unique(out.found_.begin(), out.found_.end()), out.found_.end());
}

}  // namespace spamgate
