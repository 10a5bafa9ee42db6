// multipart/form-data decoding (RFC 7578), shaped to see exactly the text
// fields PHP would hand WordPress and to refuse, rather than guess, what
// the two could read differently. It never recurses into nested multipart.
#pragma once

#include <cstddef>
#include <string_view>

#include "config/config.h"
#include "form/form_decoder.h"

namespace spamgate {

// Longest header block one part may have (its header lines with CRLFs).
inline constexpr size_t kMaxPartHeaderBytes = 8192;

// Decodes `body` with the boundary named in `content_type`.
// Boundary: the `boundary` parameter, quoted or not, 1..70 RFC 2046
// characters; the word "boundary" must occur once in the Content-Type
// (PHP takes the first substring match, so a second one is ambiguous).
// Body: an optional preamble ending in CRLF, then parts each opened by a
// "--boundary" line (trailing spaces allowed) and closed by CRLF before the
// next one; "--boundary--" ends the body and any epilogue is ignored. The
// boundary string anywhere else, or no closing line, is a 400.
// Part headers: CRLF-ended "Name: value" lines, no folding, no control
// characters, at most kMaxPartHeaderBytes; exactly one Content-Disposition,
// of type form-data, with one `name` (quoted with " or ', backslash escaping
// \ and the quote, as PHP reads it). A part whose Content-Type is
// multipart/* is a 400 (not decoded). Duplicate headers or parameters are
// a 400: PHP might pick the other one.
// File parts (with a `filename` parameter) count toward max_fields but are
// not kept: PHP puts them in $_FILES, not $_POST, and keeping their name,
// even with an empty value, would let a file part named "comment" shadow
// the text field under PHP's last-one-wins rule. `filename*` alone does not
// make a file part, because PHP ignores it.
FormResult decode_multipart(std::string_view content_type, std::string_view body, const LimitsConfig& limits);

}  // namespace spamgate
