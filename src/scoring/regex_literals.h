// Regex literals: proves, from a rule's pattern alone, a set of strings at
// least one of which must occur in any text the regex matches. The Scorer's
// prefilter uses it to skip regexes that cannot match. When in doubt it
// proves nothing (the rule then always runs); it must never claim a string
// the regex could match without.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spamgate {

// The necessary literals of `pattern` (Perl syntax as the rule files use it;
// `flags` from "isx"), ASCII-lower-cased, each at least 3 bytes long, or
// nullopt when no such set can be proven (unknown syntax, the x flag, inline
// modifiers, a branch without a literal, ...). A text whose lower-cased form
// contains none of them cannot match the regex, whatever its flags.
std::optional<std::vector<std::string>> required_literals(std::string_view pattern, std::string_view flags);

}  // namespace spamgate
