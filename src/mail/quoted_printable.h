// Quoted-printable (RFC 2045) for the text body: 7-bit lines of at most 76
// chars whatever the input holds, so a body can never end the SMTP DATA
// phase or grow a header.
#pragma once

#include <string>
#include <string_view>

namespace spamgate {

// Encodes `text`. Line breaks (CRLF, lone LF, lone CR) become hard CRLF
// breaks; every other byte outside printable ASCII, '=', trailing
// whitespace, a '.' or "From " at the start of a line is =XX-escaped.
// The result ends with CRLF.
std::string encode_quoted_printable(std::string_view text);

}  // namespace spamgate
