// E-mail address syntax: which strings are one mailbox as real mail software
// accepts it (RFC 5321 with the RFC 6531 UTF-8 extension). Pure syntax: it
// never looks up DNS and never rewrites an address.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace spamgate {

// Why `address` is not a valid addr-spec, as a short phrase for a site owner
// ("consecutive dots in local part"), or nullopt when it is valid. Valid is:
// - local part: dot-atom ("first.last+tag"), or a quoted string ("\"a b\"")
//   with quoted-pairs of printable ASCII; also the RFC 822 form that joins
//   atoms and quoted strings with dots ("much.\"more\\ unusual\"", RFC 5322
//   obs-local-part), because mail software still accepts it. At most 64 octets.
// - domain: hostname labels (letters, digits, inner hyphens; at most 63 octets
//   each, 253 in all; one label like "localhost" is allowed), or an address
//   literal "[1.2.3.4]" / "[IPv6:...]" in RFC 5321 syntax. When the last label is
//   all digits (no TLD is), the domain must be a dotted-quad IPv4 address.
// - at most 254 octets in all; well-formed UTF-8; non-ASCII letters are allowed
//   in atoms, quoted strings and labels (RFC 6531), but not invisible
//   characters, C1 controls, or punctuation that imitates ASCII specials
//   (typographic quotes, fullwidth '@', U+2000..U+206F, U+3000..U+303F, ...).
// Refused, though RFC 5322 allows them in messages: comments "(x)", folding
// whitespace, surrounding spaces, control characters (quoted or not), a
// quoted-pair outside quotes, "Name <a@b>", and general domain literals.
std::optional<std::string> addr_spec_problem(std::string_view address);

// True when addr_spec_problem(address) is nullopt.
bool is_valid_addr_spec(std::string_view address);

// Stricter: true only for an address the mail composer may put into a
// Reply-To header as it is, and that no program can mistake for an option:
// a valid addr-spec that is all ASCII, whose local part is a dot-atom (no
// quoted string) not starting with '-', and whose domain is a hostname (no
// address literal). "-oQ/tmp@example.com" is a valid addr-spec but not safe.
bool is_safe_reply_to_address(std::string_view address);

}  // namespace spamgate
