// Header encoding: turns already-validated UTF-8 values into folded RFC
// 5322 header fields, RFC 2047-encoding whatever is not plain ASCII.
// It never validates: callers refuse unsafe values before calling it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace spamgate {

constexpr size_t kMaxHeaderLine = 78;    // RFC 5322 "SHOULD" line length
constexpr size_t kMaxEncodedWord = 75;   // RFC 2047 encoded-word length

// `text` split into "=?UTF-8?B?...?=" words, never splitting a UTF-8
// character: the first word at most `first_max` chars, the others at most
// kMaxEncodedWord. `text` must be valid UTF-8 and `first_max` ≥ 20.
std::vector<std::string> encode_words(std::string_view text, size_t first_max);

// "Name: value\r\n" for an unstructured field (Subject): folded at spaces
// when the value is printable ASCII and every line then fits in 78 chars,
// else as encoded-words one per line.
std::string unstructured_field(std::string_view name, std::string_view value);

// "Name: display <address>\r\n" (or "Name: address\r\n" when the display
// name is empty). The display name is a quoted-string when it is printable
// ASCII and fits on the line, else encoded-words.
std::string mailbox_field(std::string_view name, std::string_view display_name, std::string_view address);

// "Name: a, b, c\r\n", folded between addresses.
std::string address_list_field(std::string_view name, const std::vector<std::string>& addresses);

}  // namespace spamgate
