// Text decoding for inspection: percent-encoding and HTML character
// references, each undone exactly once. Used by HEADER_INJECTION and the mail
// composer to see what a value turns into; it never decodes repeatedly.
#pragma once

#include <string>
#include <string_view>

namespace spamgate {

// Replaces every "%XX" (X a hex digit, either case) with the byte 0xXX, once:
// "%250a" becomes "%0a", not a line feed. A '%' not followed by two hex
// digits is kept as it is; '+' is kept (turning '+' into a space is form
// decoding, the form layer's job). The result may hold any byte, NUL and
// invalid UTF-8 included. Never fails.
std::string percent_decode_once(std::string_view text);

// Replaces HTML character references, once ("&amp;#10;" becomes "&#10;"):
// - numeric "&#DDD;" and "&#xHH;" (x or X, hex digits of either case, leading
//   zeros allowed, the ';' optional as browsers allow) become the UTF-8 form of
//   exactly that code point, with no HTML5 remapping: "&#0;" is a NUL byte and
//   "&#133;" is U+0085, so a check sees the worst case. A code point above
//   U+10FFFF or a surrogate becomes U+FFFD.
// - named references with a ';': every HTML5 name for an ASCII character
//   ("&NewLine;", "&Tab;", "&lt;", "&commat;", "&semi;", ...) and a few common
//   ones ("&nbsp;", "&hellip;", "&rsquo;", ...). An unknown name is kept as is.
// Never fails.
std::string html_entity_decode_once(std::string_view text);

}  // namespace spamgate
