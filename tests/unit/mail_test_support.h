// What the mail unit tests use to read back what the composer wrote:
// header fields and encoded-words (decoding in support/mail_decode). Test-only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "support/mail_decode.h"

namespace mailtest {

// The header lines (without CRLF) before the first empty line.
std::vector<std::string> header_lines(const std::string& data);
// The body after the first CRLF CRLF.
std::string body_of(const std::string& data);
// The raw (folded) field "Name: ...\r\n ...", without its final CRLF; "" if absent.
std::string raw_field(const std::string& data, const std::string& name);
// The value of field `name`, unfolded (CRLF before WSP removed), without "Name: ".
std::string field_value(const std::string& data, const std::string& name);
// How many fields called `name` the header has.
int field_count(const std::string& data, const std::string& name);
// Every "=?UTF-8?B?...?=" word in `value`, in order.
std::vector<std::string> encoded_words(const std::string& value);
// Decodes one B-encoded word's payload ("" when `word` is not one).
std::string decode_word(const std::string& word);
using mail_decode::decode_quoted_printable;
using mail_decode::decode_words;

}  // namespace mailtest
