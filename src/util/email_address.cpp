#include "util/email_address.h"

#include <cctype>
#include <cstdint>

#include "util/utf8.h"

namespace spamgate {
namespace {

using Problem = std::optional<std::string>;

constexpr size_t kMaxAddress = 254;  // RFC 5321 4.5.3.1.3: 256-octet path minus "<>"
constexpr size_t kMaxLocal = 64;     // RFC 5321 4.5.3.1.1
constexpr size_t kMaxDomain = 253;   // RFC 1035: 255 octets on the wire
constexpr size_t kMaxLabel = 63;

struct Parts {
  std::string_view local;
  std::string_view domain;
  bool local_is_dot_atom = true;
  bool domain_is_literal = false;
};

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_ascii_atext(char c) {
  static constexpr std::string_view kSpecials = "!#$%&'*+-/=?^_`{|}~";
  return is_alnum(c) || kSpecials.find(c) != std::string_view::npos;
}

// The code point starting at text[i] (text is known to be valid UTF-8) and
// its length in octets.
uint32_t code_point_at(std::string_view text, size_t i, size_t& length) {
  const auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<unsigned char>(text[i + k])); };
  const uint32_t lead = byte(0);
  length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  uint32_t cp = length == 1 ? lead : lead & (0x7F >> length);
  for (size_t k = 1; k < length; ++k) cp = (cp << 6) | (byte(k) & 0x3F);
  return cp;
}

// Non-ASCII characters allowed in an address (RFC 6531 allows any): letters
// and marks, but not C1 controls, invisible characters, private use, or
// punctuation that imitates ASCII specials ("\u201Cx\u201D@a.b" is no quoted string).
bool is_allowed_non_ascii(uint32_t cp) {
  struct Range { uint32_t first, last; };
  static constexpr Range kRefused[] = {
      {0x0080, 0x00BF},  // C1 controls, NBSP, Latin-1 punctuation and symbols
      {0x00D7, 0x00D7}, {0x00F7, 0x00F7},  // multiplication and division signs
      {0x2000, 0x206F},  // spaces, zero-width, bidi controls, quotes, U+2028/9
      {0x2E00, 0x2E7F},  // supplemental punctuation
      {0x3000, 0x303F},  // ideographic space and CJK punctuation
      {0xE000, 0xF8FF},  // private use
      {0xFDD0, 0xFDEF},  // noncharacters
      {0xFE00, 0xFE6F},  // variation selectors, vertical and small forms
      {0xFEFF, 0xFEFF},  // byte order mark
      {0xFF00, 0xFF65},  // fullwidth ASCII ("\uFF20") and halfwidth punctuation
      {0xFFF0, 0xFFFF},  // specials
      {0xE0000, 0x10FFFF},  // tags, variation selectors supplement, private use
  };
  for (const Range& range : kRefused)
    if (cp >= range.first && cp <= range.last) return false;
  return true;
}

// Length of the allowed non-ASCII character at text[i], or 0 when refused.
size_t allowed_non_ascii_at(std::string_view text, size_t i) {
  size_t length = 0;
  return is_allowed_non_ascii(code_point_at(text, i, length)) ? length : 0;
}

std::string unexpected(std::string_view text, size_t i, std::string_view where) {
  const char c = text[i];
  if (c == ' ' || c == '\t') return "space in address";
  if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return "control character in address";
  if (static_cast<unsigned char>(c) >= 0x80) return "character not allowed in an address";
  if (c == '(') return "comment in address";
  if (c == '"') return "quoted string joined to text without a dot";
  std::string reason = "'";  // built piecewise: GCC 12 -Wrestrict false positive on "lit" + std::string&&
  reason += c;
  reason.append("' not allowed in ").append(where);
  return reason;
}

// A quoted string starting at text[i] == '"'; on success i is past its end.
Problem parse_quoted_string(std::string_view text, size_t& i) {
  for (++i; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '"') {
      ++i;
      return std::nullopt;
    }
    if (c == '\\') {
      if (i + 1 >= text.size()) break;
      const unsigned char quoted = static_cast<unsigned char>(text[i + 1]);
      if (quoted < 0x20 || quoted > 0x7E) return "quoted-pair of a control or non-ASCII character";
      i += 2;
    } else if (c < 0x20 || c == 0x7F) {
      return "control character in quoted string";
    } else if (c >= 0x80) {
      const size_t length = allowed_non_ascii_at(text, i);
      if (length == 0) return "character not allowed in an address";
      i += length;
    } else {
      ++i;
    }
  }
  return "unclosed quoted string";
}

// An atom starting at text[i]; i moves past it (not at all when none).
Problem parse_atom(std::string_view text, size_t& i) {
  while (i < text.size()) {
    if (is_ascii_atext(text[i])) {
      ++i;
    } else if (static_cast<unsigned char>(text[i]) >= 0x80) {
      const size_t length = allowed_non_ascii_at(text, i);
      if (length == 0) return "character not allowed in an address";
      i += length;
    } else {
      break;
    }
  }
  return std::nullopt;
}

// local-part = word *("." word), word = atom / quoted-string. On success i
// is at the '@'.
Problem parse_local_part(std::string_view text, size_t& i, Parts& parts) {
  const size_t start = i;
  for (;;) {
    const size_t word_start = i;
    const bool quoted = i < text.size() && text[i] == '"';
    if (quoted) {
      parts.local_is_dot_atom = false;
      if (auto problem = parse_quoted_string(text, i)) return problem;
    } else if (auto problem = parse_atom(text, i)) {
      return problem;
    }
    if (i == word_start) {  // no word where one must be
      if (i == text.size()) return i == start ? "empty address" : "dot at end of local part";
      if (text[i] == '@') return i == start ? "no local part" : "dot at end of local part";
      if (text[i] == '.') return i == start ? "local part starts with a dot" : "consecutive dots in local part";
      return unexpected(text, i, "local part");
    }
    if (i == text.size()) return "no @";
    if (text[i] == '@') break;
    if (text[i] != '.') {
      if (quoted && (is_ascii_atext(text[i]) || static_cast<unsigned char>(text[i]) >= 0x80)) return "text after a quoted string without a dot";
      return unexpected(text, i, "local part");
    }
    ++i;
  }
  parts.local = text.substr(start, i - start);
  if (parts.local.size() > kMaxLocal) return "local part longer than 64 octets";
  return std::nullopt;
}

// Snum "." Snum "." Snum "." Snum, each 0..255 in at most three digits.
bool is_ipv4(std::string_view text) {
  int parts = 0;
  size_t i = 0;
  for (;;) {
    size_t digits = 0;
    int value = 0;
    for (; i < text.size() && is_digit(text[i]) && digits < 4; ++i, ++digits) value = value * 10 + (text[i] - '0');
    if (digits == 0 || digits > 3 || value > 255) return false;
    ++parts;
    if (i == text.size()) return parts == 4;
    if (text[i] != '.' || parts == 4) return false;
    ++i;
  }
}

// Number of ':'-separated groups of 1-4 hex digits in `text` ("" has none),
// or -1 when a group is empty or malformed.
int hex_groups(std::string_view text) {
  if (text.empty()) return 0;
  int groups = 0;
  size_t run = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == ':') {
      if (run == 0 || run > 4) return -1;
      ++groups;
      run = 0;
    } else if (std::isxdigit(static_cast<unsigned char>(text[i]))) {
      ++run;
    } else {
      return -1;
    }
  }
  return groups;
}

// RFC 5321 IPv6-addr: full (8 groups), compressed ("::" standing for at least
// two groups, so at most 6 others), and both with a trailing IPv4 address
// (which takes the place of two groups).
bool is_ipv6(std::string_view text) {
  int max_groups = 8;
  if (text.find('.') != std::string_view::npos) {
    const size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || !is_ipv4(text.substr(colon + 1))) return false;
    text = text.substr(0, colon + 1);
    if (!text.ends_with("::")) text.remove_suffix(1);
    max_groups = 6;
  }
  const size_t gap = text.find("::");
  if (gap == std::string_view::npos) return hex_groups(text) == max_groups;
  if (text.find("::", gap + 1) != std::string_view::npos) return false;
  const int left = hex_groups(text.substr(0, gap));
  const int right = hex_groups(text.substr(gap + 2));
  return left >= 0 && right >= 0 && left + right <= max_groups - 2;
}

// "IPv6:" in any case (RFC 5321 ABNF strings are case-insensitive).
bool starts_with_ipv6_tag(std::string_view text) {
  static constexpr std::string_view kTag = "ipv6:";
  for (size_t i = 0; i < kTag.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != kTag[i]) return false;
  return true;
}

Problem parse_address_literal(std::string_view domain) {
  if (domain.back() != ']') return domain.find(']') == std::string_view::npos ? "unclosed address literal"
                                                                              : "text after address literal";
  const std::string_view inner = domain.substr(1, domain.size() - 2);
  if (inner.size() > 5 && starts_with_ipv6_tag(inner)) {
    if (is_ipv6(inner.substr(5))) return std::nullopt;
    return "bad IPv6 address literal";
  }
  if (is_ipv4(inner)) return std::nullopt;
  return "address literal is not an IPv4 or IPv6 address";
}

Problem parse_hostname(std::string_view domain) {
  if (domain.size() > kMaxDomain) return "domain longer than 253 octets";
  size_t label_start = 0;
  bool numeric_label = true;
  for (size_t i = 0; i <= domain.size();) {
    if (i == domain.size() || domain[i] == '.') {
      const size_t length = i - label_start;
      if (length == 0) {
        if (label_start == 0) return "domain starts with a dot";
        return i == domain.size() ? "domain ends with a dot" : "consecutive dots in domain";
      }
      if (length > kMaxLabel) return "domain label longer than 63 octets";
      if (domain[label_start] == '-') return "domain label starts with a hyphen";
      if (domain[i - 1] == '-') return "domain label ends with a hyphen";
      if (i == domain.size()) break;
      label_start = ++i;
      numeric_label = true;
    } else if (is_alnum(domain[i]) || domain[i] == '-') {
      numeric_label = numeric_label && is_digit(domain[i]);
      ++i;
    } else if (static_cast<unsigned char>(domain[i]) >= 0x80 && allowed_non_ascii_at(domain, i) > 0) {
      numeric_label = false;
      i += allowed_non_ascii_at(domain, i);
    } else {
      return unexpected(domain, i, "domain");
    }
  }
  // No top-level domain is all digits (RFC 3696 2): such a name is meant as
  // an IPv4 address, and must be a well-formed one.
  if (numeric_label && !is_ipv4(domain)) return "numeric top-level domain that is no IPv4 address";
  return std::nullopt;
}

Problem parse(std::string_view address, Parts& parts) {
  if (address.size() > kMaxAddress) return "address longer than 254 octets";
  if (!is_valid_utf8(address)) return "not valid UTF-8";
  size_t i = 0;
  if (auto problem = parse_local_part(address, i, parts)) return problem;
  parts.domain = address.substr(i + 1);
  if (parts.domain.empty()) return "no domain";
  parts.domain_is_literal = parts.domain.front() == '[';
  return parts.domain_is_literal ? parse_address_literal(parts.domain) : parse_hostname(parts.domain);
}

}  // namespace

std::optional<std::string> addr_spec_problem(std::string_view address) {
  Parts parts;
  return parse(address, parts);
}

bool is_valid_addr_spec(std::string_view address) { return !addr_spec_problem(address); }

bool is_safe_reply_to_address(std::string_view address) {
  Parts parts;
  if (parse(address, parts)) return false;
  for (const char c : address)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return parts.local_is_dot_atom && !parts.domain_is_literal && parts.local.front() != '-';
}

}  // namespace spamgate
