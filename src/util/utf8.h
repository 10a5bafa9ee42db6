// UTF-8 validation shared by the form decoder, the BAD_UTF8 check and mail.
// It only inspects bytes: it never allocates, normalizes or repairs text.
#pragma once

#include <string_view>

namespace spamgate {

// True when `text` is well-formed UTF-8 (RFC 3629): no stray continuation
// bytes, no truncated sequences, no overlong encodings, no UTF-16
// surrogates (U+D800..U+DFFF) and nothing above U+10FFFF. The empty string
// is valid. NUL bytes are valid UTF-8; callers that refuse them check apart.
bool is_valid_utf8(std::string_view text);

}  // namespace spamgate
