// TOML nesting guard: finds where arrays and inline tables nest deeper than
// a bound, before toml11 parses the text (its recursive parser overflows the
// stack on a few thousand levels). Reads text only; never parses values.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace spamgate {

inline constexpr size_t kMaxTomlNesting = 64;

// The 1-based line where `[` or `{` (outside strings and comments) first
// opens level kMaxTomlNesting + 1, or nullopt when the text stays within it.
std::optional<size_t> toml_too_deep_line(std::string_view text);

}  // namespace spamgate
