// UTF-8 validation: the one test of whether text is well-formed UTF-8.
// It only reads; it never repairs, transcodes or normalizes text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace spamgate {

// True when `text` is well-formed UTF-8 (RFC 3629): no overlong forms, no
// UTF-16 surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated
// sequence. The empty string is valid.
bool is_valid_utf8(std::string_view text);

// The byte offset of the first ill-formed sequence, or text.size() when the
// whole of `text` is well-formed.
size_t first_invalid_utf8(std::string_view text);

// The length of the well-formed sequence starting at text[pos], or 0 when
// the bytes there are ill-formed. `pos` must be inside `text`.
size_t utf8_sequence_length(std::string_view text, size_t pos);

// `text` with every ill-formed byte replaced by U+FFFD.
std::string replace_invalid_utf8(std::string_view text);

}  // namespace spamgate
