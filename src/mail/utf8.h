// UTF-8 helpers for the composer: checking header text and repairing body
// text. They never change valid UTF-8.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace spamgate {

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates,
// nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text);

// Length in bytes of the well-formed UTF-8 sequence starting at text[pos],
// or 0 when the bytes there are not one.
size_t utf8_sequence_length(std::string_view text, size_t pos);

// `text` with every byte that is not part of a well-formed sequence
// replaced by U+FFFD.
std::string replace_invalid_utf8(std::string_view text);

}  // namespace spamgate
