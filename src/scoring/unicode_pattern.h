// Unicode pattern: a rule's regex, as the owner wrote it, turned into the
// pattern Boost.Regex's ICU engine (u32regex) compiles. Unicode classes
// Boost does not know (\p{Han}, \p{Cyrillic}, \P{Hiragana}, \p{scx=Kana},
// \p{Alphabetic}) become the code-point ranges ICU gives for them; \b, \B,
// \< and \> become look-arounds with the word rule of docs/rules.md (letters
// and digits of scripts written with spaces are word characters; Han, kana,
// Thai and other scripts written without spaces are not). Pure: no state.
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace spamgate {

// The pattern to compile for `pattern` (flags "isx" as in the rule file), or
// an error: ill-formed UTF-8, an unknown \p{...} class, or characters that
// NFKC normalisation changes (the text is searched normalised, so they
// could never match).
Result<std::string> unicode_pattern(std::string_view pattern, std::string_view flags);

}  // namespace spamgate
