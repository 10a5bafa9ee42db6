// Search text: the form of a field's text that regex rules search.
// It is the text in Unicode NFKC form (full-width ｖｉａｇｒａ becomes viagra,
// half-width ｶｼﾞﾉ becomes カジノ), with each ill-formed UTF-8 byte replaced by
// U+FFFD. The submission itself is never changed: built-in checks (header
// injection, link counts) and script rules see the text as it was sent.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace spamgate {

// The search text of `text`, or nullopt when it is `text` itself (pure
// ASCII, or well-formed UTF-8 already in NFKC form: the common cases cost
// one read of the text and no copy).
std::optional<std::string> search_text(std::string_view text);

}  // namespace spamgate
