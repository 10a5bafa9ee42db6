// Header safety: the one definition of text that must never reach an
// e-mail header. Shared by the HEADER_INJECTION check (which scores it) and
// the mail composer (which refuses it), so the two can never disagree.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace spamgate {

// Returns why `value` is unsafe in a mail header, or nullopt when it is
// safe. Unsafe: CR, LF, NUL, U+0085, U+2028, U+2029 (UTF-8 encoded), or an
// RFC 2047 encoded-word ("=?charset?Q|B?...?="). The reason is short and
// names the character class, e.g. "line feed", "encoded-word".
std::optional<std::string> header_unsafe_reason(std::string_view value);

// Why `value` cannot be a header value as it stands: header_unsafe_reason,
// else "invalid UTF-8"; "" when it can.
std::string header_value_problem(std::string_view value);

}  // namespace spamgate
