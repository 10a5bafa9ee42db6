// E-mail address checks shared by the scoring checks and the mail composer.
// Strict on purpose: an address that is not plainly one mailbox never
// reaches a header or an envelope.
#pragma once

#include <string_view>

namespace spamgate {

// True when `address` is exactly one RFC 5322 addr-spec in dot-atom form
// (local@domain, ASCII, no quoted local part, no comments, no display name,
// no group syntax), local part ≤ 64 and whole address ≤ 254 octets, and
// the domain is dot-separated labels of letters, digits and hyphens.
bool is_valid_addr_spec(std::string_view address);

// is_valid_addr_spec, and additionally refuses a leading '-' (which some
// mail tools would read as an option).
bool is_safe_reply_to_address(std::string_view address);

}  // namespace spamgate
