// Regex literals: proves, from a rule's pattern alone, strings that any match
// of the regex must contain, and strings that any match must start with.
// The Scorer's prefilter uses them to skip regexes that cannot match and to
// try the others only where a match could begin. When in doubt it proves
// nothing (the rule then always runs over the whole text); it must never
// claim a string the regex could match without.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spamgate {

// All strings ASCII-lower-cased; a text is compared with them with ASCII
// case folded, whatever the regex's flags.
struct RegexLiterals {
  // Every match contains one of these (each at least 3 bytes long), or
  // nullopt when no such set can be proven (unknown syntax, the x flag,
  // inline modifiers, a branch without a literal, ...).
  std::optional<std::vector<std::string>> required;
  // Every match starts with one of these (after any zero-width assertion),
  // or nullopt. Each is at least 3 bytes long or starts with punctuation
  // ("$", "<a"), so that the offsets where one starts are few. Never set
  // for a pattern using \G, whose meaning depends on where the search starts.
  std::optional<std::vector<std::string>> leading;
};

// The literals of `pattern` (Perl syntax as the rule files use it; `flags`
// from "isx").
RegexLiterals regex_literals(std::string_view pattern, std::string_view flags);

}  // namespace spamgate
