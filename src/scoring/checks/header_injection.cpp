// HEADER_INJECTION: single-line fields (author, email, subject, url) that
// would break out of a mail header, as they arrive and after decoding.
#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>
#include <vector>

#include "scoring/checks/check_functions.h"
#include "util/email_address.h"
#include "util/header_safety.h"
#include "util/text_decode.h"
#include "util/ascii.h"

namespace spamgate::checks {
namespace {

// A field value as some layer might see it: as it arrived, or after one or
// two decoding steps. The second step catches nested encodings like
// "%250a", which a careless application decodes twice into a line feed.
struct Variant {
  std::string text;
  std::string_view how;  // appended to the reason, e.g. " after percent-decoding"
};

std::vector<Variant> decoded_variants(std::string_view value) {
  std::vector<Variant> variants;
  const auto add = [&](std::string text, std::string_view how) {
    for (const Variant& seen : variants)
      if (seen.text == text) return;
    variants.push_back({std::move(text), how});
  };
  add(std::string(value), "");
  if (value.find_first_of("%&") == std::string_view::npos) return variants;  // nothing to decode
  const std::string percent = percent_decode_once(value);
  const std::string html = html_entity_decode_once(value);
  add(percent, " after percent-decoding");
  add(html, " after HTML-entity decoding");
  add(html_entity_decode_once(percent), " after percent- and HTML-entity decoding");
  add(percent_decode_once(html), " after HTML-entity and percent-decoding");
  add(percent_decode_once(percent), " under nested percent-encoding");
  add(html_entity_decode_once(html), " under nested HTML-entity encoding");
  return variants;
}

// Line breaks written as escapes that no mail or web standard decodes, sent
// to probe for a layer that does (C-style, IIS "%u", "0x" notation). Only
// pairs, or forms nobody types, so "C:\new" or "error 0x0A" stay clean.
std::optional<std::string> escaped_line_break(std::string_view text) {
  static constexpr std::array<std::string_view, 8> kEscapes = {
      "\\r\\n", "0x0d0x0a", "%u000a", "%u000d", "%u0000", "%u0085", "%u2028", "%u2029"};
  const std::string lower = ascii_lowercase(text);
  for (std::string_view escape : kEscapes)
    if (lower.find(escape) != std::string::npos) return "escaped line break \"" + std::string(escape) + "\"";
  return std::nullopt;
}

// Splits `text` at each character of `separators` found outside a quoted
// string ("...", with backslash escapes) and outside <...>.
std::vector<std::string_view> split_top_level(std::string_view text, std::string_view separators) {
  std::vector<std::string_view> pieces;
  bool quoted = false;
  int angle = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '\\') ++i;
      else if (c == '"') quoted = false;
    } else if (c == '"') {
      quoted = true;
    } else if (c == '<') {
      ++angle;
    } else if (c == '>' && angle > 0) {
      --angle;
    } else if (angle == 0 && separators.find(c) != std::string_view::npos) {
      pieces.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  pieces.push_back(text.substr(start));
  return pieces;
}

std::string_view trim(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// "x@y", possibly in angle brackets: an '@' with something on both sides.
bool has_inner_at(std::string_view word) {
  if (word.size() >= 2 && word.front() == '<' && word.back() == '>') word = word.substr(1, word.size() - 2);
  const size_t at = word.rfind('@');
  return at != std::string_view::npos && at > 0 && at + 1 < word.size();
}

bool mentions_address(std::string_view piece) {
  for (std::string_view word : split_top_level(piece, " \t"))
    if (has_inner_at(trim(word))) return true;
  return false;
}

// One mailbox and nothing else: "a@b", or "Some Name <a@b>".
bool is_lone_mailbox(std::string_view piece) {
  piece = trim(piece);
  const size_t open = piece.rfind('<');
  if (!piece.empty() && piece.back() == '>' && open != std::string_view::npos)
    return has_inner_at(piece.substr(open));
  return split_top_level(piece, " \t").size() == 1 && has_inner_at(piece);
}

// RFC 5322 group syntax, "name:;" or "name: a@b, c@d;": a ':' (not "://")
// followed by nothing but mailboxes up to a ';'.
bool has_group(std::string_view text) {
  for (size_t colon = text.find(':'); colon != std::string_view::npos; colon = text.find(':', colon + 1)) {
    if (text.substr(colon + 1, 2) == "//") continue;
    const size_t semicolon = text.find(';', colon + 1);
    if (semicolon == std::string_view::npos) return false;
    const std::string_view members = trim(text.substr(colon + 1, semicolon - colon - 1));
    if (members.empty()) return true;
    const auto pieces = split_top_level(members, ",");
    if (std::all_of(pieces.begin(), pieces.end(), is_lone_mailbox)) return true;
  }
  return false;
}

// More than one address where one header value should hold at most one.
// The email field must hold one addr-spec, so any two addresses count, even
// separated by spaces; elsewhere only a list (',' or ';') or a group does,
// so a subject like "old@a.org -> new@b.org" stays clean.
std::optional<std::string> address_list(std::string_view text, bool email_field) {
  if (email_field && is_valid_addr_spec(text)) return std::nullopt;
  size_t addresses = 0;
  for (std::string_view piece : split_top_level(text, email_field ? ",; \t" : ",;"))
    if (mentions_address(piece)) ++addresses;
  if (addresses >= 2) return "more than one address";
  if (has_group(text)) return "address group syntax";
  return std::nullopt;
}

std::optional<std::string> field_problem(std::string_view value, bool email_field) {
  if (value.empty()) return std::nullopt;
  const std::vector<Variant> variants = decoded_variants(value);
  for (const Variant& variant : variants)
    if (auto reason = header_unsafe_reason(variant.text)) return *reason + std::string(variant.how);
  for (const Variant& variant : variants)
    if (auto reason = escaped_line_break(variant.text)) return *reason + std::string(variant.how);
  for (const Variant& variant : variants)
    if (auto reason = address_list(variant.text, email_field)) return *reason + std::string(variant.how);
  return std::nullopt;
}

}  // namespace

// Fires on the first single-line field with a problem; the detail is
// "<field>: <reason>", e.g. "subject: line feed after percent-decoding".
Finding header_injection(const Submission& submission, const CheckContext&) {
  struct Field {
    std::string_view name;
    const std::string& value;
    bool email;
  };
  const Field fields[] = {{"author", submission.author, false},
                          {"email", submission.email, true},
                          {"subject", submission.subject, false},
                          {"url", submission.url, false}};
  for (const Field& field : fields)
    if (auto reason = field_problem(field.value, field.email)) return std::string(field.name) + ": " + *reason;
  return std::nullopt;
}

}  // namespace spamgate::checks
