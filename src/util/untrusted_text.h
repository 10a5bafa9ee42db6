// Untrusted text quoted in mail spamgate writes itself (e.g. a bounce's
// From, Subject and reason in an alert): one line, cut, without the
// characters that hide or reorder text, and with links made unclickable.
// Pure; it never decides whether a text is true, only how it is shown.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace spamgate {

// `text` made safe to quote in a text/plain body: ill-formed UTF-8 becomes
// U+FFFD; control characters (C0, DEL, C1) and line separators become a
// space; bidi overrides, embeddings, isolates and marks (U+202A..U+202E,
// U+2066..U+2069, U+200E, U+200F, U+061C) and zero-width characters
// (U+200B..U+200D, U+2060, U+FEFF) are removed; runs of spaces become one;
// the result is cut to `max_chars` characters with "…" when longer. Other
// characters (Japanese, accents) are kept. Then defanged().
std::string quoted_untrusted(std::string_view text, size_t max_chars);

// `text` with its links made unclickable: a URL scheme "http://" becomes
// "hxxp://" ("https" "hxxps", "ftp" "fxp"), and every dot between a name
// character and a letter becomes "[.]" (example[.]com, user@example[.]jp),
// so no mail program turns a host, address or URL into a link. Dots
// between digits ("5.1.1") stay.
std::string defanged(std::string_view text);

}  // namespace spamgate
