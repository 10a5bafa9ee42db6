// Bounce evidence: whether a returned message that spamgate never sent went
// out through the site's own mail account (someone has its password) or
// only carries the site's address (anyone can forge a From). Pure: reads
// the returned message's Received and DKIM-Signature fields
// (BounceReport::original_trace); never verifies a signature or asks DNS.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace spamgate {

// The host of an smtp:// or smtps:// URL, lower-cased, without port or
// brackets ("smtp.example.jp", "127.0.0.1"); "" when it names none.
std::string smtp_url_host(std::string_view url);

// What in `trace` shows the site's account sent the message, in words for
// the alert, or "" when nothing does:
//  - a Received field added by `smtp_host` (its "by" names it) with, under
//    it, a DKIM-Signature whose d= is `site_domain`: "DKIM-Signature d=D
//    under a Received header added by H";
//  - else a Received field naming `smtp_host` (as "by" or "from"):
//    "a Received header names H".
// Names compare case-insensitively and whole (mail.example.jp is not
// xmail.example.jp). An empty `smtp_host` finds nothing.
std::string own_account_evidence(const std::vector<std::string>& trace, std::string_view smtp_host,
                                 std::string_view site_domain);

}  // namespace spamgate
