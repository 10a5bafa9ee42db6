// FUZZY's masking: what a spammer varies from one copy of a template to the
// next (links, e-mail addresses, @name and +name mentions) replaced by
// placeholders, so that the copies' fingerprints agree there. Pure; never
// throws but for std::bad_alloc, whatever the bytes.
#pragma once

#include <unicode/umachine.h>

#include <string>
#include <string_view>
#include <vector>

namespace spamgate {

struct LinkSpan;  // scoring/checks/builtin_checks.h

// The placeholders: private-use code points, which no normalisation
// changes, for a link, an e-mail address and a name.
constexpr UChar32 kFuzzyLinkMark = 0xE000, kFuzzyEmailMark = 0xE001, kFuzzyNameMark = 0xE002;

// `body` with its links (`links`: link_spans(body)), e-mail addresses and
// @name / +name mentions each replaced by its placeholder between spaces.
// Returns `body` itself when there is nothing to mask, else a view of
// `buffer` (its contents replaced; `body` must not lie in it).
std::string_view fuzzy_masked(std::string_view body, const std::vector<LinkSpan>& links, std::string& buffer);

}  // namespace spamgate
