// Decoders the mail unit tests use to read back what the composer wrote:
// header fields, RFC 2047 B-words, quoted-printable. Test-only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

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
// Decodes one B-encoded word's payload.
std::string decode_word(const std::string& word);
// RFC 2047 decoding of an unstructured value made only of encoded-words
// separated by whitespace (the whitespace between words is dropped).
std::string decode_words(const std::string& value);
std::string decode_quoted_printable(const std::string& body);

}  // namespace mailtest
