// Text folding: the one form of a text that the learned model's words and
// FUZZY's shingles are cut from: HTML character references decoded once,
// ill-formed UTF-8 replaced, then Unicode NFKC case folding (ICU's
// NFKC_Casefold: "ＳＵＢ" and "Sub" both become "sub", "ｶﾅ" becomes "カナ").
// ASCII is folded by a table and only the non-ASCII runs go through ICU, so
// that mostly-English text costs a copy, not a normalisation. Pure; never
// throws but for std::bad_alloc, whatever the bytes.
#pragma once

#include <string>
#include <string_view>

namespace spamgate {

// `text` NFKC case-folded, with HTML character references decoded first
// and each ill-formed UTF-8 byte replaced by U+FFFD: exactly what ICU's
// NFKC_Casefold gives for the whole decoded, repaired text.
std::string fold_text(std::string_view text);

// fold_text(text) written to `out` (its contents replaced), so that a
// caller folding text after text reuses one buffer. `text` must not lie
// in `out`.
void fold_text_into(std::string_view text, std::string& out);

}  // namespace spamgate
