// Test support shared by the unit tests, the e2e harness and the fuzz
// targets: reads back what spamgate's composer wrote (base64, RFC 2047
// encoded-words, quoted-printable), as a mail reader would. Test-only.
#pragma once

#include <string>
#include <string_view>

namespace spamgate::testing {

// Standard base64 with '=' padding (OpenSSL's EVP block codec).
std::string base64_encode(std::string_view bytes);
// Decodes padded base64; "" when `text` is not valid base64.
std::string base64_decode(std::string_view text);

// The bytes of one "=?charset?B|Q?text?=" word; "" when `word` is not one.
std::string decode_word(const std::string& word);
// `value` with RFC 2047 encoded-words (B and Q) decoded and the white space
// between two adjacent encoded-words dropped, as a mail reader shows it.
std::string decode_words(const std::string& value);
// `text` with quoted-printable soft line breaks and =XX escapes decoded.
std::string decode_quoted_printable(const std::string& text);

}  // namespace spamgate::testing
